// Lambda execution roles: each function runs with the credentials of an AssumeRole session on
// its role (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN), so its own calls
// to Nimbus are made — and, under ENFORCE_IAM=1, authorized — as that role.
#include <rapidjson/document.h>

#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
namespace asio = boost::asio;

namespace {

// AWS Lambda keeps role sessions for hours; refresh well before the end.
constexpr int64_t kSessionSeconds = 43200;
constexpr double kRefreshMargin = 900;
constexpr double kRetryUnknownRole = 5;

std::string Text(const rapidjson::Value& v, const char* outer, const char* inner) {
  if (!v.IsObject() || !v.HasMember(outer) || !v[outer].IsObject()) {
    return {};
  }
  const auto& o = v[outer];
  auto it = o.FindMember(inner);
  return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// The account in arn:aws:iam::<account>:role/...
std::string RoleAccount(const std::string& arn) {
  const std::string prefix = "arn:aws:iam::";
  if (arn.rfind(prefix, 0) != 0) {
    return {};
  }
  auto end = arn.find(':', prefix.size());
  return end == std::string::npos ? "" : arn.substr(prefix.size(), end - prefix.size());
}

}  // namespace

asio::awaitable<void> LambdaService::AddRoleCredentials(runtime::FunctionConfig& config) {
  if (client_ == nullptr || config.role.empty() || RoleAccount(config.role).empty()) {
    co_return;
  }
  double now = clock_->NowSeconds();
  auto it = role_credentials_.find(config.role);
  if (it == role_credentials_.end() || it->second.expires - kRefreshMargin < now) {
    rapidjson::Document params(rapidjson::kObjectType);
    auto& a = params.GetAllocator();
    // AWS names the session after the function (2..64 characters of [\w+=,.@-]).
    std::string session = config.function_name.size() >= 2 ? config.function_name
                                                             : config.function_name + "_";
    params.AddMember("RoleArn", rapidjson::Value(config.role.c_str(), a), a);
    params.AddMember("RoleSessionName", rapidjson::Value(session.substr(0, 64).c_str(), a), a);
    params.AddMember("DurationSeconds", kSessionSeconds, a);
    Scope scope{RoleAccount(config.role), config.region};
    auto result = co_await client_->Call("sts", "AssumeRole", scope, std::move(params));
    if (!result) {
      // A role Nimbus doesn't know (functions may name any ARN): the function keeps the
      // account's root credentials, as before IAM existed. Asked again after a few seconds,
      // not on every invocation.
      role_credentials_.insert_or_assign(
          config.role, RoleCredentials{"", "", "", now + kRefreshMargin + kRetryUnknownRole});
      co_return;
    }
    RoleCredentials creds;
    creds.access_key_id = Text(*result, "Credentials", "AccessKeyId");
    creds.secret_access_key = Text(*result, "Credentials", "SecretAccessKey");
    creds.session_token = Text(*result, "Credentials", "SessionToken");
    creds.expires = now + static_cast<double>(kSessionSeconds);
    it = role_credentials_.insert_or_assign(config.role, std::move(creds)).first;
  }
  const RoleCredentials& c = it->second;
  if (c.access_key_id.empty()) {
    co_return;
  }
  config.environment.emplace("AWS_ACCESS_KEY_ID", c.access_key_id);
  config.environment.emplace("AWS_SECRET_ACCESS_KEY", c.secret_access_key);
  config.environment.emplace("AWS_SESSION_TOKEN", c.session_token);
  // Environments started with an older session are retired, not reused.
  config.revision_id.append(":").append(c.access_key_id);
}

}  // namespace nimbus::lambda
