#include "services/sns/topic_policy.h"

#include <algorithm>
#include <cctype>

#include <rapidjson/document.h>

namespace nimbus::sns {
namespace {

using rapidjson::Value;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Calls `fn` on a string or on each string of an array.
template <class Fn>
bool AnyString(const Value& v, Fn fn) {
  if (v.IsString()) {
    return fn(std::string(v.GetString(), v.GetStringLength()));
  }
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (e.IsString() && fn(std::string(e.GetString(), e.GetStringLength()))) {
        return true;
      }
    }
  }
  return false;
}

bool PrincipalMatches(const Value& principal, const std::string& account) {
  auto names_account = [&account](const std::string& p) {
    return p == "*" || p == account || p.rfind("arn:aws:iam::" + account + ":", 0) == 0;
  };
  if (principal.IsString()) {
    return names_account(principal.GetString());
  }
  if (principal.IsObject() && principal.HasMember("AWS")) {
    return AnyString(principal["AWS"], names_account);
  }
  return false;
}

bool ActionMatches(const Value& action, const std::string& wanted) {
  std::string w = Lower(wanted);
  return AnyString(action, [&w](const std::string& a) {
    std::string l = Lower(a);
    return l == "*" || l == "sns:*" || l == w;
  });
}

bool ConditionHolds(const Value& statement, const std::string& account) {
  if (!statement.HasMember("Condition") || !statement["Condition"].IsObject()) {
    return true;
  }
  for (auto op = statement["Condition"].MemberBegin(); op != statement["Condition"].MemberEnd();
       ++op) {
    if (!op->value.IsObject()) {
      continue;
    }
    for (auto key = op->value.MemberBegin(); key != op->value.MemberEnd(); ++key) {
      std::string k = Lower(key->name.GetString());
      if (k == "aws:sourceowner" || k == "aws:sourceaccount") {
        if (!AnyString(key->value, [&account](const std::string& v) { return v == account; })) {
          return false;
        }
      }
    }
  }
  return true;
}

}  // namespace

bool PolicyAllows(const std::string& policy_json, const std::string& account,
                  const std::string& action) {
  rapidjson::Document d;
  d.Parse(policy_json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("Statement")) {
    return false;
  }
  const Value& statements = d["Statement"];
  bool allowed = false;
  bool denied = false;
  auto consider = [&](const Value& st) {
    if (!st.IsObject() || !st.HasMember("Principal") || !st.HasMember("Action")) {
      return;
    }
    if (!PrincipalMatches(st["Principal"], account) || !ActionMatches(st["Action"], action) ||
        !ConditionHolds(st, account)) {
      return;
    }
    std::string effect =
        st.HasMember("Effect") && st["Effect"].IsString() ? st["Effect"].GetString() : "";
    denied = denied || effect == "Deny";
    allowed = allowed || effect == "Allow";
  };
  if (statements.IsArray()) {
    for (const auto& st : statements.GetArray()) {
      consider(st);
    }
  } else {
    consider(statements);
  }
  return allowed && !denied;
}

}  // namespace nimbus::sns
