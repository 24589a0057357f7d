#include "services/sns/filter_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "services/sns/sns_errors.h"

namespace nimbus::sns {
using rapidjson::Value;

namespace {

constexpr size_t kMaxKeys = 5;
constexpr int64_t kMaxCombinations = 150;

struct Scalar {
  enum class Kind { kString, kNumber, kBool, kNull };
  Kind kind = Kind::kNull;
  std::string s;
  double n = 0;
  bool b = false;

  bool operator==(const Scalar& o) const {
    if (kind != o.kind) {
      return false;
    }
    switch (kind) {
      case Kind::kString:
        return s == o.s;
      case Kind::kNumber:
        return n == o.n;
      case Kind::kBool:
        return b == o.b;
      case Kind::kNull:
        return true;
    }
    return false;
  }
};

std::optional<Scalar> ScalarOf(const Value& v) {
  Scalar s;
  if (v.IsString()) {
    s.kind = Scalar::Kind::kString;
    s.s.assign(v.GetString(), v.GetStringLength());
  } else if (v.IsNumber()) {
    s.kind = Scalar::Kind::kNumber;
    s.n = v.GetDouble();
  } else if (v.IsBool()) {
    s.kind = Scalar::Kind::kBool;
    s.b = v.GetBool();
  } else if (v.IsNull()) {
    s.kind = Scalar::Kind::kNull;
  } else {
    return std::nullopt;
  }
  return s;
}

std::optional<double> ParseNumber(std::string_view text) {
  std::string t(text);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) {
    t.pop_back();
  }
  if (t.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) {
    return std::nullopt;
  }
  return v;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

struct IpAddress {
  int family = 0;
  unsigned char bytes[16] = {};
};

std::optional<IpAddress> ParseIp(const std::string& text) {
  IpAddress ip;
  if (inet_pton(AF_INET, text.c_str(), ip.bytes) == 1) {
    ip.family = AF_INET;
    return ip;
  }
  if (inet_pton(AF_INET6, text.c_str(), ip.bytes) == 1) {
    ip.family = AF_INET6;
    return ip;
  }
  return std::nullopt;
}

}  // namespace

struct FilterPolicy::Condition {
  enum class Kind {
    kExact,
    kPrefix,
    kSuffix,
    kEqualsIgnoreCase,
    kAnythingBut,
    kAnythingButPrefix,
    kNumeric,
    kExists,
    kCidr
  };
  Kind kind = Kind::kExact;
  Scalar value;                // kExact
  std::string text;            // prefix, suffix, equals-ignore-case (lowercased), anything-but prefix
  std::vector<Scalar> values;  // anything-but
  std::vector<std::pair<std::string, double>> numeric;  // (operator, operand), ANDed
  bool exists = false;
  IpAddress network;
  int bits = 0;

  bool Matches(const Scalar& v) const {
    switch (kind) {
      case Kind::kExact:
        return v == value;
      case Kind::kPrefix:
        return v.kind == Scalar::Kind::kString && v.s.rfind(text, 0) == 0;
      case Kind::kSuffix:
        return v.kind == Scalar::Kind::kString && v.s.size() >= text.size() &&
               v.s.compare(v.s.size() - text.size(), text.size(), text) == 0;
      case Kind::kEqualsIgnoreCase:
        return v.kind == Scalar::Kind::kString && Lower(v.s) == text;
      case Kind::kAnythingBut:
        return std::none_of(values.begin(), values.end(),
                            [&](const Scalar& x) { return x == v; });
      case Kind::kAnythingButPrefix:
        return v.kind == Scalar::Kind::kString && v.s.rfind(text, 0) != 0;
      case Kind::kNumeric:
        if (v.kind != Scalar::Kind::kNumber) {
          return false;
        }
        for (const auto& [op, operand] : numeric) {
          bool ok = op == "=" ? v.n == operand
                    : op == "<" ? v.n < operand
                    : op == "<=" ? v.n <= operand
                    : op == ">" ? v.n > operand
                                : v.n >= operand;
          if (!ok) {
            return false;
          }
        }
        return true;
      case Kind::kCidr: {
        if (v.kind != Scalar::Kind::kString) {
          return false;
        }
        auto ip = ParseIp(v.s);
        if (!ip || ip->family != network.family) {
          return false;
        }
        int full = bits / 8;
        if (std::memcmp(ip->bytes, network.bytes, static_cast<size_t>(full)) != 0) {
          return false;
        }
        int rest = bits % 8;
        if (rest == 0) {
          return true;
        }
        auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
        return (ip->bytes[full] & mask) == (network.bytes[full] & mask);
      }
      case Kind::kExists:
        return exists;
    }
    return false;
  }
};

namespace {

using Condition = FilterPolicy::Condition;
using Rule = FilterPolicy::Rule;
using Branch = FilterPolicy::Branch;

// Validates a policy and builds its branches. Error texts follow AWS's (as recorded by
// LocalStack's AWS-validated tests).
class Parser {
 public:
  Parser(FilterScope scope, bool subscribe_call)
      : scope_(scope),
        prefix_(subscribe_call ? "Invalid parameter: Attributes Reason: " : "Invalid parameter: ") {}

