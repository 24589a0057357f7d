#include "services/iam/policy/conditions.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>

namespace nimbus::iam {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<double> ParseNumber(const std::string& s) {
  if (s.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// ISO 8601 ("2024-01-02", "2024-01-02T03:04:05Z", fractions, ±hh:mm) or epoch seconds.
std::optional<double> ParseDate(const std::string& s) {
  if (!s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isdigit(c) || c == '.';
      })) {
    return ParseNumber(s);
  }
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3) {
    return std::nullopt;
  }
  const char* rest = s.c_str() + consumed;
  double offset = 0;
  if (*rest == 'T' || *rest == 't' || *rest == ' ') {
    int n = 0;
    if (std::sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &n) != 2) {
      return std::nullopt;
    }
    rest += 1 + n;
    if (*rest == ':') {
      char* end = nullptr;
      sec = std::strtod(rest + 1, &end);
      rest = end;
    }
    if (*rest == 'Z' || *rest == 'z') {
      ++rest;
    } else if (*rest == '+' || *rest == '-') {
      int oh = 0, om = 0;
      if (std::sscanf(rest + 1, "%2d:%2d", &oh, &om) < 1) {
        return std::nullopt;
      }
      offset = (*rest == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
      rest += std::strlen(rest);
    }
  }
  if (*rest != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<double>(timegm(&tm)) + sec - offset;
}

bool CidrContains(const std::string& cidr, const std::string& ip) {
  std::string net = cidr;
  int bits = -1;
  if (auto slash = cidr.find('/'); slash != std::string::npos) {
    net = cidr.substr(0, slash);
    auto n = ParseNumber(cidr.substr(slash + 1));
    if (!n) {
      return false;
    }
    bits = static_cast<int>(*n);
  }
  unsigned char a[16], b[16];
  int len = 0;
  if (inet_pton(AF_INET, net.c_str(), a) == 1 && inet_pton(AF_INET, ip.c_str(), b) == 1) {
    len = 4;
  } else if (inet_pton(AF_INET6, net.c_str(), a) == 1 && inet_pton(AF_INET6, ip.c_str(), b) == 1) {
    len = 16;
  } else {
    return false;
  }
  if (bits < 0 || bits > len * 8) {
    bits = len * 8;
  }
  for (int i = 0; i < len && bits > 0; ++i, bits -= 8) {
    unsigned char mask = bits >= 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) {
      return false;
    }
  }
  return true;
}

// ARN comparison component by component (partition, service, region, account, resource), each
// with wildcards; the resource part may itself contain ':'.
bool ArnMatch(const std::string& pattern, const std::string& arn) {
  auto split = [](const std::string& s, std::vector<std::string>& out) {
    size_t pos = 0;
    for (int i = 0; i < 5; ++i) {
      auto c = s.find(':', pos);
      if (c == std::string::npos) {
        return false;
      }
      out.push_back(s.substr(pos, c - pos));
      pos = c + 1;
    }
    out.push_back(s.substr(pos));
    return true;
  };
  if (pattern == "*") {
    return true;
  }
  std::vector<std::string> p, a;
  if (!split(pattern, p) || !split(arn, a)) {
    return WildcardMatch(pattern, arn, false);
  }
  for (size_t i = 0; i < 6; ++i) {
    if (!WildcardMatch(p[i], a[i], false)) {
      return false;
    }
  }
  return true;
}

// The positive form of a negated operator ("StringNotLike" → "StringLike").
std::string PositiveOf(const std::string& op, bool& negated) {
  static const std::pair<const char*, const char*> kNegations[] = {
      {"StringNotEquals", "StringEquals"},
      {"StringNotEqualsIgnoreCase", "StringEqualsIgnoreCase"},
      {"StringNotLike", "StringLike"},
      {"NumericNotEquals", "NumericEquals"},
      {"DateNotEquals", "DateEquals"},
      {"NotIpAddress", "IpAddress"},
      {"ArnNotEquals", "ArnEquals"},
      {"ArnNotLike", "ArnLike"}};
  for (const auto& [neg, pos] : kNegations) {
    if (op == neg) {
      negated = true;
      return pos;
    }
  }
  negated = false;
  return op;
}

// Numeric* and Date* operators share their comparisons; `cmp` is the name after the prefix.
bool CompareOrdered(const std::string& cmp, std::optional<double> p, std::optional<double> v) {
  if (!p || !v) {
    return false;
  }
  if (cmp == "Equals") {
    return *v == *p;
  }
  if (cmp == "LessThan") {
    return *v < *p;
  }
  if (cmp == "LessThanEquals") {
    return *v <= *p;
  }
  if (cmp == "GreaterThan") {
    return *v > *p;
  }
  if (cmp == "GreaterThanEquals") {
    return *v >= *p;
  }
  return false;
}

