#pragma once

#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "services/common/aws_error.h"
#include "services/iam/iam_store.h"

namespace nimbus::iam {

// The account's password policy (GetAccountPasswordPolicy's PasswordPolicy), or nullptr.
const rapidjson::Value* PasswordPolicyOf(IamStore& store, const std::string& account);

// PasswordPolicyViolation unless `password` satisfies the account's policy, or AWS's default
// policy when the account has none (8+ characters, three of upper, lower, digits, symbols).
std::optional<AwsError> CheckPassword(IamStore& store, const std::string& account,
                                      const std::string& password);

// Sets a login profile's password (salted SHA-256; the text is never stored) and remembers the
// previous ones for PasswordReusePrevention.
void SetPassword(rapidjson::Value& profile, const std::string& password, double now,
                 rapidjson::Document::AllocatorType& a);
bool PasswordMatches(const rapidjson::Value& profile, const std::string& password);
// Whether `password` is one of the last `count` passwords of the profile.
bool PasswordReused(const rapidjson::Value& profile, const std::string& password, int count);

}  // namespace nimbus::iam