  std::optional<AwsError> error;

  AwsError Fail(const std::string& what) { return errors::InvalidParameterRaw(prefix_ + what); }

  // AWS's complexity measure: the values of each key multiplied together, weighted by nesting
  // depth; "$or" alternatives add up.
  int64_t Complexity(const Value& obj, int depth, int64_t combinations) {
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd() && !error; ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      const Value& v = it->value;
      if (v.IsObject()) {
        combinations = Complexity(v, depth + 1, combinations);
      } else if (v.IsArray()) {
        if (v.Empty()) {
          error = Fail("FilterPolicy: Empty arrays are not allowed");
          return 0;
        }
        if (key == "$or") {
          int64_t sum = 0;
          for (const auto& alt : v.GetArray()) {
            if (!alt.IsObject()) {
              error = Fail("FilterPolicy: \"$or\" must be an array of objects");
              return 0;
            }
            sum += Complexity(alt, depth, combinations);
          }
          combinations = sum;
        } else {
          for (const auto& rule : v.GetArray()) {
            if (auto e = ValidateRule(rule)) {
              error = std::move(e);
              return 0;
            }
          }
          combinations = combinations * static_cast<int64_t>(v.Size()) * depth;
        }
      } else {
        error = Fail("FilterPolicy: \"" + key + "\" must be an object or an array");
        return 0;
      }
      combinations = std::min<int64_t>(combinations, 1'000'000);
    }
    if (!error && scope_ == FilterScope::kMessageAttributes && depth > 1) {
      error = Fail("Filter policy scope MessageAttributes does not support nested filter policy");
    }
    return combinations;
  }

  std::optional<AwsError> ValidateRule(const Value& rule) {
    if (rule.IsString() || rule.IsNumber() || rule.IsBool() || rule.IsNull()) {
      return std::nullopt;
    }
    if (!rule.IsObject()) {
      return Fail("FilterPolicy: Match value must be String, number, true, false, or null");
    }
    if (rule.MemberCount() != 1) {
      return Fail("FilterPolicy: Only one key allowed in match expression");
    }
    std::string op(rule.MemberBegin()->name.GetString());
    const Value& v = rule.MemberBegin()->value;
    if (op == "prefix" || op == "suffix" || op == "equals-ignore-case") {
      if (!v.IsString()) {
        return Fail("FilterPolicy: " + op + " match pattern must be a string");
      }
      return std::nullopt;
    }
    if (op == "anything-but") {
      if (v.IsArray()) {
        for (const auto& x : v.GetArray()) {
          if (!(x.IsString() || x.IsNumber())) {
            return Fail("FilterPolicy: Inside anything but list, start|null|boolean is not supported.");
          }
        }
        return std::nullopt;
      }
      if (v.IsObject()) {
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
          std::string inner(it->name.GetString());
          if (inner != "prefix") {
            return Fail("FilterPolicy: Unsupported anything-but pattern: " + inner);
          }
          if (!it->value.IsString()) {
            return Fail("FilterPolicy: prefix match pattern must be a string");
          }
        }
        return std::nullopt;
      }
      if (v.IsString() || v.IsNumber()) {
        return std::nullopt;
      }
      return Fail("FilterPolicy: Value of anything-but must be an array or single string/number value.");
    }
    if (op == "exists") {
      if (!v.IsBool()) {
        return Fail("FilterPolicy: exists match pattern must be either true or false.");
      }
      return std::nullopt;
    }
    if (op == "numeric") {
      return ValidateNumeric(v);
    }
    if (op == "cidr") {
      return ValidateCidr(v);
    }
    return Fail("FilterPolicy: Unrecognized match type " + op);
  }

