// STS GetFederationToken (federated-user sessions of an IAM user or the root) and the check of
// web identity tokens against the account's registered OpenID Connect providers.
#include "services/iam/federation/providers.h"
#include "services/sts/sts_service.h"

namespace nimbus::sts {
namespace {

using iam::Kind;
using iam::Str;
using iam::StringMember;

constexpr int64_t kMinDuration = 900;
constexpr int64_t kMaxDuration = 129600;
constexpr int64_t kDefaultDuration = 43200;
constexpr int64_t kRootMaxDuration = 3600;

std::vector<std::string> ClaimValues(const rapidjson::Value& claims, const char* name) {
  std::vector<std::string> out;
  auto it = claims.FindMember(name);
  if (it == claims.MemberEnd()) {
    return out;
  }
  if (it->value.IsString()) {
    out.emplace_back(it->value.GetString());
  } else if (it->value.IsArray()) {
    for (const auto& v : it->value.GetArray()) {
      if (v.IsString()) {
        out.emplace_back(v.GetString());
      }
    }
  }
  return out;
}

}  // namespace

std::optional<AwsError> StsService::CheckRegisteredProvider(const std::string& account,
                                                            const std::string& issuer,
                                                            const rapidjson::Value& claims,
                                                            double now) {
  std::string url = issuer.rfind("https://", 0) == 0 ? issuer : "https://" + issuer;
  auto id = iam::OidcProviderIdFromUrl(url);
  if (!id) {
    return std::nullopt;
  }
  auto* provider = state_->store().Find(account, Kind::kOidcProvider, *id);
  if (provider == nullptr) {
    // Tokens of issuers the account has not registered keep working as before (Nimbus has no
    // network access to the issuer's keys either way); the trust policy still decides.
    return std::nullopt;
  }
  const auto& ids = (*provider)["ClientIDList"];
  auto audiences = ClaimValues(claims, "aud");
  bool listed = false;
  for (const auto& aud : audiences) {
    for (const auto& c : ids.GetArray()) {
      listed = listed || aud == c.GetString();
    }
  }
  if (!listed) {
    return AwsError::Sender("InvalidIdentityToken", "Incorrect token audience", 400);
  }
  auto exp = claims.FindMember("exp");
  if (exp != claims.MemberEnd() && exp->value.IsNumber() && exp->value.GetDouble() <= now) {
    return AwsError::Sender("ExpiredTokenException", "Token expired: current date/time " +
                                                         iam::NowIso(now) +
                                                         " must be before the expiration date/time " +
                                                         iam::NowIso(exp->value.GetDouble()),
                            400);
  }
  return std::nullopt;
}

boost::asio::awaitable<Result<Output>> StsService::GetFederationToken(RequestContext& ctx,
                                                                      ParamReader& in) {
  co_return co_await iam::RunOnStrand(state_->strand(),
                                      [this, &ctx, &in] { return DoGetFederationToken(ctx, in); });
}

Result<Output> StsService::DoGetFederationToken(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("Name");
  auto duration = in.OptInt("DurationSeconds");
  auto policy = in.OptString("Policy");
  const rapidjson::Value* policy_arns = in.Value("PolicyArns");
  const rapidjson::Value* tags = in.Value("Tags");
  if (in.error()) {
    return *in.error();
  }
  if (!ValidSessionName(name, 2, 32)) {
    return Validation("1 validation error detected: Value '" + name +
                      "' at 'name' failed to satisfy constraint: Member must satisfy regular "
                      "expression pattern: [\\w+=,.@-]*");
  }
  Principal caller = ctx.principal;
  if (caller.kind == Principal::Kind::kAnonymous && !ctx.caller.access_key_id.empty()) {
    if (auto id = state_->Identify(ctx.caller.access_key_id, ctx.caller.session_token)) {
      caller = id->principal;
    }
  }
  if (caller.kind == Principal::Kind::kAnonymous) {
    caller.kind = Principal::Kind::kRoot;
    caller.account_id = ctx.scope.account_id;
  }
  if (caller.kind == Principal::Kind::kAssumedRole ||
      caller.kind == Principal::Kind::kFederatedUser ||
      (!caller.access_key_id.empty() && caller.access_key_id.rfind("ASIA", 0) == 0)) {
    return AwsError::Sender("AccessDenied",
                            "Cannot call GetFederationToken with session credentials", 403);
  }
  int64_t seconds = duration.value_or(kDefaultDuration);
  if (seconds < kMinDuration || seconds > kMaxDuration) {
    return Validation("1 validation error detected: Value '" + std::to_string(seconds) +
                      "' at 'durationSeconds' failed to satisfy constraint: Member must have "
                      "value " + (seconds < kMinDuration ? "greater than or equal to 900"
                                                         : "less than or equal to 129600"));
  }
  if (caller.IsRoot()) {
    // AWS: the root user's federation sessions last at most an hour.
    seconds = std::min(seconds, kRootMaxDuration);
  }
  if (tags != nullptr && tags->IsArray() && tags->Size() > 50) {
    return Validation("1 validation error detected: Value at 'tags' failed to satisfy "
                      "constraint: Member must have length less than or equal to 50");
  }
  const std::string& account = caller.account_id;
  auto policies = ReadSessionPolicies(policy, policy_arns, account);
  if (!policies) {
    return policies.error();
  }
  double now = ctx.clock->NowSeconds();
  double expires = now + static_cast<double>(seconds);
  std::string key_id = iam::NewAccessKeyId("ASIA");
  std::string secret = iam::NewSecretAccessKey();
  std::string token = NewSessionToken();
  std::string arn = "arn:aws:sts::" + account + ":federated-user/" + name;
  std::string user_id = account + ":" + name;

  rapidjson::Document s(rapidjson::kObjectType);
  auto& sa = s.GetAllocator();
  s.AddMember("SecretAccessKey", Str(secret, sa), sa);
  s.AddMember("SessionToken", Str(token, sa), sa);
  s.AddMember("_expires", expires, sa);
  s.AddMember("_kind", "federated-user", sa);
  s.AddMember("_account", Str(account, sa), sa);
  s.AddMember("_arn", Str(arn, sa), sa);
  s.AddMember("_user_id", Str(user_id, sa), sa);
  // The IAM user whose permissions the session shares ("" for the root).
  s.AddMember("_name", Str(caller.IsRoot() ? std::string() : caller.name, sa), sa);
  s.AddMember("_session_name", Str(name, sa), sa);
  if (tags != nullptr && tags->IsArray()) {
    s.AddMember("_tags", rapidjson::Value(*tags, sa), sa);
  }
  StoreSession(key_id, std::move(s), *policies, now);

  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("Credentials", CredentialsValue(key_id, secret, token, expires, a), a);
  rapidjson::Value user(rapidjson::kObjectType);
  user.AddMember("FederatedUserId", Str(user_id, a), a);
  user.AddMember("Arn", Str(arn, a), a);
  out.AddMember("FederatedUser", std::move(user), a);
  if (policies->policy || !policies->arns.empty()) {
    out.AddMember("PackedPolicySize", policies->packed, a);
  }
  return out;
}

}  // namespace nimbus::sts
