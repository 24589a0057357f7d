#include "services/sts/sts_service.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <rapidjson/document.h>

#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/iam/iam_util.h"
#include "services/iam/policy/policy_document.h"
#include "services/sts/sts_internal.h"

namespace nimbus::sts {
namespace {

using iam::Kind;
using iam::Str;
using iam::StringMember;

constexpr int64_t kMinDuration = 900;
constexpr int64_t kChainedMax = 3600;
constexpr size_t kMaxPackedPolicy = 2048;



// The claims of a JWT (header.payload.signature), or an empty object for opaque tokens.
rapidjson::Document JwtClaims(const std::string& token) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) {
    return d;
  }
  std::string payload = token.substr(first + 1, second - first - 1);
  while (payload.size() % 4 != 0) {
    payload += '=';
  }
  auto json = Base64Decode(payload);
  if (json) {
    rapidjson::Document parsed;
    parsed.Parse(json->c_str(), json->size());
    if (!parsed.HasParseError() && parsed.IsObject()) {
      return parsed;
    }
  }
  return d;
}

std::string ClaimText(const rapidjson::Value& claims, const char* name) {
  auto it = claims.FindMember(name);
  if (it == claims.MemberEnd()) {
    return {};
  }
  if (it->value.IsString()) {
    return it->value.GetString();
  }
  if (it->value.IsArray() && !it->value.Empty() && it->value[0].IsString()) {
    return it->value[0].GetString();
  }
  return {};
}

bool IsAccountId(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isdigit(c);
         });
}

// AWS key ids carry their account (LocalStack's decoding of the community-derived layout):
// base32 characters 4..11 minus 'QAAAAAAA', doubled, plus the high bit of character 12.
std::optional<std::string> AccountFromKeyId(const std::string& key) {
  if (key.size() < 13) {
    return std::nullopt;
  }
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  auto index = [](char c) -> int {
    const char* p = std::strchr(kAlphabet, c);
    return (p == nullptr || c == '\0') ? -1 : static_cast<int>(p - kAlphabet);
  };
  int64_t z = 0;
  for (size_t i = 4; i < 12; ++i) {
    int v = index(key[i]);
    if (v < 0) {
      return std::nullopt;
    }
    z = z * 32 + v;
  }
  int last = index(key[12]);
  if (last < 0) {
    return std::nullopt;
  }
  int64_t account = (z - 549755813888LL) * 2 + (last >= 16 ? 1 : 0);
  if (account < 0 || account > 999999999999LL) {
    return std::nullopt;
  }
  std::string s = std::to_string(account);
  return std::string(12 - s.size(), '0') + s;
}

}  // namespace

void StsService::Register(OperationTable& table) {
  table.Add("AssumeRole", this, &StsService::AssumeRole);
  table.Add("AssumeRoleWithSAML", this, &StsService::AssumeRoleWithSAML);
  table.Add("AssumeRoleWithWebIdentity", this, &StsService::AssumeRoleWithWebIdentity);
  table.Add("DecodeAuthorizationMessage", this, &StsService::DecodeAuthorizationMessage);
  table.Add("GetAccessKeyInfo", this, &StsService::GetAccessKeyInfo);
  table.Add("GetCallerIdentity", this, &StsService::GetCallerIdentity);
  table.Add("GetFederationToken", this, &StsService::GetFederationToken);
  table.Add("GetSessionToken", this, &StsService::GetSessionToken);
}

boost::asio::awaitable<Result<Output>> StsService::GetCallerIdentity(RequestContext& ctx,
                                                                     ParamReader&) {
  co_return co_await iam::RunOnStrand(state_->strand(),
                                      [this, &ctx] { return DoGetCallerIdentity(ctx); });
}

boost::asio::awaitable<Result<Output>> StsService::AssumeRole(RequestContext& ctx,
                                                              ParamReader& in) {
  co_return co_await iam::RunOnStrand(state_->strand(),
                                      [this, &ctx, &in] { return DoAssumeRole(ctx, in, false); });
}

boost::asio::awaitable<Result<Output>> StsService::AssumeRoleWithWebIdentity(RequestContext& ctx,
                                                                             ParamReader& in) {
  co_return co_await iam::RunOnStrand(state_->strand(),
                                      [this, &ctx, &in] { return DoAssumeRole(ctx, in, true); });
}

boost::asio::awaitable<Result<Output>> StsService::GetSessionToken(RequestContext& ctx,
                                                                   ParamReader& in) {
  co_return co_await iam::RunOnStrand(state_->strand(),
                                      [this, &ctx, &in] { return DoGetSessionToken(ctx, in); });
}

boost::asio::awaitable<Result<Output>> StsService::GetAccessKeyInfo(RequestContext&,
                                                                    ParamReader& in) {
  co_return co_await iam::RunOnStrand(state_->strand(),
                                      [this, &in] { return DoGetAccessKeyInfo(in); });
}

