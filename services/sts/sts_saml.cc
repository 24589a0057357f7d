// STS AssumeRoleWithSAML: a SAML 2.0 assertion from a registered IAM SAML provider buys a role
// session when the role's trust policy allows the provider.
#include <openssl/sha.h>

#include "services/common/base64.h"
#include "services/iam/federation/providers.h"
#include "services/iam/policy/evaluator.h"
#include "services/sts/sts_service.h"

namespace nimbus::sts {
namespace {

using iam::Kind;
using iam::Str;
using iam::StringMember;

constexpr char kRoleAttribute[] = "https://aws.amazon.com/SAML/Attributes/Role";
constexpr char kSessionNameAttribute[] = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
constexpr char kDurationAttribute[] = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
constexpr char kSourceIdentityAttribute[] =
    "https://aws.amazon.com/SAML/Attributes/SourceIdentity";
constexpr char kNameIdPrefix[] = "urn:oasis:names:tc:SAML:2.0:nameid-format:";

AwsError InvalidToken(const std::string& message) {
  return AwsError::Sender("InvalidIdentityToken", message, 400);
}

// AWS: base64(SHA1(Issuer + account + "/" + provider name)).
std::string NameQualifier(const std::string& issuer, const std::string& account,
                          const std::string& provider_name) {
  std::string text = issuer + account + "/" + provider_name;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// AWS: the urn:oasis:names:tc:SAML:2.0:nameid-format: prefix is dropped, other formats are
// returned as they are; "transient" when the assertion names no format.
std::string SubjectType(const std::string& format) {
  if (format.empty()) {
    return "transient";
  }
  if (format.rfind(kNameIdPrefix, 0) == 0) {
    return format.substr(sizeof(kNameIdPrefix) - 1);
  }
  return format;
}

// The Role attribute's values are "role-arn,provider-arn" pairs in either order.
bool RolePairListed(const std::vector<std::string>& values, const std::string& role_arn,
                    const std::string& provider_arn) {
  for (const auto& v : values) {
    auto comma = v.find(',');
    if (comma == std::string::npos) {
      continue;
    }
    std::string a = v.substr(0, comma);
    std::string b = v.substr(comma + 1);
    if ((a == role_arn && b == provider_arn) || (a == provider_arn && b == role_arn)) {
      return true;
    }
  }
  return false;
}

const std::vector<std::string>* AttributeValues(const iam::SamlAssertion& s, const char* name) {
  auto it = s.attributes.find(name);
  return it == s.attributes.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace

boost::asio::awaitable<Result<Output>> StsService::AssumeRoleWithSAML(RequestContext& ctx,
                                                                      ParamReader& in) {
  co_return co_await iam::RunOnStrand(state_->strand(),
                                      [this, &ctx, &in] { return DoAssumeRoleWithSAML(ctx, in); });
}

Result<Output> StsService::DoAssumeRoleWithSAML(RequestContext& ctx, ParamReader& in) {
  std::string role_arn = in.String("RoleArn");
  std::string provider_arn = in.String("PrincipalArn");
  std::string response = in.String("SAMLAssertion");
  auto duration = in.OptInt("DurationSeconds");
  auto policy = in.OptString("Policy");
  const rapidjson::Value* policy_arns = in.Value("PolicyArns");
  if (in.error()) {
    return *in.error();
  }
  if (response.size() < 4) {
    return Validation("1 validation error detected: Value at 'sAMLAssertion' failed to satisfy "
                      "constraint: Member must have length greater than or equal to 4");
  }
  auto parsed_role = iam::ParseRoleArn(role_arn);
  if (!parsed_role) {
    return Validation(role_arn + " is invalid");
  }
  auto provider_name = iam::SamlProviderNameFromArn(provider_arn);
  if (!provider_name) {
    return Validation(provider_arn + " is invalid");
  }
  const auto& [account, role_name] = *parsed_role;
  std::string error;
  auto saml = iam::ParseSamlResponse(response, error);
  if (!saml) {
    return InvalidToken("Invalid SAML response: " + error);
  }
  double now = ctx.clock->NowSeconds();
  auto* provider = iam::ArnAccount(provider_arn) == account
                       ? state_->store().Find(account, Kind::kSamlProvider,
                                              iam::KeyOf(*provider_name))
                       : nullptr;
  if (provider == nullptr) {
    return InvalidToken("SAML Provider " + provider_arn + " does not exist.");
  }
  std::string expected_issuer = StringMember(*provider, "_issuer");
  if (!expected_issuer.empty() && saml->issuer != expected_issuer) {
    return InvalidToken("Issuer of the SAML response (" + saml->issuer +
                        ") does not match the SAML provider's entity id (" + expected_issuer +
                        ").");
  }
  std::string valid_until = StringMember(*provider, "ValidUntil");
  if (!valid_until.empty() && iam::ParseIsoTime(valid_until).value_or(now) < now) {
    return AwsError::Sender("ExpiredTokenException",
                            "The SAML provider's metadata has expired (ValidUntil).", 400);
  }
  if (saml->not_on_or_after != 0 && saml->not_on_or_after <= now) {
    return AwsError::Sender("ExpiredTokenException", "Token has expired.", 400);
  }
  if (saml->audience.find("signin.aws.amazon.com/saml") == std::string::npos) {
    return InvalidToken("Invalid audience of the SAML response: " + saml->audience +
                        " (expected https://signin.aws.amazon.com/saml).");
  }
  const auto* roles = AttributeValues(*saml, kRoleAttribute);
  if (roles == nullptr || !RolePairListed(*roles, role_arn, provider_arn)) {
    return AccessDenied(provider_arn, "sts:AssumeRoleWithSAML", role_arn);
  }
  const auto* names = AttributeValues(*saml, kSessionNameAttribute);
  if (names == nullptr) {
    return InvalidToken("The SAML response has no " + std::string(kSessionNameAttribute) +
                        " attribute.");
  }
  std::string session_name = names->front();
  if (!ValidSessionName(session_name)) {
    return InvalidToken("RoleSessionName " + session_name +
                        " must be 2-64 characters of [\\w+=,.@-].");
  }
  auto* role = state_->store().Find(account, Kind::kRole, iam::KeyOf(role_name));
  if (role == nullptr || StringMember(*role, "Arn") != role_arn) {
    return AccessDenied(provider_arn, "sts:AssumeRoleWithSAML", role_arn);
  }

  // The trust policy decides, as for every AssumeRole*: the provider is the Federated principal
  // and the assertion's values are the saml: condition keys.
  iam::RequestFacts facts;
  facts.action = "sts:AssumeRoleWithSAML";
  facts.resource = role_arn;
  facts.Set("nimbus:FederatedProvider", provider_arn);
  std::string qualifier = NameQualifier(saml->issuer, account, *provider_name);
  std::string audience = saml->recipient.empty() ? saml->audience : saml->recipient;
  facts.Set("saml:aud", audience);
  facts.Set("saml:iss", saml->issuer);
  facts.Set("saml:sub", saml->name_id);
  facts.Set("saml:sub_type", SubjectType(saml->name_id_format));
  facts.Set("saml:namequalifier", qualifier);
  facts.Set("saml:doc", account + "/" + *provider_name);
  facts.Set("aws:CurrentTime", iam::NowIso(now));
  facts.Set("aws:EpochTime", std::to_string(static_cast<int64_t>(now)));
  for (const auto& [attr, values] : saml->attributes) {
    // Attributes named with a short or OID name are condition keys too (saml:edupersonorgdn).
    auto slash = attr.rfind('/');
    std::string key = "saml:" + (slash == std::string::npos ? attr : attr.substr(slash + 1));
    for (const auto& v : values) {
      facts.Set(key, v);
    }
  }
  iam::PolicySet trust;
  trust.resource.push_back({"trust policy of " + role_arn, "resource",
                            state_->Parsed(StringMember(*role, "AssumeRolePolicyDocument"))});
  auto ev = iam::Evaluate(trust, facts);
  if (ev.decision != iam::Decision::kAllowed) {
    return AccessDenied(provider_arn, "sts:AssumeRoleWithSAML", role_arn);
  }

  // AWS: the session lasts DurationSeconds (default 3600) but no longer than the SessionDuration
  // attribute and the role's MaxSessionDuration.
  int64_t role_max = (*role)["MaxSessionDuration"].GetInt64();
  int64_t seconds = duration.value_or(3600);
  if (seconds < 900 || seconds > 43200) {
    return Validation("1 validation error detected: Value '" + std::to_string(seconds) +
                      "' at 'durationSeconds' failed to satisfy constraint: Member must have "
                      "value less than or equal to 43200");
  }
  if (seconds > role_max) {
    return Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for "
                      "this role.");
  }
  if (const auto* d = AttributeValues(*saml, kDurationAttribute)) {
    char* end = nullptr;
    long long attr = std::strtoll(d->front().c_str(), &end, 10);
    if (end != nullptr && *end == '\0' && attr >= 900 && attr <= 43200) {
      seconds = std::min<int64_t>(seconds, attr);
    }
  }
  if (saml->session_not_on_or_after > now) {
    seconds = std::min<int64_t>(seconds,
                                static_cast<int64_t>(saml->session_not_on_or_after - now));
  }
  auto policies = ReadSessionPolicies(policy, policy_arns, account);
  if (!policies) {
    return policies.error();
  }
  RoleSession spec{account, role, role_arn, session_name, seconds, *policies};
  Output out = IssueRoleSession(ctx, spec);
  auto& a = out.GetAllocator();
  out.AddMember("Subject", Str(saml->name_id, a), a);
  out.AddMember("SubjectType", Str(SubjectType(saml->name_id_format), a), a);
  out.AddMember("Issuer", Str(saml->issuer, a), a);
  out.AddMember("Audience", Str(audience, a), a);
  out.AddMember("NameQualifier", Str(qualifier, a), a);
  if (const auto* source = AttributeValues(*saml, kSourceIdentityAttribute)) {
    out.AddMember("SourceIdentity", Str(source->front(), a), a);
  }
  return out;
}

}  // namespace nimbus::sts
