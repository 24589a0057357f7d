#include "services/iam/policy/policy_document.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace nimbus::iam {
namespace {

AwsError Malformed(std::string message) {
  return AwsError::Sender("MalformedPolicyDocument", std::move(message));
}

std::string ScalarText(const rapidjson::Value& v) {
  if (v.IsString()) {
    return std::string(v.GetString(), v.GetStringLength());
  }
  if (v.IsBool()) {
    return v.GetBool() ? "true" : "false";
  }
  if (v.IsInt64()) {
    return std::to_string(v.GetInt64());
  }
  if (v.IsNumber()) {
    std::string s = std::to_string(v.GetDouble());
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') {
      s.pop_back();
    }
    return s;
  }
  return {};
}

// A string or an array of strings (AWS accepts either everywhere). False on any other type.
bool StringList(const rapidjson::Value& v, std::vector<std::string>& out, bool allow_scalars) {
  auto one = [&](const rapidjson::Value& item) {
    if (item.IsString() || (allow_scalars && (item.IsBool() || item.IsNumber()))) {
      out.push_back(ScalarText(item));
      return true;
    }
    return false;
  };
  if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (!one(item)) {
        return false;
      }
    }
    return true;
  }
  return one(v);
}

bool ParsePrincipal(const rapidjson::Value& v, PrincipalSet& out) {
  if (v.IsString()) {
    if (std::string_view(v.GetString()) != "*") {
      return false;
    }
    out.any = true;
    return true;
  }
  if (!v.IsObject()) {
    return false;
  }
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string type(it->name.GetString(), it->name.GetStringLength());
    if (type != "AWS" && type != "Service" && type != "Federated" && type != "CanonicalUser") {
      return false;
    }
    auto& ids = out.ids[type];
    if (!StringList(it->value, ids, false)) {
      return false;
    }
    if (type == "AWS" && std::find(ids.begin(), ids.end(), "*") != ids.end()) {
      out.any = true;
    }
  }
  return true;
}

