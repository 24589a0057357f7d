#include "edge/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

#include "edge/protocol/encoding.h"
#include "services/common/scope.h"

namespace nimbus::edge {
namespace {

constexpr double kMaxSkewSeconds = 15 * 60;

std::optional<SigV4Credential> ParseScope(std::string_view credential) {
  // <AKID>/<YYYYMMDD>/<region>/<service>/aws4_request
  std::string parts[5];
  size_t n = 0;
  size_t pos = 0;
  while (n < 5) {
    size_t slash = credential.find('/', pos);
    parts[n++] = std::string(credential.substr(pos, slash == std::string_view::npos
                                                        ? std::string_view::npos
                                                        : slash - pos));
    if (slash == std::string_view::npos) {
      break;
    }
    pos = slash + 1;
  }
  if (n < 4) {
    return std::nullopt;
  }
  return SigV4Credential{parts[0], parts[1], parts[2], parts[3]};
}

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 0xF];
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Trim(std::string_view v) {
  // Trims, and squeezes runs of spaces to one (AWS canonical header values).
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t next = s.find(sep, pos);
    if (next == std::string_view::npos) {
      next = s.size();
    }
    out.emplace_back(s.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::string CanonicalUri(std::string_view raw) {
  std::vector<std::string> segments;
  for (auto& seg : Split(raw, '/')) {
    if (seg.empty() || seg == ".") {
      continue;
    }
    if (seg == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
      continue;
    }
    segments.push_back(std::move(seg));
  }
  std::string path = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    path += (i ? "/" : "") + segments[i];
  }
  if (!segments.empty() && !raw.empty() && raw.back() == '/') {
    path += '/';
  }
  // AWS (non-S3): the already-encoded path is encoded again.
  return protocol::PercentEncode(path, true);
}

std::string CanonicalQuery(std::string_view raw, bool presigned) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!raw.empty()) {
    for (const auto& item : Split(raw, '&')) {
      if (item.empty()) {
        continue;
      }
      auto eq = item.find('=');
      std::string k = item.substr(0, eq);
      std::string v = eq == std::string::npos ? "" : item.substr(eq + 1);
      auto dk = protocol::PercentDecode(k, false);
      auto dv = protocol::PercentDecode(v, false);
      std::string key = protocol::PercentEncode(dk.value_or(k));
      if (presigned && key == "X-Amz-Signature") {
        continue;
      }
      params.emplace_back(std::move(key), protocol::PercentEncode(dv.value_or(v)));
    }
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) {
      out += '&';
    }
    out += k + "=" + v;
  }
  return out;
}

// "20240102T030405Z" → epoch seconds.
std::optional<double> ParseAmzDate(const std::string& s) {
  std::tm tm{};
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') {
    return std::nullopt;
  }
  for (size_t i : {0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 9u, 10u, 11u, 12u, 13u, 14u}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return std::nullopt;
    }
  }
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(6, 2));
  tm.tm_hour = std::stoi(s.substr(9, 2));
  tm.tm_min = std::stoi(s.substr(11, 2));
  tm.tm_sec = std::stoi(s.substr(13, 2));
  return static_cast<double>(timegm(&tm));
}