Result<Output> StsService::DoGetCallerIdentity(RequestContext& ctx) {
  Principal p = ctx.principal;
  if (p.kind == Principal::Kind::kAnonymous && !ctx.caller.access_key_id.empty()) {
    if (auto id = state_->Identify(ctx.caller.access_key_id, ctx.caller.session_token)) {
      p = id->principal;
    }
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  if (p.kind == Principal::Kind::kAnonymous) {
    // AWS: root credentials answer with the account id as UserId and the account's root ARN.
    const std::string& account = ctx.scope.account_id;
    out.AddMember("UserId", Str(account, a), a);
    out.AddMember("Account", Str(account, a), a);
    out.AddMember("Arn", Str("arn:aws:iam::" + account + ":root", a), a);
    return out;
  }
  out.AddMember("UserId", Str(p.user_id, a), a);
  out.AddMember("Account", Str(p.account_id, a), a);
  out.AddMember("Arn", Str(p.arn, a), a);
  return out;
}

Result<Output> StsService::DoAssumeRole(RequestContext& ctx, ParamReader& in, bool web_identity) {
  std::string role_arn = in.String("RoleArn");
  std::string session_name = in.String("RoleSessionName");
  auto duration = in.OptInt("DurationSeconds");
  auto policy = in.OptString("Policy");
  auto policy_arns = in.Value("PolicyArns");
  std::string source_identity = in.String("SourceIdentity");
  std::string token = in.String("WebIdentityToken");
  if (in.error()) {
    return *in.error();
  }
  if (role_arn.size() < 20) {
    return Validation("1 validation error detected: Value '" + role_arn +
                      "' at 'roleArn' failed to satisfy constraint: Member must have length "
                      "greater than or equal to 20");
  }
  auto parsed_arn = iam::ParseRoleArn(role_arn);
  if (!parsed_arn) {
    return Validation(role_arn + " is invalid");
  }
  if (!ValidSessionName(session_name)) {
    return Validation("1 validation error detected: Value '" + session_name +
                      "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy "
                      "regular expression pattern: [\\w+=,.@-]*");
  }
  Principal caller = ctx.principal;
  if (caller.kind == Principal::Kind::kAnonymous && !web_identity &&
      !ctx.caller.access_key_id.empty()) {
    if (auto id = state_->Identify(ctx.caller.access_key_id, ctx.caller.session_token)) {
      caller = id->principal;
    }
  }
  const auto& [account, role_name] = *parsed_arn;
  auto* role = state_->store().Find(account, Kind::kRole, iam::KeyOf(role_name));
  if (role == nullptr || StringMember(*role, "Arn") != role_arn) {
    std::string who = caller.arn.empty() ? "arn:aws:iam::" + ctx.scope.account_id + ":root"
                                         : caller.arn;
    return AccessDenied(who, web_identity ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole",
                        role_arn);
  }
  int64_t role_max = (*role)["MaxSessionDuration"].GetInt64();
  int64_t seconds = duration.value_or(3600);
  bool chained = caller.kind == Principal::Kind::kAssumedRole;
  if (seconds < kMinDuration || seconds > 43200) {
    return Validation("1 validation error detected: Value '" + std::to_string(seconds) +
                      "' at 'durationSeconds' failed to satisfy constraint: Member must have "
                      "value less than or equal to 43200");
  }
  if (chained && duration && seconds > kChainedMax) {
    // AWS: role chaining limits a session to one hour.
    return Validation("The requested DurationSeconds exceeds the 1 hour session limit for roles "
                      "assumed by role chaining.");
  }
  if (!ctx.internal && seconds > role_max) {
    // Internal callers (Lambda's execution-role sessions) are AWS itself and may go longer.
    return Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for "
                      "this role.");
  }
  auto policies = ReadSessionPolicies(policy, policy_arns, account);
  if (!policies) {
    return policies.error();
  }
  rapidjson::Document claims(rapidjson::kObjectType);
  std::string provider;
  if (web_identity) {
    if (token.size() < 4) {
      return AwsError::Sender("InvalidIdentityToken", "The web identity token is malformed.", 400);
    }
    claims = JwtClaims(token);
    provider = in.String("ProviderId", ClaimText(claims, "iss"));
    if (auto e = CheckRegisteredProvider(account, provider, claims, ctx.clock->NowSeconds())) {
      return *e;
    }
  }
  RoleSession spec{account, role, role_arn, session_name, seconds, *policies};
  Output out = IssueRoleSession(ctx, spec);
  auto& a = out.GetAllocator();
  if (!source_identity.empty()) {
    out.AddMember("SourceIdentity", Str(source_identity, a), a);
  }
  if (web_identity) {
    std::string sub = ClaimText(claims, "sub");
    out.AddMember("SubjectFromWebIdentityToken", Str(sub.empty() ? session_name : sub, a), a);
    out.AddMember("Audience", Str(ClaimText(claims, "aud"), a), a);
    out.AddMember("Provider", Str(provider, a), a);
  }
  return out;
}

