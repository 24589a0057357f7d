#include <algorithm>
#include <array>
#include <ctime>

#include "services/common/base64.h"
#include "services/lambda/lambda_internal.h"

namespace nimbus::lambda {
namespace {

// The Runtime enum of the model (lambda.json, botocore 1.43).
constexpr std::array<std::string_view, 46> kRuntimes = {
    "nodejs",       "nodejs4.3",    "nodejs6.10",     "nodejs8.10",    "nodejs10.x",
    "nodejs12.x",   "nodejs14.x",   "nodejs16.x",     "java8",         "java8.al2",
    "java11",       "python2.7",    "python3.6",      "python3.7",     "python3.8",
    "python3.9",    "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1",
    "dotnet6",      "dotnet8",      "nodejs4.3-edge", "go1.x",         "ruby2.5",
    "ruby2.7",      "provided",     "provided.al2",   "nodejs18.x",    "python3.10",
    "java17",       "ruby3.2",      "ruby3.3",        "ruby3.4",       "python3.11",
    "nodejs20.x",   "provided.al2023", "python3.12",  "java21",        "python3.13",
    "nodejs22.x",   "nodejs24.x",   "python3.14",     "java25",        "dotnet10",
    "ruby4.0"};

// AWS: runtimes past their "block function create/update" date. go1.x and provided are
// deprecated too, but AWS still accepted them for a long time and the issue runs them.
constexpr std::array<std::string_view, 14> kBlockedRuntimes = {
    "nodejs",     "nodejs4.3",  "nodejs4.3-edge", "nodejs6.10",    "nodejs8.10",
    "nodejs10.x", "nodejs12.x", "python2.7",      "python3.6",     "python3.7",
    "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "ruby2.5"};

}  // namespace

bool KnownRuntime(std::string_view runtime) {
  return std::find(kRuntimes.begin(), kRuntimes.end(), runtime) != kRuntimes.end();
}

bool DeprecatedRuntime(std::string_view runtime) {
  return std::find(kBlockedRuntimes.begin(), kBlockedRuntimes.end(), runtime) !=
         kBlockedRuntimes.end();
}

std::string RuntimeEnumText() {
  std::string out = "[";
  for (size_t i = 0; i < kRuntimes.size(); ++i) {
    out += (i ? ", " : "") + std::string(kRuntimes[i]);
  }
  return out + "]";
}

std::string LambdaTimestamp(int64_t epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%03d+0000", buf, static_cast<int>(epoch_ms % 1000));
  return out;
}

std::optional<Page> Paginate(size_t total, const std::optional<std::string>& marker,
                             int64_t max_items) {
  Page page;
  if (marker && !marker->empty()) {
    auto raw = Base64Decode(*marker);
    if (!raw || raw->empty() || raw->find_first_not_of("0123456789") != std::string::npos ||
        raw->size() > 12) {
      return std::nullopt;
    }
    page.begin = std::min<size_t>(std::stoull(*raw), total);
  }
  page.end = std::min<size_t>(total, page.begin + static_cast<size_t>(max_items));
  if (page.end < total) {
    page.next_marker = Base64Encode(std::to_string(page.end));
  }
  return page;
}

rapidjson::Value FunctionConfigurationJson(Out& out, const FunctionVersion& v,
                                           const std::string& arn) {
  using rapidjson::Value;
  Value o(rapidjson::kObjectType);
  out.SetStr(o, "FunctionName", v.name);
  out.SetStr(o, "FunctionArn", arn);
  if (!v.runtime.empty()) {
    out.SetStr(o, "Runtime", v.runtime);
  }
  out.SetStr(o, "Role", v.role);
  if (!v.handler.empty()) {
    out.SetStr(o, "Handler", v.handler);
  }
  out.Set(o, "CodeSize", Value(v.code.size));
  out.SetStr(o, "Description", v.description);
  out.Set(o, "Timeout", Value(v.timeout));
  out.Set(o, "MemorySize", Value(v.memory_size));
  out.SetStr(o, "LastModified", v.last_modified);
  out.SetStr(o, "CodeSha256", v.code.sha256);
  out.SetStr(o, "Version", v.version);
  if (!v.environment.empty()) {
    Value vars(rapidjson::kObjectType);
    for (const auto& [k, val] : v.environment) {
      vars.AddMember(out.Str(k), out.Str(val), out.a());
    }
    Value env(rapidjson::kObjectType);
    out.Set(env, "Variables", std::move(vars));
    out.Set(o, "Environment", std::move(env));
  }
  Value tracing(rapidjson::kObjectType);
  out.SetStr(tracing, "Mode", v.tracing_mode);
  out.Set(o, "TracingConfig", std::move(tracing));
  out.SetStr(o, "RevisionId", v.revision_id);
  if (!v.layers.empty()) {
    Value layers(rapidjson::kArrayType);
    for (const auto& l : v.layers) {
      Value item(rapidjson::kObjectType);
      out.SetStr(item, "Arn", l.arn);
      out.Set(item, "CodeSize", Value(l.code_size));
      layers.PushBack(std::move(item), out.a());
    }
    out.Set(o, "Layers", std::move(layers));
  }
  out.SetStr(o, "State", v.state);
  if (!v.state_reason.empty()) {
    out.SetStr(o, "StateReason", v.state_reason);
  }
  if (!v.state_reason_code.empty()) {
    out.SetStr(o, "StateReasonCode", v.state_reason_code);
  }
  if (!v.last_update_status.empty()) {
    out.SetStr(o, "LastUpdateStatus", v.last_update_status);
  }
  if (!v.last_update_status_reason.empty()) {
    out.SetStr(o, "LastUpdateStatusReason", v.last_update_status_reason);
  }
  if (!v.last_update_status_reason_code.empty()) {
    out.SetStr(o, "LastUpdateStatusReasonCode", v.last_update_status_reason_code);
  }
  out.SetStr(o, "PackageType", v.package_type);
  out.Set(o, "Architectures", out.StrList(v.architectures));
  Value storage(rapidjson::kObjectType);
  out.Set(storage, "Size", Value(v.ephemeral_storage));
  out.Set(o, "EphemeralStorage", std::move(storage));
  Value snap(rapidjson::kObjectType);
  out.SetStr(snap, "ApplyOn", v.snap_start_apply_on);
  out.SetStr(snap, "OptimizationStatus", "Off");
  out.Set(o, "SnapStart", std::move(snap));
  Value logging(rapidjson::kObjectType);
  out.SetStr(logging, "LogFormat", v.log_format);
  if (v.log_format == "JSON") {
    out.SetStr(logging, "ApplicationLogLevel", v.application_log_level);
    out.SetStr(logging, "SystemLogLevel", v.system_log_level);
  }
  out.SetStr(logging, "LogGroup", v.log_group);
  out.Set(o, "LoggingConfig", std::move(logging));
  if (!v.dead_letter_target_arn.empty()) {
    Value dlq(rapidjson::kObjectType);
    out.SetStr(dlq, "TargetArn", v.dead_letter_target_arn);
    out.Set(o, "DeadLetterConfig", std::move(dlq));
  }
  if (!v.kms_key_arn.empty()) {
    out.SetStr(o, "KMSKeyArn", v.kms_key_arn);
  }
  if (!v.subnet_ids.empty() || !v.security_group_ids.empty()) {
    Value vpc(rapidjson::kObjectType);
    out.Set(vpc, "SubnetIds", out.StrList(v.subnet_ids));
    out.Set(vpc, "SecurityGroupIds", out.StrList(v.security_group_ids));
    out.SetStr(vpc, "VpcId", "");
    out.Set(o, "VpcConfig", std::move(vpc));
  }
  return o;
}

}  // namespace nimbus::lambda
