// Mobile push (platform applications and endpoints) and SMS settings. Nothing is sent off the
// machine: the calls are validated, stored and answered in AWS's shapes.
#include <algorithm>
#include <set>

#include "services/common/ids.h"
#include "services/sns/sns_errors.h"
#include "services/sns/sns_service.h"
#include "services/sns/sns_util.h"

namespace nimbus::sns {
using rapidjson::Value;

namespace {

constexpr size_t kListPage = 100;

const std::set<std::string>& Platforms() {
  static const std::set<std::string> kPlatforms = {"ADM", "APNS", "APNS_SANDBOX", "GCM",
                                                   "BAIDU", "MPNS", "WNS", "APNS_VOIP",
                                                   "APNS_VOIP_SANDBOX"};
  return kPlatforms;
}

bool IsE164(const std::string& s) {
  if (s.size() < 2 || s.size() > 16 || s[0] != '+' || s[1] == '0') {
    return false;
  }
  return std::all_of(s.begin() + 1, s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string ScopeKey(const RequestContext& ctx) {
  return ctx.scope.account_id + "/" + ctx.scope.region;
}

// Platform credentials are write-only in AWS.
AttributeMap PublicAttributes(const AttributeMap& in) {
  AttributeMap out = in;
  out.erase("PlatformCredential");
  out.erase("PlatformPrincipal");
  out.emplace("Enabled", "true");
  return out;
}

Result<std::pair<size_t, size_t>> Slice(size_t size, const std::string& token, size_t page) {
  size_t begin = 0;
  if (!token.empty()) {
    char* end = nullptr;
    unsigned long v = std::strtoul(token.c_str(), &end, 10);
    if (end != token.c_str() + token.size() || v > size) {
      return errors::InvalidParameter("NextToken");
    }
    begin = v;
  }
  return std::pair{begin, std::min(size, begin + page)};
}

}  // namespace

Result<Output> SnsService::CreatePlatformApplication(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("Name");
  std::string platform = in.String("Platform");
  AttributeMap attributes = ReadMap(in.Value("Attributes"));
  bool valid_name = !name.empty() && name.size() <= 256 &&
                    std::all_of(name.begin(), name.end(), [](unsigned char c) {
                      return std::isalnum(c) || c == '_' || c == '-' || c == '.';
                    });
  if (!valid_name) {
    return errors::InvalidParameter(
        "Invalid parameter: Name Reason: must be at most 256 characters long and may only "
        "contain uppercase and lowercase ASCII letters, numbers, underscores, hyphens, and "
        "periods");
  }
  if (Platforms().count(platform) == 0) {
    return errors::InvalidParameter("Platform Reason: " + platform + " is not supported");
  }
  std::string arn = "arn:aws:sns:" + ctx.scope.region + ":" + ctx.scope.account_id + ":app/" +
                    platform + "/" + name;
  auto& apps = St().applications;
  auto it = apps.find(arn);
  if (it == apps.end()) {
    PlatformApplication app;
    app.arn = arn;
    app.name = name;
    app.platform = platform;
    app.account = ctx.scope.account_id;
    app.region = ctx.scope.region;
    app.seq = NextSeq();
    it = apps.emplace(arn, std::move(app)).first;
  }
  for (const auto& [k, v] : attributes) {
    it->second.attributes[k] = v;
  }
  Db().Put(it->second);
  Out out;
  out.SetStr("PlatformApplicationArn", arn);
  return out.Take();
}

Result<Output> SnsService::DeletePlatformApplication(RequestContext& /*ctx*/, ParamReader& in) {
  std::string arn = in.String("PlatformApplicationArn");
  auto& s = St();
  for (auto it = s.endpoints.begin(); it != s.endpoints.end();) {
    if (it->second.application_arn == arn) {
      Db().DeleteEndpoint(it->first);
      it = s.endpoints.erase(it);
    } else {
      ++it;
    }
  }
  if (s.applications.erase(arn) > 0) {
    Db().DeleteApplication(arn);
  }
  return Empty();
}

Result<Output> SnsService::ListPlatformApplications(RequestContext& ctx, ParamReader& in) {
  std::vector<const PlatformApplication*> apps;
  for (const auto& [arn, app] : St().applications) {
    if (app.account == ctx.scope.account_id && app.region == ctx.scope.region) {
      apps.push_back(&app);
    }
  }
  std::sort(apps.begin(), apps.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  auto range = Slice(apps.size(), in.String("NextToken"), kListPage);
  if (!range) {
    return range.error();
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = range->first; i < range->second; ++i) {
    Value item(rapidjson::kObjectType);
    out.Set(item, "PlatformApplicationArn", out.Str(apps[i]->arn));
    out.Set(item, "Attributes", out.Map(PublicAttributes(apps[i]->attributes)));
    list.PushBack(std::move(item), out.a());
  }
  out.Set("PlatformApplications", std::move(list));
  if (range->second < apps.size()) {
    out.SetStr("NextToken", std::to_string(range->second));
  }
  return out.Take();
}

Result<Output> SnsService::GetPlatformApplicationAttributes(RequestContext& /*ctx*/,
                                                            ParamReader& in) {
  auto it = St().applications.find(in.String("PlatformApplicationArn"));
  if (it == St().applications.end()) {
    return errors::PlatformApplicationNotFound();
  }
  Out out;
  out.Set("Attributes", out.Map(PublicAttributes(it->second.attributes)));
  return out.Take();
}

Result<Output> SnsService::SetPlatformApplicationAttributes(RequestContext& /*ctx*/,
                                                            ParamReader& in) {
  auto it = St().applications.find(in.String("PlatformApplicationArn"));
  if (it == St().applications.end()) {
    return errors::PlatformApplicationNotFound();
  }
  for (const auto& [k, v] : ReadMap(in.Value("Attributes"))) {
    it->second.attributes[k] = v;
  }
  Db().Put(it->second);
  return Empty();
}

Result<Output> SnsService::CreatePlatformEndpoint(RequestContext& /*ctx*/, ParamReader& in) {
  std::string app_arn = in.String("PlatformApplicationArn");
  std::string token = in.String("Token");
  auto app = St().applications.find(app_arn);
  if (app == St().applications.end()) {
    return errors::InvalidParameter("PlatformApplicationArn Reason: An application with the ARN " +
                                    app_arn + " does not exist");
  }
  if (token.empty()) {
    return errors::InvalidParameter("Token Reason: cannot be empty");
  }
  AttributeMap attributes = ReadMap(in.Value("Attributes"));
  if (auto data = in.OptString("CustomUserData")) {
    attributes["CustomUserData"] = *data;
  }
  attributes["Token"] = token;
  attributes.emplace("Enabled", "true");
  // AWS: creating an endpoint for a token that already has one returns it, unless the
  // attributes differ.
  for (const auto& [arn, ep] : St().endpoints) {
    if (ep.application_arn == app_arn && ep.attributes.at("Token") == token) {
      if (ep.attributes != attributes) {
        return errors::InvalidParameter("Token Reason: Endpoint " + arn +
                                        " already exists with the same Token, but different "
                                        "attributes.");
      }
      Out out;
      out.SetStr("EndpointArn", arn);
      return out.Take();
    }
  }
  PlatformEndpoint ep;
  ep.arn = "arn:aws:sns:" + app->second.region + ":" + app->second.account + ":endpoint/" +
           app->second.platform + "/" + app->second.name + "/" + NewUuid();
  ep.application_arn = app_arn;
  ep.account = app->second.account;
  ep.region = app->second.region;
  ep.attributes = std::move(attributes);
  ep.seq = NextSeq();
  Db().Put(ep);
  Out out;
  out.SetStr("EndpointArn", ep.arn);
  St().endpoints.emplace(ep.arn, std::move(ep));
  return out.Take();
}

Result<Output> SnsService::DeleteEndpoint(RequestContext& /*ctx*/, ParamReader& in) {
  std::string arn = in.String("EndpointArn");
  if (St().endpoints.erase(arn) > 0) {
    Db().DeleteEndpoint(arn);
  }
  return Empty();
}

Result<Output> SnsService::ListEndpointsByPlatformApplication(RequestContext& /*ctx*/,
                                                              ParamReader& in) {
  std::string app_arn = in.String("PlatformApplicationArn");
  if (St().applications.count(app_arn) == 0) {
    return errors::PlatformApplicationNotFound();
  }
  std::vector<const PlatformEndpoint*> eps;
  for (const auto& [arn, ep] : St().endpoints) {
    if (ep.application_arn == app_arn) {
      eps.push_back(&ep);
    }
  }
  std::sort(eps.begin(), eps.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  auto range = Slice(eps.size(), in.String("NextToken"), kListPage);
  if (!range) {
    return range.error();
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = range->first; i < range->second; ++i) {
    Value item(rapidjson::kObjectType);
    out.Set(item, "EndpointArn", out.Str(eps[i]->arn));
    out.Set(item, "Attributes", out.Map(eps[i]->attributes));
    list.PushBack(std::move(item), out.a());
  }
  out.Set("Endpoints", std::move(list));
  if (range->second < eps.size()) {
    out.SetStr("NextToken", std::to_string(range->second));
  }
  return out.Take();
}

Result<Output> SnsService::GetEndpointAttributes(RequestContext& /*ctx*/, ParamReader& in) {
  auto it = St().endpoints.find(in.String("EndpointArn"));
  if (it == St().endpoints.end()) {
    return errors::EndpointNotFound();
  }
  Out out;
  out.Set("Attributes", out.Map(it->second.attributes));
  return out.Take();
}

Result<Output> SnsService::SetEndpointAttributes(RequestContext& /*ctx*/, ParamReader& in) {
  auto it = St().endpoints.find(in.String("EndpointArn"));
  if (it == St().endpoints.end()) {
    return errors::EndpointNotFound();
  }
  for (const auto& [k, v] : ReadMap(in.Value("Attributes"))) {
    if (k != "Token" && k != "Enabled" && k != "CustomUserData") {
      return errors::InvalidParameter("Attributes Reason: Invalid attribute name: " + k);
    }
    if (k == "Enabled" && v != "true" && v != "false") {
      return errors::InvalidParameter("Attributes Reason: Enabled must be true or false");
    }
    it->second.attributes[k] = v;
  }
  Db().Put(it->second);
  return Empty();
}

Result<Output> SnsService::GetSMSAttributes(RequestContext& ctx, ParamReader& in) {
  const auto& sms = St().sms[ScopeKey(ctx)];
  auto names = ReadStrings(in.Value("attributes"));
  AttributeMap result;
  for (const auto& [k, v] : sms.attributes) {
    if (names.empty() || std::find(names.begin(), names.end(), k) != names.end()) {
      result[k] = v;
    }
  }
  Out out;
  out.Set("attributes", out.Map(result));
  return out.Take();
}

Result<Output> SnsService::SetSMSAttributes(RequestContext& ctx, ParamReader& in) {
  static const std::set<std::string> kNames = {
      "MonthlySpendLimit", "DeliveryStatusIAMRole", "DeliveryStatusSuccessSamplingRate",
      "DefaultSenderID",   "DefaultSMSType",        "UsageReportS3Bucket"};
  AttributeMap attributes = ReadMap(in.Value("attributes"));
  for (const auto& [k, v] : attributes) {
    if (kNames.count(k) == 0) {
      return errors::InvalidParameter(k);
    }
    if (k == "DefaultSMSType" && v != "Promotional" && v != "Transactional") {
      return errors::InvalidParameter("DefaultSMSType Reason: must be Promotional or "
                                      "Transactional");
    }
  }
  auto key = ScopeKey(ctx);
  auto& sms = St().sms[key];
  for (const auto& [k, v] : attributes) {
    sms.attributes[k] = v;
  }
  Db().PutSms(key, sms);
  return Empty();
}

Result<Output> SnsService::CheckIfPhoneNumberIsOptedOut(RequestContext& ctx, ParamReader& in) {
  std::string phone = in.String("phoneNumber");
  if (!IsE164(phone)) {
    return errors::InvalidParameter("PhoneNumber Reason: input incorrectly formatted");
  }
  const auto& list = St().sms[ScopeKey(ctx)].opted_out;
  Out out;
  out.Set("isOptedOut",
          Value(std::find(list.begin(), list.end(), phone) != list.end()));
  return out.Take();
}

Result<Output> SnsService::ListPhoneNumbersOptedOut(RequestContext& ctx, ParamReader& in) {
  const auto& list = St().sms[ScopeKey(ctx)].opted_out;
  auto range = Slice(list.size(), in.String("nextToken"), kListPage);
  if (!range) {
    return range.error();
  }
  Out out;
  Value numbers(rapidjson::kArrayType);
  for (size_t i = range->first; i < range->second; ++i) {
    numbers.PushBack(out.Str(list[i]), out.a());
  }
  out.Set("phoneNumbers", std::move(numbers));
  if (range->second < list.size()) {
    out.SetStr("nextToken", std::to_string(range->second));
  }
  return out.Take();
}

Result<Output> SnsService::OptInPhoneNumber(RequestContext& ctx, ParamReader& in) {
  std::string phone = in.String("phoneNumber");
  if (!IsE164(phone)) {
    return errors::InvalidParameter("PhoneNumber Reason: input incorrectly formatted");
  }
  auto key = ScopeKey(ctx);
  auto& sms = St().sms[key];
  std::erase(sms.opted_out, phone);
  Db().PutSms(key, sms);
  return Empty();
}

Result<Output> SnsService::GetSMSSandboxAccountStatus(RequestContext& /*ctx*/,
                                                      ParamReader& /*in*/) {
  // AWS: new accounts start in the SMS sandbox.
  Out out;
  out.Set("IsInSandbox", Value(true));
  return out.Take();
}

Result<Output> SnsService::CreateSMSSandboxPhoneNumber(RequestContext& ctx, ParamReader& in) {
  std::string phone = in.String("PhoneNumber");
  if (!IsE164(phone)) {
    return errors::InvalidParameter("PhoneNumber Reason: input incorrectly formatted");
  }
  auto key = ScopeKey(ctx);
  auto& sms = St().sms[key];
  sms.sandbox.emplace(phone, "Pending");
  Db().PutSms(key, sms);
  return Empty();
}

Result<Output> SnsService::DeleteSMSSandboxPhoneNumber(RequestContext& ctx, ParamReader& in) {
  auto key = ScopeKey(ctx);
  auto& sms = St().sms[key];
  if (sms.sandbox.erase(in.String("PhoneNumber")) == 0) {
    return errors::ResourceNotFound("Phone number does not exist in the sandbox");
  }
  Db().PutSms(key, sms);
  return Empty();
}

Result<Output> SnsService::VerifySMSSandboxPhoneNumber(RequestContext& ctx, ParamReader& in) {
  auto key = ScopeKey(ctx);
  auto& sms = St().sms[key];
  auto it = sms.sandbox.find(in.String("PhoneNumber"));
  if (it == sms.sandbox.end()) {
    return errors::ResourceNotFound("Phone number does not exist in the sandbox");
  }
  // No SMS leaves the machine, so any one-time password verifies.
  it->second = "Verified";
  Db().PutSms(key, sms);
  return Empty();
}

Result<Output> SnsService::ListSMSSandboxPhoneNumbers(RequestContext& ctx, ParamReader& in) {
  const auto& sandbox = St().sms[ScopeKey(ctx)].sandbox;
  int64_t max = in.Int("MaxResults", 100);
  if (max < 1 || max > 100) {
    return errors::InvalidParameter("MaxResults");
  }
  std::vector<std::pair<std::string, std::string>> all(sandbox.begin(), sandbox.end());
  auto range = Slice(all.size(), in.String("NextToken"), static_cast<size_t>(max));
  if (!range) {
    return range.error();
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = range->first; i < range->second; ++i) {
    Value item(rapidjson::kObjectType);
    out.Set(item, "PhoneNumber", out.Str(all[i].first));
    out.Set(item, "Status", out.Str(all[i].second));
    list.PushBack(std::move(item), out.a());
  }
  out.Set("PhoneNumbers", std::move(list));
  if (range->second < all.size()) {
    out.SetStr("NextToken", std::to_string(range->second));
  }
  return out.Take();
}

Result<Output> SnsService::ListOriginationNumbers(RequestContext& /*ctx*/, ParamReader& in) {
  int64_t max = in.Int("MaxResults", 30);
  if (max < 1 || max > 30) {
    return errors::Validation("1 validation error detected: Value '" + std::to_string(max) +
                              "' at 'maxResults' failed to satisfy constraint: Member must have "
                              "value less than or equal to 30");
  }
  // A local account owns no origination numbers.
  Out out;
  out.Set("PhoneNumbers", Value(rapidjson::kArrayType));
  return out.Take();
}

}  // namespace nimbus::sns