  std::optional<AwsError> ValidateNumeric(const Value& v) {
    if (!v.IsArray() || v.Empty()) {
      return Fail("FilterPolicy: Invalid member in numeric match: ]");
    }
    auto arr = v.GetArray();
    const Value& op1 = arr[0];
    if (!op1.IsString()) {
      return Fail("FilterPolicy: Invalid member in numeric match: " + Text(op1));
    }
    std::string o1 = op1.GetString();
    if (o1 != "<" && o1 != "<=" && o1 != "=" && o1 != ">" && o1 != ">=") {
      return Fail("FilterPolicy: Unrecognized numeric range operator: " + o1);
    }
    if (arr.Size() < 2 || !arr[1].IsNumber()) {
      return Fail("FilterPolicy: Value of " + std::string(o1 == "=" ? "equals" : o1) +
                  " must be numeric");
    }
    if (arr.Size() == 2) {
      return std::nullopt;
    }
    if (o1 != ">" && o1 != ">=") {
      return Fail("FilterPolicy: Too many elements in numeric expression");
    }
    const Value& op2 = arr[2];
    if (!op2.IsString()) {
      return Fail("FilterPolicy: Bad value in numeric range: " + Text(op2));
    }
    std::string o2 = op2.GetString();
    if (o2 != "<" && o2 != "<=") {
      return Fail("FilterPolicy: Bad numeric range operator: " + o2);
    }
    if (arr.Size() < 4 || !arr[3].IsNumber()) {
      return Fail("FilterPolicy: Value of " + o2 + " must be numeric");
    }
    if (arr[3].GetDouble() <= arr[1].GetDouble()) {
      return Fail("FilterPolicy: Bottom must be less than top");
    }
    if (arr.Size() > 4) {
      return Fail("FilterPolicy: Too many terms in numeric range expression");
    }
    return std::nullopt;
  }

  std::optional<AwsError> ValidateCidr(const Value& v) {
    if (!v.IsString()) {
      return Fail("FilterPolicy: prefix match pattern must be a string");
    }
    std::string text = v.GetString();
    auto slash = text.find('/');
    if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos) {
      return Fail("FilterPolicy: Malformed CIDR, one '/' required");
    }
    std::string addr = text.substr(0, slash);
    std::string mask = text.substr(slash + 1);
    bool digits = !mask.empty() && std::all_of(mask.begin(), mask.end(), [](unsigned char c) {
      return std::isdigit(c) != 0;
    });
    if (!digits) {
      return Fail("FilterPolicy: Malformed CIDR, mask bits must be an integer");
    }
    auto ip = ParseIp(addr);
    int bits = mask.size() > 3 ? 999 : std::atoi(mask.c_str());
    if (!ip || bits > (ip->family == AF_INET ? 32 : 128)) {
      return Fail("FilterPolicy: Nonstandard IP address: " + addr);
    }
    return std::nullopt;
  }

  static std::string Text(const Value& v) {
    if (v.IsString()) {
      return v.GetString();
    }
    if (v.IsNumber()) {
      std::string s = std::to_string(v.GetDouble());
      return s;
    }
    return v.IsBool() ? (v.GetBool() ? "true" : "false") : "null";
  }

  // Builds the alternatives of `obj` (already validated), extending each of `branches`.
  std::vector<Branch> Expand(const Value& obj, const std::vector<std::string>& path,
                             std::vector<Branch> branches) {
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      const Value& v = it->value;
      if (key == "$or" && v.IsArray()) {
        std::vector<Branch> out;
        for (const auto& alt : v.GetArray()) {
          auto sub = Expand(alt, path, branches);
          for (auto& b : sub) {
            out.push_back(std::move(b));
          }
        }
        branches = std::move(out);
        continue;
      }
      std::vector<std::string> child = path;
      child.push_back(key);
      if (v.IsObject()) {
        branches = Expand(v, child, std::move(branches));
        continue;
      }
      Rule rule;
      rule.path = std::move(child);
      for (const auto& r : v.GetArray()) {
        rule.conditions.push_back(BuildCondition(r));
      }
      for (auto& b : branches) {
        b.push_back(rule);
      }
    }
    return branches;
  }

  static Condition BuildCondition(const Value& r) {
    Condition c;
    if (auto s = ScalarOf(r)) {
      c.kind = Condition::Kind::kExact;
      c.value = *s;
      return c;
    }
    std::string op(r.MemberBegin()->name.GetString());
    const Value& v = r.MemberBegin()->value;
    if (op == "prefix") {
      c.kind = Condition::Kind::kPrefix;
      c.text = v.GetString();
    } else if (op == "suffix") {
      c.kind = Condition::Kind::kSuffix;
      c.text = v.GetString();
    } else if (op == "equals-ignore-case") {
      c.kind = Condition::Kind::kEqualsIgnoreCase;
      c.text = Lower(v.GetString());
    } else if (op == "anything-but") {
      if (v.IsObject()) {
        c.kind = Condition::Kind::kAnythingButPrefix;
        c.text = v.MemberBegin()->value.GetString();
      } else {
        c.kind = Condition::Kind::kAnythingBut;
        if (v.IsArray()) {
          for (const auto& x : v.GetArray()) {
            c.values.push_back(*ScalarOf(x));
          }
        } else {
          c.values.push_back(*ScalarOf(v));
        }
      }
    } else if (op == "exists") {
      c.kind = Condition::Kind::kExists;
      c.exists = v.GetBool();
    } else if (op == "numeric") {
      c.kind = Condition::Kind::kNumeric;
      auto arr = v.GetArray();
      for (rapidjson::SizeType i = 0; i + 1 < arr.Size(); i += 2) {
        c.numeric.emplace_back(arr[i].GetString(), arr[i + 1].GetDouble());
      }
    } else if (op == "cidr") {
      c.kind = Condition::Kind::kCidr;
      std::string text = v.GetString();
      auto slash = text.find('/');
      c.network = *ParseIp(text.substr(0, slash));
      c.bits = std::atoi(text.c_str() + slash + 1);
    }
    return c;
  }

 private:
  FilterScope scope_;
  std::string prefix_;
};

