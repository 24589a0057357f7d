#include "services/iam/federation/providers.h"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "services/common/base64.h"
#include "services/iam/federation/xml_lite.h"

namespace nimbus::iam {
namespace {

std::optional<std::string> ArnTail(const std::string& arn, const std::string& type) {
  if (arn.rfind("arn:aws:iam::", 0) != 0) {
    return std::nullopt;
  }
  auto colon = arn.find(':', 13);
  if (colon == std::string::npos || colon != 13 + 12 ||
      arn.compare(colon + 1, type.size() + 1, type + "/") != 0) {
    return std::nullopt;
  }
  std::string tail = arn.substr(colon + 2 + type.size());
  if (tail.empty()) {
    return std::nullopt;
  }
  return tail;
}

std::string Trim(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
    --e;
  }
  return s.substr(b, e - b);
}

std::string IsoOf(double t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

std::optional<std::string> OidcProviderIdFromUrl(const std::string& url) {
  if (url.size() > 255 || url.rfind("https://", 0) != 0) {
    return std::nullopt;
  }
  std::string id = url.substr(8);
  while (!id.empty() && id.back() == '/') {
    id.pop_back();
  }
  if (id.empty() || id.front() == '/' || id.find_first_of("?# ") != std::string::npos) {
    return std::nullopt;
  }
  // The host is case-insensitive, the path is not.
  auto slash = id.find('/');
  for (size_t i = 0; i < std::min(slash, id.size()); ++i) {
    id[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(id[i])));
  }
  return id;
}

std::optional<std::string> OidcProviderIdFromArn(const std::string& arn) {
  return ArnTail(arn, "oidc-provider");
}

std::optional<std::string> SamlProviderNameFromArn(const std::string& arn) {
  return ArnTail(arn, "saml-provider");
}

std::optional<double> ParseIsoTime(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double s = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &s, &used) !=
      6) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  double t = static_cast<double>(timegm(&tm)) + s;
  std::string rest = text.substr(static_cast<size_t>(used));
  if (rest.empty() || rest == "Z") {
    return t;
  }
  int oh = 0, om = 0;
  char sign = rest[0];
  if ((sign == '+' || sign == '-') && std::sscanf(rest.c_str() + 1, "%2d:%2d", &oh, &om) == 2) {
    double offset = oh * 3600.0 + om * 60.0;
    return sign == '+' ? t - offset : t + offset;
  }
  return std::nullopt;
}

std::optional<SamlMetadata> ParseSamlMetadata(const std::string& text) {
  auto doc = ParseXml(text);
  if (!doc || doc->front().name != "EntityDescriptor") {
    return std::nullopt;
  }
  SamlMetadata md;
  md.entity_id = Attribute(doc->front(), "entityID");
  std::string until = Attribute(doc->front(), "validUntil");
  if (!until.empty()) {
    auto t = ParseIsoTime(until);
    if (!t) {
      return std::nullopt;
    }
    md.valid_until = IsoOf(*t);
  }
  return md;
}

std::optional<SamlAssertion> ParseSamlResponse(const std::string& base64, std::string& error) {
  std::string compact;
  for (char c : base64) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      compact += c;
    }
  }
  auto xml = Base64Decode(compact);
  if (!xml) {
    error = "Invalid base64 SAMLResponse";
    return std::nullopt;
  }
  auto doc = ParseXml(*xml);
  if (!doc) {
    error = "Response is not well-formed XML";
    return std::nullopt;
  }
  int assertion = FindElement(*doc, "Assertion");
  if (assertion < 0) {
    error = "Response does not contain an Assertion";
    return std::nullopt;
  }
  const auto& d = *doc;
  SamlAssertion out;
  // The assertion's Issuer, else the response's.
  int issuer = FindElement(d, "Issuer", assertion);
  if (issuer < 0) {
    issuer = FindElement(d, "Issuer");
  }
  if (issuer >= 0) {
    out.issuer = Trim(d[issuer].text);
  }
  int subject = FindElement(d, "Subject", assertion);
  if (subject >= 0) {
    int name_id = FindElement(d, "NameID", subject);
    if (name_id >= 0) {
      out.name_id = Trim(d[name_id].text);
      out.name_id_format = Attribute(d[name_id], "Format");
    }
    int data = FindElement(d, "SubjectConfirmationData", subject);
    if (data >= 0) {
      out.recipient = Attribute(d[data], "Recipient");
    }
  }
  int conditions = FindElement(d, "Conditions", assertion);
  if (conditions >= 0) {
    if (auto t = ParseIsoTime(Attribute(d[conditions], "NotOnOrAfter"))) {
      out.not_on_or_after = *t;
    }
    int audience = FindElement(d, "Audience", conditions);
    if (audience >= 0) {
      out.audience = Trim(d[audience].text);
    }
  }
  int authn = FindElement(d, "AuthnStatement", assertion);
  if (authn >= 0) {
    if (auto t = ParseIsoTime(Attribute(d[authn], "SessionNotOnOrAfter"))) {
      out.session_not_on_or_after = *t;
    }
  }
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i].name != "Attribute" || !IsBelow(d, static_cast<int>(i), assertion)) {
      continue;
    }
    auto& values = out.attributes[Attribute(d[i], "Name")];
    for (size_t j = i + 1; j < d.size(); ++j) {
      if (d[j].name == "AttributeValue" && d[j].parent == static_cast<int>(i)) {
        values.push_back(Trim(d[j].text));
      }
    }
  }
  return out;
}

}  // namespace nimbus::iam