Result<std::vector<Condition>> ParseConditions(const rapidjson::Value& v) {
  std::vector<Condition> out;
  if (!v.IsObject()) {
    return Malformed("Syntax errors in policy.");
  }
  for (auto op = v.MemberBegin(); op != v.MemberEnd(); ++op) {
    std::string name(op->name.GetString(), op->name.GetStringLength());
    Condition base;
    if (name.rfind("ForAnyValue:", 0) == 0) {
      base.set = Condition::Set::kForAnyValue;
      name = name.substr(12);
    } else if (name.rfind("ForAllValues:", 0) == 0) {
      base.set = Condition::Set::kForAllValues;
      name = name.substr(13);
    }
    if (name.size() > 8 && name.ends_with("IfExists")) {
      base.if_exists = true;
      name.resize(name.size() - 8);
    }
    static const char* const kOperators[] = {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
        "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
        "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
        "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
        "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
        "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"};
    if (std::none_of(std::begin(kOperators), std::end(kOperators),
                     [&](const char* k) { return name == k; })) {
      return Malformed("Invalid Condition type : " +
                       std::string(op->name.GetString(), op->name.GetStringLength()));
    }
    if (!op->value.IsObject()) {
      return Malformed("Syntax errors in policy.");
    }
    for (auto key = op->value.MemberBegin(); key != op->value.MemberEnd(); ++key) {
      Condition c = base;
      c.op = name;
      c.key.assign(key->name.GetString(), key->name.GetStringLength());
      if (!StringList(key->value, c.values, true)) {
        return Malformed("Syntax errors in policy.");
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

bool ValidAction(const std::string& a) {
  if (a == "*") {
    return true;
  }
  auto colon = a.find(':');
  return colon != std::string::npos && colon > 0 && colon + 1 < a.size();
}

Result<Statement> ParseStatement(const rapidjson::Value& v, PolicyKind kind, bool strict) {
  if (!v.IsObject()) {
    return Malformed("Syntax errors in policy.");
  }
  Statement s;
  bool has_effect = false;
  bool has_action = false;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    const auto& val = it->value;
    if (key == "Sid") {
      if (!val.IsString()) {
        return Malformed("Syntax errors in policy.");
      }
      s.sid = val.GetString();
    } else if (key == "Effect") {
      std::string effect = val.IsString() ? val.GetString() : "";
      if (effect != "Allow" && effect != "Deny") {
        return Malformed("Invalid effect: " + effect);
      }
      has_effect = true;
      s.allow = effect == "Allow";
    } else if (key == "Action" || key == "NotAction") {
      if (has_action) {
        return Malformed("Syntax errors in policy.");
      }
      has_action = true;
      s.not_action = key == "NotAction";
      if (!StringList(val, s.actions, false)) {
        return Malformed("Syntax errors in policy.");
      }
      for (const auto& a : s.actions) {
        if (strict && !ValidAction(a)) {
          return Malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, "
                           "ec2, etc.");
        }
      }
    } else if (key == "Resource" || key == "NotResource") {
      if (s.has_resource) {
        return Malformed("Syntax errors in policy.");
      }
      s.has_resource = true;
      s.not_resource = key == "NotResource";
      if (!StringList(val, s.resources, false)) {
        return Malformed("Syntax errors in policy.");
      }
    } else if (key == "Principal" || key == "NotPrincipal") {
      if (s.has_principal) {
        return Malformed("Syntax errors in policy.");
      }
      s.has_principal = true;
      s.not_principal = key == "NotPrincipal";
      if (!ParsePrincipal(val, s.principal)) {
        return Malformed(strict ? "Invalid principal in policy" : "Syntax errors in policy.");
      }
    } else if (key == "Condition") {
      auto conditions = ParseConditions(val);
      if (!conditions) {
        return conditions.error();
      }
      s.conditions = std::move(*conditions);
    } else if (strict) {
      return Malformed("Syntax errors in policy.");
    }
  }
  if (!strict) {
    return s;
  }
  if (!has_effect) {
    return Malformed("Missing required field Effect");
  }
  if (!has_action) {
    return Malformed("Missing required field Action");
  }
  switch (kind) {
    case PolicyKind::kIdentity:
      if (s.has_principal) {
        return Malformed("Policy document should not specify a principal.");
      }
      if (!s.has_resource) {
        return Malformed("Policy statement must contain resources.");
      }
      break;
    case PolicyKind::kResource:
      if (!s.has_principal) {
        return Malformed("Policy statement must contain a principal.");
      }
      break;
    case PolicyKind::kTrust:
      if (!s.has_principal) {
        return Malformed("AssumeRolepolicy contained an invalid principal element.");
      }
      if (s.has_resource) {
        return Malformed("Has prohibited field Resource");
      }
      break;
  }
  for (const auto& r : s.resources) {
    if (r != "*" && r.rfind("arn:", 0) != 0) {
      return Malformed("Resource " + r + " must be in ARN format or \"*\".");
    }
  }
  return s;
}

Result<PolicyDocument> Parse(std::string_view json, PolicyKind kind, bool strict) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    return Malformed("Syntax errors in policy.");
  }
  PolicyDocument doc;
  bool has_statement = false;
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (key == "Version") {
      if (!it->value.IsString()) {
        return Malformed("Syntax errors in policy.");
      }
      doc.version = it->value.GetString();
      if (strict && doc.version != "2012-10-17" && doc.version != "2008-10-17") {
        return Malformed("The policy failed legacy parsing");
      }
    } else if (key == "Id") {
      if (!it->value.IsString()) {
        return Malformed("Syntax errors in policy.");
      }
    } else if (key == "Statement") {
      has_statement = true;
      auto add = [&](const rapidjson::Value& v) -> std::optional<AwsError> {
        auto s = ParseStatement(v, kind, strict);
        if (!s) {
          return s.error();
        }
        doc.statements.push_back(std::move(*s));
        return std::nullopt;
      };
      if (it->value.IsArray()) {
        for (const auto& v : it->value.GetArray()) {
          if (auto e = add(v)) {
            return *e;
          }
        }
      } else if (auto e = add(it->value)) {
        return *e;
      }
    } else if (strict) {
      return Malformed("Syntax errors in policy.");
    }
  }
  if (!has_statement && strict) {
    return Malformed("Syntax errors in policy.");
  }
  if (strict && doc.statements.empty()) {
    return Malformed("Syntax errors in policy.");
  }
  return doc;
}

}  // namespace

Result<PolicyDocument> ParsePolicy(std::string_view json, PolicyKind kind) {
  return Parse(json, kind, true);
}

std::shared_ptr<const PolicyDocument> ParsePolicyLenient(std::string_view json) {
  auto doc = Parse(json, PolicyKind::kResource, false);
  if (!doc) {
    return nullptr;
  }
  return std::make_shared<const PolicyDocument>(std::move(*doc));
}

}  // namespace nimbus::iam
