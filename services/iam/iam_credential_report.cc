// The credential report (GenerateCredentialReport / GetCredentialReport) and the context keys
// of policies (GetContextKeysFor*Policy).
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "services/iam/credentials/passwords.h"
#include "services/iam/iam_internal.h"
#include "services/iam/iam_service.h"
#include "services/iam/policy/policy_document.h"

namespace nimbus::iam {
namespace {

constexpr char kReportKey[] = "credential-report";
// AWS: a report is reused for four hours; after that Get answers ReportExpired and Generate
// starts a new one.
constexpr double kReportLifetime = 4 * 3600;

constexpr char kHeader[] =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

// The report's time format: 2014-10-05T19:44:01+00:00.
std::string ReportTime(double t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string ReportTime(const std::string& iso) {
  std::tm tm{};
  if (strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
    return "N/A";
  }
  return ReportTime(static_cast<double>(timegm(&tm)));
}

// Oldest first: by the precise creation time where kept, else by the ISO date.
auto CreatedBefore(const char* date_member) {
  return [date_member](const rapidjson::Value* a, const rapidjson::Value* b) {
    auto created = [](const rapidjson::Value* v) {
      auto it = v->FindMember("_created");
      return it != v->MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : 0.0;
    };
    std::string da = StringMember(*a, date_member);
    std::string db = StringMember(*b, date_member);
    return da != db ? da < db : created(a) < created(b);
  };
}

// One user's line.
std::string UserLine(IamStore& s, const std::string& account, const rapidjson::Value& user,
                     const rapidjson::Value* policy) {
  std::string name = StringMember(user, "UserName");
  std::vector<std::string> f = {name, StringMember(user, "Arn"),
                                ReportTime(StringMember(user, "CreateDate"))};
  const rapidjson::Value* profile =
      user.HasMember("_login_profile") ? &user["_login_profile"] : nullptr;
  if (profile != nullptr) {
    f.emplace_back("true");
    // Console sign-ins do not exist in Nimbus, so a password was never used.
    f.emplace_back("no_information");
    double changed = profile->HasMember("_password_changed")
                         ? (*profile)["_password_changed"].GetDouble()
                         : 0;
    f.push_back(changed > 0 ? ReportTime(changed) : "N/A");
    if (changed > 0 && policy != nullptr && policy->HasMember("MaxPasswordAge")) {
      f.push_back(ReportTime(changed + (*policy)["MaxPasswordAge"].GetDouble() * 86400));
    } else {
      f.emplace_back("N/A");
    }
  } else {
    f.insert(f.end(), {"false", "N/A", "N/A", "N/A"});
  }
  f.emplace_back(user.HasMember("_mfa") && user["_mfa"].Size() > 0 ? "true" : "false");
  std::vector<const rapidjson::Value*> keys;
  for (const auto& [id, key] : s.All("", Kind::kAccessKey)) {
    if (StringMember(key, "_account") == account &&
        KeyOf(StringMember(key, "UserName")) == KeyOf(name)) {
      keys.push_back(&key);
    }
  }
  std::sort(keys.begin(), keys.end(), CreatedBefore("CreateDate"));
  for (size_t i = 0; i < 2; ++i) {
    if (i < keys.size()) {
      f.emplace_back(StringMember(*keys[i], "Status") == "Active" ? "true" : "false");
      f.push_back(ReportTime(StringMember(*keys[i], "CreateDate")));
    } else {
      f.insert(f.end(), {"false", "N/A"});
    }
    // Key use is not recorded (GetAccessKeyLastUsed answers N/A as well).
    f.insert(f.end(), {"N/A", "N/A", "N/A"});
  }
  std::vector<const rapidjson::Value*> certs;
  for (const auto& [id, cert] : s.All(account, Kind::kSigningCertificate)) {
    if (KeyOf(StringMember(cert, "UserName")) == KeyOf(name)) {
      certs.push_back(&cert);
    }
  }
  std::sort(certs.begin(), certs.end(), CreatedBefore("UploadDate"));
  for (size_t i = 0; i < 2; ++i) {
    if (i < certs.size()) {
      f.emplace_back(StringMember(*certs[i], "Status") == "Active" ? "true" : "false");
      f.push_back(ReportTime(StringMember(*certs[i], "UploadDate")));
    } else {
      f.insert(f.end(), {"false", "N/A"});
    }
  }
  std::string line;
  for (size_t i = 0; i < f.size(); ++i) {
    line += (i ? "," : "") + f[i];
  }
  return line;
}

std::string BuildReport(IamStore& s, const std::string& account, double account_created) {
  std::string csv = kHeader;
  // AWS: the root user's line comes first; its password is managed outside IAM.
  csv += "\n<root_account>,arn:aws:iam::" + account + ":root," + ReportTime(account_created) +
         ",not_supported,N/A,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,"
         "N/A,N/A,N/A,false,N/A,false,N/A";
  const auto* policy = PasswordPolicyOf(s, account);
  for (const auto& [key, user] : s.All(account, Kind::kUser)) {
    csv += "\n" + UserLine(s, account, user, policy);
  }
  return csv;
}

// Context keys a document names: condition keys and policy variables (${aws:username}), in
// order of appearance, case-insensitively deduplicated.
void CollectKeys(const PolicyDocument& doc, std::vector<std::string>& out) {
  auto add = [&](const std::string& key) {
    if (key.find(':') == std::string::npos) {
      return;  // ${*}, ${?}, ${$} are escapes, not keys
    }
    if (std::none_of(out.begin(), out.end(),
                     [&](const std::string& k) { return KeyOf(k) == KeyOf(key); })) {
      out.push_back(key);
    }
  };
  auto variables = [&](const std::string& text) {
    for (size_t pos = text.find("${"); pos != std::string::npos; pos = text.find("${", pos)) {
      auto end = text.find('}', pos);
      if (end == std::string::npos) {
        break;
      }
      std::string inner = text.substr(pos + 2, end - pos - 2);
      inner = inner.substr(0, inner.find(','));
      while (!inner.empty() && inner.back() == ' ') {
        inner.pop_back();
      }
      add(inner);
      pos = end;
    }
  };
  for (const auto& st : doc.statements) {
    for (const auto& r : st.resources) {
      variables(r);
    }
    for (const auto& c : st.conditions) {
      add(c.key);
      for (const auto& v : c.values) {
        variables(v);
      }
    }
  }
}

Result<std::vector<std::string>> KeysOfInputs(ParamReader& in, std::vector<std::string> keys) {
  for (const auto& text : StringList(in.Value("PolicyInputList"))) {
    auto doc = ParsePolicyLenient(text);
    if (!doc) {
      return errors::InvalidInput("Syntax errors in policy.");
    }
    CollectKeys(*doc, keys);
  }
  return Result<std::vector<std::string>>(boost::system::in_place_value, std::move(keys));
}

Output KeysOutput(const std::vector<std::string>& keys) {
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& k : keys) {
    list.PushBack(Str(k, a), a);
  }
  out.AddMember("ContextKeyNames", std::move(list), a);
  return out;
}

}  // namespace

Result<Output> IamService::GenerateCredentialReport(RequestContext& ctx, ParamReader&) {
  const std::string& account = ctx.scope.account_id;
  auto* report = store().Find(account, Kind::kAccountSettings, kReportKey);
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  if (report != nullptr && (*report)["_generated"].GetDouble() + kReportLifetime > Now(ctx)) {
    out.AddMember("State", "COMPLETE", a);
    return out;
  }
  // The report is built at once; AWS answers STARTED to the call that begins one and COMPLETE
  // to the next calls while it is fresh.
  double created = Now(ctx);
  for (const auto& [key, user] : store().All(account, Kind::kUser)) {
    (void)key;
    if (auto t = StringMember(user, "CreateDate"); !t.empty()) {
      std::tm tm{};
      if (strptime(t.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr) {
        created = std::min(created, static_cast<double>(timegm(&tm)));
      }
    }
  }
  if (report != nullptr && report->HasMember("_account_created")) {
    created = std::min(created, (*report)["_account_created"].GetDouble());
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& da = d.GetAllocator();
  d.AddMember("_generated", Now(ctx), da);
  d.AddMember("_account_created", created, da);
  d.AddMember("_csv", Str(BuildReport(store(), account, created), da), da);
  store().Put(account, Kind::kAccountSettings, kReportKey, std::move(d));
  out.AddMember("State", "STARTED", a);
  out.AddMember("Description", "No report exists. Starting a new report generation task", a);
  return out;
}

Result<Output> IamService::GetCredentialReport(RequestContext& ctx, ParamReader&) {
  auto* report = store().Find(ctx.scope.account_id, Kind::kAccountSettings, kReportKey);
  if (report == nullptr) {
    return AwsError::Sender("ReportNotPresent",
                            "Credential report not present. Call GenerateCredentialReport "
                            "first.",
                            410);
  }
  double generated = (*report)["_generated"].GetDouble();
  if (generated + kReportLifetime <= Now(ctx)) {
    return AwsError::Sender("ReportExpired",
                            "Credential report expired. Call GenerateCredentialReport.", 410);
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("Content", Str(StringMember(*report, "_csv"), a), a);  // a blob: raw CSV bytes
  out.AddMember("ReportFormat", "text/csv", a);
  out.AddMember("GeneratedTime", Str(NowIso(generated), a), a);
  return out;
}

Result<Output> IamService::GetContextKeysForCustomPolicy(RequestContext&, ParamReader& in) {
  auto keys = KeysOfInputs(in, {});
  if (!keys) {
    return keys.error();
  }
  return KeysOutput(*keys);
}

Result<Output> IamService::GetContextKeysForPrincipalPolicy(RequestContext& ctx,
                                                            ParamReader& in) {
  auto set = PrincipalPolicySet(*state_, ctx.scope.account_id, in.String("PolicySourceArn"));
  if (!set) {
    return set.error();
  }
  std::vector<std::string> keys;
  for (const auto& p : set->identity) {
    if (p.doc) {
      CollectKeys(*p.doc, keys);
    }
  }
  auto all = KeysOfInputs(in, std::move(keys));
  if (!all) {
    return all.error();
  }
  return KeysOutput(*all);
}

}  // namespace nimbus::iam
