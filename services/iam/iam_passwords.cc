// The account password policy and ChangePassword.
#include "services/iam/credentials/passwords.h"
#include "services/iam/iam_internal.h"
#include "services/iam/iam_service.h"

namespace nimbus::iam {
namespace {

constexpr char kPolicyKey[] = "password-policy";

AwsError NoPolicy(const std::string& account) {
  return errors::NoSuchEntity("The Password Policy with domain name " + account +
                              " cannot be found.");
}

}  // namespace

Result<Output> IamService::GetAccountPasswordPolicy(RequestContext& ctx, ParamReader&) {
  const auto* policy = PasswordPolicyOf(store(), ctx.scope.account_id);
  if (policy == nullptr) {
    return NoPolicy(ctx.scope.account_id);
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("PasswordPolicy", PublicCopy(*policy, a), a);
  return out;
}

Result<Output> IamService::UpdateAccountPasswordPolicy(RequestContext& ctx, ParamReader& in) {
  auto min_length = in.OptInt("MinimumPasswordLength");
  auto max_age = in.OptInt("MaxPasswordAge");
  auto reuse = in.OptInt("PasswordReusePrevention");
  if (in.error()) {
    return *in.error();
  }
  auto range = [](std::optional<int64_t> v, int64_t lo, int64_t hi, const char* member)
      -> std::optional<AwsError> {
    if (v && (*v < lo || *v > hi)) {
      return errors::ValidationField(std::to_string(*v), member,
                                     "Member must have value " +
                                         std::string(*v < lo ? "greater than or equal to " +
                                                                   std::to_string(lo)
                                                             : "less than or equal to " +
                                                                   std::to_string(hi)));
    }
    return std::nullopt;
  };
  for (auto e : {range(min_length, 6, 128, "minimumPasswordLength"),
                 range(max_age, 1, 1095, "maxPasswordAge"),
                 range(reuse, 1, 24, "passwordReusePrevention")}) {
    if (e) {
      return *e;
    }
  }
  // AWS: members the request omits take their defaults; the previous policy is replaced.
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value p(rapidjson::kObjectType);
  p.AddMember("MinimumPasswordLength", min_length.value_or(6), a);
  for (const char* flag : {"RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
                           "RequireLowercaseCharacters", "AllowUsersToChangePassword"}) {
    p.AddMember(rapidjson::StringRef(flag), in.Bool(flag, false), a);
  }
  p.AddMember("ExpirePasswords", max_age.has_value(), a);
  if (max_age) {
    p.AddMember("MaxPasswordAge", *max_age, a);
  }
  if (reuse) {
    p.AddMember("PasswordReusePrevention", *reuse, a);
  }
  if (in.Has("HardExpiry")) {
    p.AddMember("HardExpiry", in.Bool("HardExpiry"), a);
  }
  d.AddMember("PasswordPolicy", std::move(p), a);
  store().Put(ctx.scope.account_id, Kind::kAccountSettings, kPolicyKey, std::move(d));
  return EmptyOutput();
}

Result<Output> IamService::DeleteAccountPasswordPolicy(RequestContext& ctx, ParamReader&) {
  if (!store().Erase(ctx.scope.account_id, Kind::kAccountSettings, kPolicyKey)) {
    return NoPolicy(ctx.scope.account_id);
  }
  return EmptyOutput();
}

Result<Output> IamService::ChangePassword(RequestContext& ctx, ParamReader& in) {
  std::string old_password = in.String("OldPassword");
  std::string new_password = in.String("NewPassword");
  if (in.error()) {
    return *in.error();
  }
  if (ctx.principal.kind != Principal::Kind::kUser) {
    // AWS: only IAM users have a password to change (the root changes its own elsewhere).
    return AwsError::Sender("InvalidUserType",
                            "Only IAM users can change their own password with this API.", 400);
  }
  const std::string& account = ctx.principal.account_id;
  auto user = RequireUser(store(), account, ctx.principal.name);
  if (!user) {
    return user.error();
  }
  auto& u = **user;
  if (!u.HasMember("_login_profile")) {
    return errors::NoSuchEntity("Login Profile for User " + ctx.principal.name +
                                " cannot be found.");
  }
  auto& profile = u["_login_profile"];
  if (!PasswordMatches(profile, old_password)) {
    return AwsError::Sender("InvalidInput", "The old password is incorrect.", 400);
  }
  if (auto e = CheckPassword(store(), account, new_password)) {
    return *e;
  }
  const auto* policy = PasswordPolicyOf(store(), account);
  int reuse = policy != nullptr && policy->HasMember("PasswordReusePrevention")
                  ? (*policy)["PasswordReusePrevention"].GetInt()
                  : 0;
  if (PasswordReused(profile, new_password, reuse)) {
    return AwsError::Sender("PasswordPolicyViolation",
                            "Password does not conform to the account password policy: it was "
                            "used recently.",
                            400);
  }
  SetPassword(profile, new_password, Now(ctx), u.GetAllocator());
  profile["PasswordResetRequired"] = false;
  store().Save(account, Kind::kUser, KeyOf(ctx.principal.name));
  return EmptyOutput();
}

}  // namespace nimbus::iam
