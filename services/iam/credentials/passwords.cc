#include "services/iam/credentials/passwords.h"

#include <cctype>
#include <cstring>

#include <openssl/evp.h>

#include "services/common/ids.h"
#include "services/iam/iam_errors.h"
#include "services/iam/iam_state.h"
#include "services/iam/iam_util.h"

namespace nimbus::iam {
namespace {

constexpr char kPolicyKey[] = "password-policy";
// AWS's symbols for password policies.
constexpr char kSymbols[] = "!@#$%^&*()_+-=[]{}|'";
constexpr int kHistory = 24;

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

bool Matches(const rapidjson::Value& entry, const std::string& password) {
  std::string salt = StringMember(entry, "salt");
  return !salt.empty() && Sha256Hex(salt + password) == StringMember(entry, "hash");
}

AwsError Violation() {
  return AwsError::Sender("PasswordPolicyViolation",
                          "Password does not conform to the account password policy.", 400);
}

}  // namespace

const rapidjson::Value* PasswordPolicyOf(IamStore& store, const std::string& account) {
  auto* d = store.Find(account, Kind::kAccountSettings, kPolicyKey);
  return d == nullptr ? nullptr : &(*d)["PasswordPolicy"];
}

std::optional<AwsError> CheckPassword(IamStore& store, const std::string& account,
                                      const std::string& password) {
  int upper = 0, lower = 0, digit = 0, symbol = 0;
  for (unsigned char c : password) {
    upper += std::isupper(c) ? 1 : 0;
    lower += std::islower(c) ? 1 : 0;
    digit += std::isdigit(c) ? 1 : 0;
    symbol += std::strchr(kSymbols, c) != nullptr && c != '\0' ? 1 : 0;
  }
  const auto* policy = PasswordPolicyOf(store, account);
  if (policy == nullptr) {
    int kinds = (upper > 0) + (lower > 0) + (digit > 0) + (symbol > 0);
    if (password.size() < 8 || kinds < 3) {
      return Violation();
    }
    return std::nullopt;
  }
  auto flag = [&](const char* name) {
    return policy->HasMember(name) && (*policy)[name].GetBool();
  };
  if (static_cast<int64_t>(password.size()) < (*policy)["MinimumPasswordLength"].GetInt64() ||
      (flag("RequireUppercaseCharacters") && upper == 0) ||
      (flag("RequireLowercaseCharacters") && lower == 0) ||
      (flag("RequireNumbers") && digit == 0) || (flag("RequireSymbols") && symbol == 0)) {
    return Violation();
  }
  return std::nullopt;
}

void SetPassword(rapidjson::Value& profile, const std::string& password, double now,
                 rapidjson::Document::AllocatorType& a) {
  std::string salt = RandomHex(16);
  rapidjson::Value entry(rapidjson::kObjectType);
  entry.AddMember("salt", Str(salt, a), a);
  entry.AddMember("hash", Str(Sha256Hex(salt + password), a), a);
  if (!profile.HasMember("_history")) {
    profile.AddMember("_history", rapidjson::Value(rapidjson::kArrayType), a);
  }
  auto& history = profile["_history"];
  if (profile.HasMember("_password")) {
    history.PushBack(rapidjson::Value(profile["_password"], a), a);
    while (history.Size() > kHistory) {
      history.Erase(history.Begin());
    }
  }
  profile.RemoveMember("_password");
  profile.AddMember("_password", std::move(entry), a);
  profile.RemoveMember("_password_changed");
  profile.AddMember("_password_changed", now, a);
}

bool PasswordMatches(const rapidjson::Value& profile, const std::string& password) {
  return profile.HasMember("_password") && Matches(profile["_password"], password);
}

bool PasswordReused(const rapidjson::Value& profile, const std::string& password, int count) {
  if (count <= 0) {
    return false;
  }
  if (PasswordMatches(profile, password)) {
    return true;
  }
  if (!profile.HasMember("_history")) {
    return false;
  }
  const auto& history = profile["_history"];
  int seen = 1;
  for (auto it = history.End(); it != history.Begin() && seen < count; ++seen) {
    --it;
    if (Matches(*it, password)) {
      return true;
    }
  }
  return false;
}

}  // namespace nimbus::iam
