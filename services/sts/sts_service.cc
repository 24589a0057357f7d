#include "services/sts/sts_service.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <rapidjson/document.h>

#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/iam/iam_util.h"
#include "services/iam/policy/policy_document.h"

namespace nimbus::sts {
namespace {

using iam::Kind;
using iam::Str;
using iam::StringMember;

constexpr int64_t kMinDuration = 900;
constexpr int64_t kChainedMax = 3600;
constexpr size_t kMaxPackedPolicy = 2048;

AwsError Validation(std::string message) {
  return AwsError::Sender("ValidationError", std::move(message), 400);
}

AwsError AccessDenied(const std::string& caller, const std::string& action,
                      const std::string& resource) {
  return AwsError::Sender("AccessDenied",
                          "User: " + caller + " is not authorized to perform: " + action +
                              " on resource: " + resource,
                          403);
}

bool ValidSessionName(const std::string& s) {
  return s.size() >= 2 && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' ||
                  c == '@' || c == '-';
         });
}

std::string NewSessionToken() {
  // AWS session tokens are long opaque base64 strings; this one carries randomness only.
  std::string raw = RandomHex(64) + RandomHex(64) + RandomHex(64);
  return "IQoJb3JpZ2luX2VjE" + Base64Encode(raw);
}

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
  table.Add("AssumeRoleWithWebIdentity", this, &StsService::AssumeRoleWithWebIdentity);
  table.Add("DecodeAuthorizationMessage", this, &StsService::DecodeAuthorizationMessage);
  table.Add("GetAccessKeyInfo", this, &StsService::GetAccessKeyInfo);
  table.Add("GetCallerIdentity", this, &StsService::GetCallerIdentity);
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
  int packed = 0;
  if (policy) {
    if (auto doc = iam::ParsePolicy(*policy, iam::PolicyKind::kIdentity); !doc) {
      return AwsError::Sender("MalformedPolicyDocument", doc.error().message, 400);
    }
    if (policy->size() > kMaxPackedPolicy) {
      return AwsError::Sender("PackedPolicyTooLarge",
                              "Packed size of consolidated session policies exceeds the limit.",
                              400);
    }
    packed = static_cast<int>(policy->size() * 100 / kMaxPackedPolicy);
  }
  std::vector<std::string> arns;
  if (policy_arns != nullptr && policy_arns->IsArray()) {
    for (const auto& p : policy_arns->GetArray()) {
      std::string arn = StringMember(p, "arn");
      if (state_->ManagedPolicyDocument(account, arn).empty()) {
        return AwsError::Sender("InvalidParameterValue", "Policy " + arn + " does not exist.",
                                400);
      }
      arns.push_back(arn);
    }
  }
  rapidjson::Document claims(rapidjson::kObjectType);
  std::string provider;
  if (web_identity) {
    if (token.size() < 4) {
      return AwsError::Sender("InvalidIdentityToken", "The web identity token is malformed.", 400);
    }
    claims = JwtClaims(token);
    provider = in.String("ProviderId", ClaimText(claims, "iss"));
  }
  double now = ctx.clock->NowSeconds();
  double expires = now + static_cast<double>(seconds);
  std::string key_id = iam::NewAccessKeyId("ASIA");
  std::string secret = iam::NewSecretAccessKey();
  std::string session_token = NewSessionToken();
  std::string role_id = StringMember(*role, "RoleId");
  std::string assumed_arn = "arn:aws:sts::" + account + ":assumed-role/" +
                            StringMember(*role, "RoleName") + "/" + session_name;

  rapidjson::Document s(rapidjson::kObjectType);
  auto& sa = s.GetAllocator();
  s.AddMember("SecretAccessKey", Str(secret, sa), sa);
  s.AddMember("SessionToken", Str(session_token, sa), sa);
  s.AddMember("_expires", expires, sa);
  s.AddMember("_kind", "assumed-role", sa);
  s.AddMember("_account", Str(account, sa), sa);
  s.AddMember("_arn", Str(assumed_arn, sa), sa);
  s.AddMember("_user_id", Str(role_id + ":" + session_name, sa), sa);
  s.AddMember("_name", Str(StringMember(*role, "RoleName"), sa), sa);
  s.AddMember("_role_arn", Str(role_arn, sa), sa);
  s.AddMember("_session_name", Str(session_name, sa), sa);
  if (policy) {
    s.AddMember("_policy", Str(*policy, sa), sa);
  }
  if (!arns.empty()) {
    rapidjson::Value list(rapidjson::kArrayType);
    for (const auto& arn : arns) {
      list.PushBack(Str(arn, sa), sa);
    }
    s.AddMember("_policy_arns", std::move(list), sa);
  }
  state_->store().Put("", Kind::kSession, key_id, std::move(s));
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

  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value creds(rapidjson::kObjectType);
  creds.AddMember("AccessKeyId", Str(key_id, a), a);
  creds.AddMember("SecretAccessKey", Str(secret, a), a);
  creds.AddMember("SessionToken", Str(session_token, a), a);
  creds.AddMember("Expiration", Str(iam::NowIso(expires), a), a);
  out.AddMember("Credentials", std::move(creds), a);
  rapidjson::Value user(rapidjson::kObjectType);
  user.AddMember("AssumedRoleId", Str(role_id + ":" + session_name, a), a);
  user.AddMember("Arn", Str(assumed_arn, a), a);
  out.AddMember("AssumedRoleUser", std::move(user), a);
  if (policy) {
    out.AddMember("PackedPolicySize", packed, a);
  }
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
  rapidjson::Value creds(rapidjson::kObjectType);
  creds.AddMember("AccessKeyId", Str(key_id, a), a);
  creds.AddMember("SecretAccessKey", Str(secret, a), a);
  creds.AddMember("SessionToken", Str(token, a), a);
  creds.AddMember("Expiration", Str(iam::NowIso(expires), a), a);
  out.AddMember("Credentials", std::move(creds), a);
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
