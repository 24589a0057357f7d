#pragma once

// Helpers shared by the STS handler files (not part of STS's interface).

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "services/common/aws_error.h"
#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/iam/iam_util.h"

namespace nimbus::sts {

inline AwsError Validation(std::string message) {
  return AwsError::Sender("ValidationError", std::move(message), 400);
}

inline AwsError AccessDenied(const std::string& caller, const std::string& action,
                             const std::string& resource) {
  return AwsError::Sender("AccessDenied",
                          "User: " + caller + " is not authorized to perform: " + action +
                              " on resource: " + resource,
                          403);
}

inline bool ValidSessionName(const std::string& s, size_t min = 2, size_t max = 64) {
  return s.size() >= min && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' ||
                  c == '@' || c == '-';
         });
}

inline std::string NewSessionToken() {
  // AWS session tokens are long opaque base64 strings; this one carries randomness only.
  std::string raw = RandomHex(64) + RandomHex(64) + RandomHex(64);
  return "IQoJb3JpZ2luX2VjE" + Base64Encode(raw);
}

inline rapidjson::Value CredentialsValue(const std::string& key_id, const std::string& secret,
                                         const std::string& token, double expires,
                                         iam::Alloc& a) {
  rapidjson::Value creds(rapidjson::kObjectType);
  creds.AddMember("AccessKeyId", iam::Str(key_id, a), a);
  creds.AddMember("SecretAccessKey", iam::Str(secret, a), a);
  creds.AddMember("SessionToken", iam::Str(token, a), a);
  creds.AddMember("Expiration", iam::Str(iam::NowIso(expires), a), a);
  return creds;
}

// The session policies of a request (Policy, PolicyArns), checked.
struct SessionPolicies {
  std::optional<std::string> policy;
  std::vector<std::string> arns;
  int packed = 0;  // PackedPolicySize, percent of the limit
};

// A role session to issue.
struct RoleSession {
  std::string account;
  const rapidjson::Value* role = nullptr;
  std::string role_arn;
  std::string session_name;
  int64_t seconds = 3600;
  SessionPolicies policies;
};

}  // namespace nimbus::sts