// The first value of a query parameter, decoded.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  for (const auto& item : Split(query, '&')) {
    auto eq = item.find('=');
    if (item.substr(0, eq) == name) {
      return protocol::PercentDecode(eq == std::string::npos ? "" : item.substr(eq + 1), false);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<SigV4Credential> ParseCredential(const protocol::HttpRequest& request) {
  std::string_view auth = request.Header("authorization");
  if (!auth.empty()) {
    auto pos = auth.find("Credential=");
    if (pos == std::string_view::npos) {
      return std::nullopt;
    }
    auto value = auth.substr(pos + 11);
    auto end = value.find_first_of(", ");
    return ParseScope(value.substr(0, end));
  }
  auto pos = request.query.find("X-Amz-Credential=");
  if (pos != std::string::npos) {
    auto value = std::string_view(request.query).substr(pos + 17);
    auto decoded = protocol::PercentDecode(value.substr(0, value.find('&')), false);
    if (decoded) {
      return ParseScope(*decoded);
    }
  }
  return std::nullopt;
}

std::string AccountForAccessKey(const std::string& access_key_id) {
  if (access_key_id.size() == 12 &&
      std::all_of(access_key_id.begin(), access_key_id.end(),
                  [](unsigned char c) { return std::isdigit(c); })) {
    return access_key_id;
  }
  return kDefaultAccountId;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return Hex(out, len);
}

std::optional<SigV4Signature> ParseSignature(const protocol::HttpRequest& request,
                                             std::string& error) {
  error.clear();
  SigV4Signature sig;
  std::string_view auth = request.Header("authorization");
  if (!auth.empty()) {
    if (auth.rfind("AWS4-HMAC-SHA256", 0) != 0) {
      error = "Unsupported authorization type";
      return std::nullopt;
    }
    std::string credential, signed_headers;
    for (auto item : Split(auth.substr(16), ',')) {
      std::string t = Trim(item);
      auto eq = t.find('=');
      if (eq == std::string::npos) {
        continue;
      }
      std::string k = t.substr(0, eq), v = t.substr(eq + 1);
      if (k == "Credential") {
        credential = v;
      } else if (k == "SignedHeaders") {
        signed_headers = v;
      } else if (k == "Signature") {
        sig.signature = v;
      }
    }
    if (credential.empty() || signed_headers.empty() || sig.signature.empty()) {
      error = "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' "
              "parameters. Authorization=" + std::string(auth.substr(0, 200));
      return std::nullopt;
    }
    auto scope = ParseScope(credential);
    if (!scope) {
      error = "Credential should be scoped to a valid region.";
      return std::nullopt;
    }
    sig.credential = *scope;
    sig.signed_headers = Split(signed_headers, ';');
    sig.amz_date = std::string(request.Header("x-amz-date"));
    if (sig.amz_date.empty()) {
      error = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
              "header.";
      return std::nullopt;
    }
    sig.security_token = std::string(request.Header("x-amz-security-token"));
    return sig;
  }
  auto algorithm = QueryParam(request.query, "X-Amz-Algorithm");
  if (!algorithm) {
    return std::nullopt;  // not signed
  }
  sig.presigned = true;
  auto credential = QueryParam(request.query, "X-Amz-Credential");
  auto date = QueryParam(request.query, "X-Amz-Date");
  auto headers = QueryParam(request.query, "X-Amz-SignedHeaders");
  auto signature = QueryParam(request.query, "X-Amz-Signature");
  auto expires = QueryParam(request.query, "X-Amz-Expires");
  if (*algorithm != "AWS4-HMAC-SHA256" || !credential || !date || !headers || !signature) {
    error = "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
            "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string "
            "parameters.";
    return std::nullopt;
  }
  auto scope = ParseScope(*credential);
  if (!scope) {
    error = "Credential should be scoped to a valid region.";
    return std::nullopt;
  }
  sig.credential = *scope;
  sig.amz_date = *date;
  sig.signed_headers = Split(*headers, ';');
  sig.signature = *signature;
  sig.security_token = QueryParam(request.query, "X-Amz-Security-Token").value_or("");
  if (expires) {
    char* end = nullptr;
    long long v = std::strtoll(expires->c_str(), &end, 10);
    if (end == expires->c_str() || *end != '\0' || v < 0) {
      error = "X-Amz-Expires must be non-negative";
      return std::nullopt;
    }
    sig.expires = v;
  } else {
    sig.expires = 900;
  }
  return sig;
}

std::string CanonicalRequest(const protocol::HttpRequest& request, const SigV4Signature& sig,
                             const std::string& payload_hash) {
  std::string out = request.method + "\n" + CanonicalUri(request.path) + "\n" +
                    CanonicalQuery(request.query, sig.presigned) + "\n";
  std::vector<std::string> names = sig.signed_headers;
  for (const auto& name : names) {
    std::string joined;
    bool first = true;
    for (const auto& [k, v] : request.headers) {
      if (k == name) {
        joined += (first ? "" : ",") + Trim(v);
        first = false;
      }
    }
    out += name + ":" + joined + "\n";
  }
  out += "\n";
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i ? ";" : "") + names[i];
  }
  out += "\n" + payload_hash;
  return out;
}

std::string StringToSign(const SigV4Signature& sig, const std::string& canonical_request) {
  const auto& c = sig.credential;
  return "AWS4-HMAC-SHA256\n" + sig.amz_date + "\n" + c.date + "/" + c.region + "/" + c.service +
         "/aws4_request\n" + Sha256Hex(canonical_request);
}

std::string ComputeSignature(const std::string& secret, const SigV4Signature& sig,
                             const std::string& string_to_sign) {
  const auto& c = sig.credential;
  std::string k = Hmac("AWS4" + secret, c.date);
  k = Hmac(k, c.region);
  k = Hmac(k, c.service);
  k = Hmac(k, "aws4_request");
  std::string mac = Hmac(k, string_to_sign);
  return Hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

SigV4Failure VerifySignature(const protocol::HttpRequest& request, const SigV4Signature& sig,
                             const std::string& secret, double now) {
  if (sig.amz_date.substr(0, 8) != sig.credential.date) {
    return SigV4Failure::kDateMismatch;
  }
  auto signed_at = ParseAmzDate(sig.amz_date);
  if (!signed_at) {
    return SigV4Failure::kDateMismatch;
  }
  if (sig.presigned) {
    if (now > *signed_at + static_cast<double>(sig.expires) || *signed_at - now > kMaxSkewSeconds) {
      return SigV4Failure::kExpired;
    }
  } else if (std::fabs(now - *signed_at) > kMaxSkewSeconds) {
    return SigV4Failure::kExpired;
  }
  std::vector<std::string> hashes;
  std::string_view declared = request.Header("x-amz-content-sha256");
  if (!declared.empty()) {
    hashes.emplace_back(declared);
  } else {
    hashes.push_back(Sha256Hex(request.body));
    if (sig.presigned) {
      // Presigners differ: botocore hashes the (empty) body, others sign UNSIGNED-PAYLOAD.
      hashes.emplace_back("UNSIGNED-PAYLOAD");
    }
  }
  for (const auto& hash : hashes) {
    std::string expected =
        ComputeSignature(secret, sig, StringToSign(sig, CanonicalRequest(request, sig, hash)));
    if (expected.size() == sig.signature.size() &&
        CRYPTO_memcmp(expected.data(), sig.signature.data(), expected.size()) == 0) {
      return SigV4Failure::kNone;
    }
  }
  return SigV4Failure::kMismatch;
}

}  // namespace nimbus::edge