// Whether a key's conditions accept it: `present` says whether the key exists at all,
// `values` are its scalar values (several for arrays).
bool RuleMatches(const Rule& rule, bool present, const std::vector<Scalar>& values) {
  for (const auto& c : rule.conditions) {
    if (c.kind == Condition::Kind::kExists) {
      if (c.exists == present) {
        return true;
      }
      continue;
    }
    for (const auto& v : values) {
      if (c.Matches(v)) {
        return true;
      }
    }
  }
  return false;
}

// Collects the values at `path` in a JSON body, descending through arrays.
void Collect(const Value& v, const std::vector<std::string>& path, size_t idx, bool& present,
             std::vector<Scalar>& out) {
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      Collect(e, path, idx, present, out);
    }
    return;
  }
  if (idx == path.size()) {
    present = true;
    if (auto s = ScalarOf(v)) {
      out.push_back(std::move(*s));
    }
    return;
  }
  if (!v.IsObject()) {
    return;
  }
  auto it = v.FindMember(Value(path[idx].c_str(), static_cast<rapidjson::SizeType>(path[idx].size())));
  if (it != v.MemberEnd()) {
    Collect(it->value, path, idx + 1, present, out);
  }
}

}  // namespace

FilterPolicy::FilterPolicy() = default;
FilterPolicy::~FilterPolicy() = default;

Result<std::shared_ptr<const FilterPolicy>> FilterPolicy::Parse(std::string_view json,
                                                                FilterScope scope,
                                                                bool subscribe_call) {
  Parser parser(scope, subscribe_call);
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return parser.Fail("FilterPolicy: failed to parse JSON.");
  }
  if (doc.MemberCount() > kMaxKeys) {
    return parser.Fail("FilterPolicy: Filter policy can not have more than 5 keys");
  }
  int64_t combinations = parser.Complexity(doc, 1, 1);
  if (parser.error) {
    return *parser.error;
  }
  if (combinations > kMaxCombinations) {
    return parser.Fail("FilterPolicy: Filter policy is too complex");
  }
  auto policy = std::make_shared<FilterPolicy>();
  policy->branches_ = parser.Expand(doc, {}, std::vector<Branch>(1));
  return std::shared_ptr<const FilterPolicy>(std::move(policy));
}

bool FilterPolicy::MatchesAttributes(const MessageAttributes& attributes) const {
  return std::any_of(branches_.begin(), branches_.end(), [&](const Branch& branch) {
    return std::all_of(branch.begin(), branch.end(), [&](const Rule& rule) {
      auto it = attributes.find(rule.path.front());
      // AWS: Binary attributes are not considered by filter policies.
      bool present = it != attributes.end() && !it->second.IsBinary();
      std::vector<Scalar> values;
      if (present) {
        const auto& attr = it->second;
        if (attr.data_type == "String.Array") {
          rapidjson::Document arr;
          arr.Parse(attr.value.c_str(), attr.value.size());
          if (!arr.HasParseError() && arr.IsArray()) {
            for (const auto& e : arr.GetArray()) {
              if (auto s = ScalarOf(e)) {
                values.push_back(std::move(*s));
              }
            }
          }
        } else if (attr.data_type.rfind("Number", 0) == 0) {
          if (auto n = ParseNumber(attr.value)) {
            Scalar s;
            s.kind = Scalar::Kind::kNumber;
            s.n = *n;
            values.push_back(s);
          }
        } else {
          Scalar s;
          s.kind = Scalar::Kind::kString;
          s.s = attr.value;
          values.push_back(std::move(s));
        }
      }
      return RuleMatches(rule, present, values);
    });
  });
}

bool FilterPolicy::MatchesBody(std::string_view body) const {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return false;
  }
  return std::any_of(branches_.begin(), branches_.end(), [&](const Branch& branch) {
    return std::all_of(branch.begin(), branch.end(), [&](const Rule& rule) {
      bool present = false;
      std::vector<Scalar> values;
      Collect(doc, rule.path, 0, present, values);
      return RuleMatches(rule, present, values);
    });
  });
}

}  // namespace nimbus::sns