bool MatchOne(const std::string& op, const std::string& policy, const std::string& value) {
  if (op == "StringEquals") {
    return policy == value;
  }
  if (op == "StringEqualsIgnoreCase") {
    return Lower(policy) == Lower(value);
  }
  if (op == "StringLike") {
    return WildcardMatch(policy, value, false);
  }
  if (op == "Bool") {
    return Lower(policy) == Lower(value);
  }
  if (op == "BinaryEquals") {
    return policy == value;
  }
  if (op == "IpAddress") {
    return CidrContains(policy, value);
  }
  if (op == "ArnEquals" || op == "ArnLike") {
    return ArnMatch(policy, value);
  }
  if (op.rfind("Numeric", 0) == 0) {
    return CompareOrdered(op.substr(7), ParseNumber(policy), ParseNumber(value));
  }
  if (op.rfind("Date", 0) == 0) {
    return CompareOrdered(op.substr(4), ParseDate(policy), ParseDate(value));
  }
  return false;
}

}  // namespace

bool SubstituteVariables(const std::string& in, const RequestFacts& facts, std::string& out) {
  out.clear();
  size_t pos = 0;
  while (true) {
    auto start = in.find("${", pos);
    if (start == std::string::npos) {
      out.append(in, pos, std::string::npos);
      return true;
    }
    auto end = in.find('}', start);
    if (end == std::string::npos) {
      out.append(in, pos, std::string::npos);
      return true;
    }
    out.append(in, pos, start - pos);
    std::string name = in.substr(start + 2, end - start - 2);
    if (name == "*" || name == "?" || name == "$") {
      out += name;
    } else {
      // ${key, 'default'}: the default applies when the key is absent.
      std::optional<std::string> fallback;
      if (auto comma = name.find(','); comma != std::string::npos) {
        std::string def = name.substr(comma + 1);
        name = name.substr(0, comma);
        auto q1 = def.find('\'');
        auto q2 = def.rfind('\'');
        if (q1 != std::string::npos && q2 > q1) {
          fallback = def.substr(q1 + 1, q2 - q1 - 1);
        }
        while (!name.empty() && name.back() == ' ') {
          name.pop_back();
        }
      }
      const auto* values = facts.Find(name);
      if (values != nullptr && !values->empty()) {
        out += values->front();
      } else if (fallback) {
        out += *fallback;
      } else {
        return false;
      }
    }
    pos = end + 1;
  }
}

bool EvaluateCondition(const Condition& c, const RequestFacts& facts, bool variables,
                       std::vector<std::string>& missing) {
  const auto* ctx = facts.Find(c.key);
  bool absent = ctx == nullptr || ctx->empty();
  if (c.op == "Null") {
    // "true": the key must be absent; "false": it must be present.
    for (const auto& v : c.values) {
      if ((Lower(v) == "true") == absent) {
        return true;
      }
    }
    return false;
  }
  if (absent) {
    if (c.if_exists || c.set == Condition::Set::kForAllValues) {
      return true;
    }
    missing.push_back(c.key);
    return false;
  }
  bool negated = false;
  std::string op = PositiveOf(c.op, negated);
  std::vector<std::string> policy_values;
  policy_values.reserve(c.values.size());
  for (const auto& v : c.values) {
    std::string s;
    if (variables && op.rfind("String", 0) == 0) {
      if (!SubstituteVariables(v, facts, s)) {
        continue;
      }
    } else {
      s = v;
    }
    policy_values.push_back(std::move(s));
  }
  // One context value against the policy values: a positive operator needs any policy value to
  // match; a negated one needs none to.
  auto test = [&](const std::string& value) {
    bool any = std::any_of(policy_values.begin(), policy_values.end(),
                           [&](const std::string& p) { return MatchOne(op, p, value); });
    return negated ? !any : any;
  };
  switch (c.set) {
    case Condition::Set::kForAllValues:
      return std::all_of(ctx->begin(), ctx->end(), test);
    case Condition::Set::kForAnyValue:
      return std::any_of(ctx->begin(), ctx->end(), test);
    case Condition::Set::kNone:
      break;
  }
  if (negated) {
    // AWS: a negated operator on a multi-valued key holds only if no value matches.
    return std::all_of(ctx->begin(), ctx->end(), test);
  }
  return std::any_of(ctx->begin(), ctx->end(), test);
}

}  // namespace nimbus::iam