Result<SessionPolicies> StsService::ReadSessionPolicies(const std::optional<std::string>& policy,
                                                        const rapidjson::Value* policy_arns,
                                                        const std::string& account) {
  SessionPolicies out;
  if (policy) {
    if (auto doc = iam::ParsePolicy(*policy, iam::PolicyKind::kIdentity); !doc) {
      return AwsError::Sender("MalformedPolicyDocument", doc.error().message, 400);
    }
    if (policy->size() > kMaxPackedPolicy) {
      return AwsError::Sender("PackedPolicyTooLarge",
                              "Packed size of consolidated session policies exceeds the limit.",
                              400);
    }
    out.policy = *policy;
    out.packed = static_cast<int>(policy->size() * 100 / kMaxPackedPolicy);
  }
  if (policy_arns != nullptr && policy_arns->IsArray()) {
    if (policy_arns->Size() > 10) {
      return Validation("1 validation error detected: Value at 'policyArns' failed to satisfy "
                        "constraint: Member must have length less than or equal to 10");
    }
    for (const auto& p : policy_arns->GetArray()) {
      std::string arn = StringMember(p, "arn");
      if (state_->ManagedPolicyDocument(account, arn).empty()) {
        return AwsError::Sender("InvalidParameterValue", "Policy " + arn + " does not exist.",
                                400);
      }
      out.arns.push_back(arn);
    }
    if (!out.arns.empty() && !out.policy) {
      out.packed = static_cast<int>(out.arns.size() * 2);
    }
  }
  return out;
}

void StsService::StoreSession(const std::string& key_id, rapidjson::Document session,
                              const SessionPolicies& policies, double now) {
  auto& sa = session.GetAllocator();
  if (policies.policy) {
    session.AddMember("_policy", Str(*policies.policy, sa), sa);
  }
  if (!policies.arns.empty()) {
    rapidjson::Value list(rapidjson::kArrayType);
    for (const auto& arn : policies.arns) {
      list.PushBack(Str(arn, sa), sa);
    }
    session.AddMember("_policy_arns", std::move(list), sa);
  }
  state_->store().Put("", Kind::kSession, key_id, std::move(session));
  // Temporary credentials are not reused after they expire; drop old ones now and then.
  auto& sessions = state_->store().All("", Kind::kSession);
  if (sessions.size() % 64 == 0) {
    std::vector<std::string> expired;
    for (const auto& [id, doc] : sessions) {
      if (doc["_expires"].GetDouble() + 86400 < now) {
        expired.push_back(id);
      }
    }
    for (const auto& id : expired) {
      state_->store().Erase("", Kind::kSession, id);
    }
  }
}

Output StsService::IssueRoleSession(RequestContext& ctx, const RoleSession& spec) {
  double now = ctx.clock->NowSeconds();
  double expires = now + static_cast<double>(spec.seconds);
  std::string key_id = iam::NewAccessKeyId("ASIA");
  std::string secret = iam::NewSecretAccessKey();
  std::string session_token = NewSessionToken();
  const auto& role = *spec.role;
  std::string role_id = StringMember(role, "RoleId");
  std::string role_name = StringMember(role, "RoleName");
  std::string assumed_arn = "arn:aws:sts::" + spec.account + ":assumed-role/" + role_name + "/" +
                            spec.session_name;

  rapidjson::Document s(rapidjson::kObjectType);
  auto& sa = s.GetAllocator();
  s.AddMember("SecretAccessKey", Str(secret, sa), sa);
  s.AddMember("SessionToken", Str(session_token, sa), sa);
  s.AddMember("_expires", expires, sa);
  s.AddMember("_kind", "assumed-role", sa);
  s.AddMember("_account", Str(spec.account, sa), sa);
  s.AddMember("_arn", Str(assumed_arn, sa), sa);
  s.AddMember("_user_id", Str(role_id + ":" + spec.session_name, sa), sa);
  s.AddMember("_name", Str(role_name, sa), sa);
  s.AddMember("_role_arn", Str(spec.role_arn, sa), sa);
  s.AddMember("_session_name", Str(spec.session_name, sa), sa);
  StoreSession(key_id, std::move(s), spec.policies, now);

  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("Credentials", CredentialsValue(key_id, secret, session_token, expires, a), a);
  rapidjson::Value user(rapidjson::kObjectType);
  user.AddMember("AssumedRoleId", Str(role_id + ":" + spec.session_name, a), a);
  user.AddMember("Arn", Str(assumed_arn, a), a);
  out.AddMember("AssumedRoleUser", std::move(user), a);
  if (spec.policies.policy || !spec.policies.arns.empty()) {
    out.AddMember("PackedPolicySize", spec.policies.packed, a);
  }
  return out;
}

Result<Output> StsService::DoGetSessionToken(RequestContext& ctx, ParamReader& in) {
  Principal caller = ctx.principal;
  if (caller.kind == Principal::Kind::kAnonymous && !ctx.caller.access_key_id.empty()) {
    if (auto id = state_->Identify(ctx.caller.access_key_id, ctx.caller.session_token)) {
      caller = id->principal;
    }
  }
  if (caller.kind == Principal::Kind::kAnonymous) {
    caller.kind = Principal::Kind::kRoot;
    caller.account_id = ctx.scope.account_id;
    caller.arn = "arn:aws:iam::" + caller.account_id + ":root";
    caller.user_id = caller.account_id;
  }
  if (caller.kind == Principal::Kind::kAssumedRole ||
      (!caller.access_key_id.empty() && caller.access_key_id.rfind("ASIA", 0) == 0)) {
    return AwsError::Sender("AccessDenied",
                            "Cannot call GetSessionToken with session credentials", 403);
  }
  int64_t seconds = in.Int("DurationSeconds", caller.IsRoot() ? 3600 : 43200);
  int64_t max = caller.IsRoot() ? 3600 : 129600;
  if (seconds < kMinDuration || seconds > max) {
    return Validation("1 validation error detected: Value '" + std::to_string(seconds) +
                      "' at 'durationSeconds' failed to satisfy constraint: Member must have "
                      "value less than or equal to " + std::to_string(max));
  }
  double expires = ctx.clock->NowSeconds() + static_cast<double>(seconds);
  std::string key_id = iam::NewAccessKeyId("ASIA");
  std::string secret = iam::NewSecretAccessKey();
  std::string token = NewSessionToken();
  rapidjson::Document s(rapidjson::kObjectType);
  auto& sa = s.GetAllocator();
  s.AddMember("SecretAccessKey", Str(secret, sa), sa);
  s.AddMember("SessionToken", Str(token, sa), sa);
  s.AddMember("_expires", expires, sa);
  s.AddMember("_kind", caller.kind == Principal::Kind::kUser ? "user" : "root", sa);
  s.AddMember("_account", Str(caller.account_id, sa), sa);
  s.AddMember("_arn", Str(caller.arn, sa), sa);
  s.AddMember("_user_id", Str(caller.user_id, sa), sa);
  s.AddMember("_name", Str(caller.name, sa), sa);
  state_->store().Put("", Kind::kSession, key_id, std::move(s));
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("Credentials", CredentialsValue(key_id, secret, token, expires, a), a);
  return out;
}

Result<Output> StsService::DoGetAccessKeyInfo(ParamReader& in) {
  std::string key = in.String("AccessKeyId");
  if (key.size() < 16 && key != "test" && !IsAccountId(key)) {
    return Validation("1 validation error detected: Value '" + key +
                      "' at 'accessKeyId' failed to satisfy constraint: Member must have length "
                      "greater than or equal to 16");
  }
  std::string account = kDefaultAccountId;
  if (IsAccountId(key)) {
    account = key;
  } else if (auto* k = state_->store().Find("", Kind::kAccessKey, key)) {
    account = StringMember(*k, "_account");
  } else if (auto* s = state_->store().Find("", Kind::kSession, key)) {
    account = StringMember(*s, "_account");
  } else if (key.rfind("AKIA", 0) == 0 || key.rfind("ASIA", 0) == 0) {
    account = AccountFromKeyId(key).value_or(kDefaultAccountId);
  }
  Output out(rapidjson::kObjectType);
  out.AddMember("Account", Str(account, out.GetAllocator()), out.GetAllocator());
  return out;
}

Result<Output> StsService::DecodeAuthorizationMessage(RequestContext&, ParamReader& in) {
  // Nimbus encodes its authorization failure details as base64 JSON (AWS encrypts them).
  std::string encoded = in.String("EncodedMessage");
  auto decoded = Base64Decode(encoded);
  rapidjson::Document d;
  if (decoded) {
    d.Parse(decoded->c_str(), decoded->size());
  }
  if (!decoded || d.HasParseError() || !d.IsObject()) {
    return AwsError::Sender("InvalidAuthorizationMessageException",
                            "The message is not a valid authorization message.", 400);
  }
  Output out(rapidjson::kObjectType);
  out.AddMember("DecodedMessage", Str(*decoded, out.GetAllocator()), out.GetAllocator());
  return out;
}

}  // namespace nimbus::sts
