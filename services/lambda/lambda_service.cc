#include "services/lambda/lambda_service.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_internal.h"

namespace nimbus::lambda {
namespace asio = boost::asio;
using rapidjson::Value;

namespace {

constexpr char kFunctionNamePattern[] =
    "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
    "(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
constexpr char kCreating[] = "The function is being created.";
constexpr int64_t kMaxListItems = 10000;
constexpr size_t kMaxEnvironmentBytes = 4096;
constexpr size_t kMaxLayers = 5;

AwsError BadFunctionName(const std::string& name) {
  return errors::ValidationField(
      name, "functionName",
      std::string("Member must satisfy regular expression pattern: ") + kFunctionNamePattern);
}

AwsError NotForQualified() {
  return errors::InvalidParameterValue(
      "This operation is permitted on Lambda functions only. Aliases and versions do not support "
      "this operation. Please specify either a function name or an unqualified function ARN.");
}

std::optional<AwsError> CheckRange(ParamReader& in, const char* member, const char* field,
                                   int64_t lo, int64_t hi, int64_t& out) {
  auto v = in.OptInt(member);
  if (!v) {
    return std::nullopt;
  }
  if (*v < lo) {
    return errors::ValidationField(std::to_string(*v), field,
                                   "Member must have value greater than or equal to " +
                                       std::to_string(lo));
  }
  if (*v > hi) {
    return errors::ValidationField(std::to_string(*v), field,
                                   "Member must have value less than or equal to " +
                                       std::to_string(hi));
  }
  out = *v;
  return std::nullopt;
}

std::optional<AwsError> CheckEnum(const std::string& value, const char* field,
                                  std::initializer_list<std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
    return std::nullopt;
  }
  std::string set = "[";
  for (auto a : allowed) {
    set += (set.size() > 1 ? ", " : "") + std::string(a);
  }
  return errors::ValidationField(value, field, "Member must satisfy enum value set: " + set + "]");
}

std::string EnvironmentJson(const std::map<std::string, std::string>& env) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  for (const auto& [k, v] : env) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return sb.GetString();
}

// AWS's pattern is [a-zA-Z]([a-zA-Z0-9_])+; one-letter names are accepted here, as LocalStack
// does, since real code uses them.
bool ValidEnvKey(const std::string& key) {
  if (key.empty() || !std::isalpha(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::optional<AwsError> CheckArchitectures(const Value& v, std::vector<std::string>& out) {
  if (!v.IsArray() || v.Size() != 1 || !v[0].IsString()) {
    return errors::ValidationField("[]", "architectures",
                                   "Member must have length less than or equal to 1, Member must "
                                   "have length greater than or equal to 1");
  }
  std::string arch = v[0].GetString();
  if (auto e = CheckEnum(arch, "architectures", {"x86_64", "arm64"})) {
    return e;
  }
  out = {arch};
  return std::nullopt;
}

std::optional<int64_t> MaxItems(ParamReader& in, int64_t hi, AwsError& error) {
  auto max = in.OptInt("MaxItems");
  if (max && (*max < 1 || *max > hi)) {
    error = errors::ValidationField(std::to_string(*max), "maxItems",
                                    *max < 1 ? "Member must have value greater than or equal to 1"
                                             : "Member must have value less than or equal to " +
                                                   std::to_string(hi));
    return std::nullopt;
  }
  return max.value_or(50);
}

}  // namespace

LambdaOptions LambdaOptions::FromEnvironment() {
  LambdaOptions o;
  if (const char* v = std::getenv("LAMBDA_ASYNC_RETRY_BASE_MS"); v != nullptr && *v != '\0') {
    char* end = nullptr;
    long long ms = std::strtoll(v, &end, 10);
    if (end != v && *end == '\0' && ms >= 0) {
      o.async_retry_base = std::chrono::milliseconds(ms);
    } else {
      std::fprintf(stderr, "nimbus: ignoring LAMBDA_ASYNC_RETRY_BASE_MS=%s (not a number)\n", v);
    }
  }
  if (const char* v = std::getenv("PERSISTENCE"); v != nullptr) {
    std::string s(v);
    o.resume_on_start = s == "1" || s == "true" || s == "TRUE" || s == "True" || s == "yes";
  }
  for (const char* name : {"NIMBUS_HOST", "LOCALSTACK_HOST"}) {
    if (const char* h = std::getenv(name); h != nullptr && *h != '\0') {
      o.url_host = h;
      if (o.url_host.find(':') == std::string::npos) {
        o.url_host += ":4566";
      }
      break;
    }
  }
  return o;
}

LambdaService::LambdaService(runtime::Executor& executor, runtime::CodeStore& code_store,
                             LambdaOptions options)
    : executor_(executor), code_store_(code_store), options_(std::move(options)) {}

LambdaService::~LambdaService() = default;

void LambdaService::Register(OperationTable& t) {
  t.Add("AddPermission", this, &LambdaService::AddPermission);
  t.Add("CreateAlias", this, &LambdaService::CreateAlias);
  t.Add("CreateEventSourceMapping", this, &LambdaService::CreateEventSourceMapping);
  t.Add("CreateFunction", this, &LambdaService::CreateFunction);
  t.Add("CreateFunctionUrlConfig", this, &LambdaService::CreateFunctionUrlConfig);
  t.Add("DeleteAlias", this, &LambdaService::DeleteAlias);
  t.Add("DeleteEventSourceMapping", this, &LambdaService::DeleteEventSourceMapping);
  t.Add("DeleteFunction", this, &LambdaService::DeleteFunction);
  t.Add("DeleteFunctionConcurrency", this, &LambdaService::DeleteFunctionConcurrency);
  t.Add("DeleteFunctionEventInvokeConfig", this, &LambdaService::DeleteFunctionEventInvokeConfig);
  t.Add("DeleteFunctionUrlConfig", this, &LambdaService::DeleteFunctionUrlConfig);
  t.Add("DeleteLayerVersion", this, &LambdaService::DeleteLayerVersion);
  t.Add("GetAccountSettings", this, &LambdaService::GetAccountSettings);
  t.Add("GetAlias", this, &LambdaService::GetAlias);
  t.Add("GetEventSourceMapping", this, &LambdaService::GetEventSourceMapping);
  t.Add("GetFunction", this, &LambdaService::GetFunction);
  t.Add("GetFunctionConcurrency", this, &LambdaService::GetFunctionConcurrency);
  t.Add("GetFunctionConfiguration", this, &LambdaService::GetFunctionConfiguration);
  t.Add("GetFunctionEventInvokeConfig", this, &LambdaService::GetFunctionEventInvokeConfig);
  t.Add("GetFunctionUrlConfig", this, &LambdaService::GetFunctionUrlConfig);
  t.Add("GetLayerVersion", this, &LambdaService::GetLayerVersion);
  t.Add("GetLayerVersionByArn", this, &LambdaService::GetLayerVersionByArn);
  t.Add("GetPolicy", this, &LambdaService::GetPolicy);
  t.Add("Invoke", this, &LambdaService::Invoke);
  t.Add("InvokeAsync", this, &LambdaService::InvokeAsync);
  t.Add("ListAliases", this, &LambdaService::ListAliases);
  t.Add("ListEventSourceMappings", this, &LambdaService::ListEventSourceMappings);
  t.Add("ListFunctionEventInvokeConfigs", this, &LambdaService::ListFunctionEventInvokeConfigs);
  t.Add("ListFunctionUrlConfigs", this, &LambdaService::ListFunctionUrlConfigs);
  t.Add("ListFunctions", this, &LambdaService::ListFunctions);
  t.Add("ListLayerVersions", this, &LambdaService::ListLayerVersions);
  t.Add("ListLayers", this, &LambdaService::ListLayers);
  t.Add("ListTags", this, &LambdaService::ListTags);
  t.Add("ListVersionsByFunction", this, &LambdaService::ListVersionsByFunction);
  t.Add("PublishLayerVersion", this, &LambdaService::PublishLayerVersion);
  t.Add("PublishVersion", this, &LambdaService::PublishVersion);
  t.Add("PutFunctionConcurrency", this, &LambdaService::PutFunctionConcurrency);
  t.Add("PutProvisionedConcurrencyConfig", this, &LambdaService::PutProvisionedConcurrencyConfig);
  t.Add("GetProvisionedConcurrencyConfig", this, &LambdaService::GetProvisionedConcurrencyConfig);
  t.Add("ListProvisionedConcurrencyConfigs", this,
        &LambdaService::ListProvisionedConcurrencyConfigs);
  t.Add("DeleteProvisionedConcurrencyConfig", this,
        &LambdaService::DeleteProvisionedConcurrencyConfig);
  t.Add("PutFunctionEventInvokeConfig", this, &LambdaService::PutFunctionEventInvokeConfig);
  t.Add("RemovePermission", this, &LambdaService::RemovePermission);
  t.Add("TagResource", this, &LambdaService::TagResource);
  t.Add("UntagResource", this, &LambdaService::UntagResource);
  t.Add("UpdateAlias", this, &LambdaService::UpdateAlias);
  t.Add("UpdateEventSourceMapping", this, &LambdaService::UpdateEventSourceMapping);
  t.Add("UpdateFunctionCode", this, &LambdaService::UpdateFunctionCode);
  t.Add("UpdateFunctionConfiguration", this, &LambdaService::UpdateFunctionConfiguration);
  t.Add("UpdateFunctionEventInvokeConfig", this, &LambdaService::UpdateFunctionEventInvokeConfig);
  t.Add("UpdateFunctionUrlConfig", this, &LambdaService::UpdateFunctionUrlConfig);
}

void LambdaService::Start(const ServiceEnv& env) {
  // The store opens on first use, so startup touches no database.
  store_.Init([this, open = env.open_database] {
    auto store = std::make_unique<LambdaStore>(open("lambda"));
    // A restart (PERSISTENCE=1) finds functions whose settle timer never fired: settle them.
    for (const auto& fn : store->AllFunctions()) {
      for (auto& v : store->ListVersions(Scope{fn.account, fn.region}, fn.name)) {
        if (v.state == "Pending" || v.last_update_status == "InProgress") {
          SettleNow(v);
          store->PutVersion(v);
        }
      }
    }
    return store;
  });
  clock_ = env.clock;
  strand_ = env.strand;
  client_ = env.client;
  // Only a persistent database can hold mappings and events from an earlier run; without
  // PERSISTENCE startup opens nothing.
  if (options_.resume_on_start && strand_) {
    asio::post(strand_, [this] {
      if (!stopping_) {
        ResumeAfterRestart();
      }
    });
  }
}

void LambdaService::Stop() {
  stopping_ = true;
  for (const auto& t : timers_) {
    t->cancel();
  }
  for (const auto& [uuid, poller] : pollers_) {
    poller->Stop();
  }
  pollers_.clear();
}

void LambdaService::Reset() {
  for (const auto& [uuid, poller] : pollers_) {
    poller->Stop();
  }
  pollers_.clear();
  role_credentials_.clear();  // the sessions are gone with IAM's state
  for (const auto& fn : store_->AllFunctions()) {
    executor_.Retire(FunctionArn(fn.region, fn.account, fn.name));
  }
  store_->db().Reset();
  for (const auto& t : timers_) {
    t->cancel();
  }
  events_.clear();
  ++generation_;
}

std::string LambdaService::Now() const { return LambdaTimestamp(clock_->NowMillis()); }

// ---------------------------------------------------------------------------------------------
// Resolution

Result<Target> LambdaService::ResolveRef(const RequestContext& ctx,
                                         const std::string& function_name,
                                         const std::optional<std::string>& qualifier_param,
                                         QualifierUse use) {
  auto ref = ParseFunctionName(function_name);
  if (!ref) {
    return BadFunctionName(function_name);
  }
  if (qualifier_param && !ValidQualifier(*qualifier_param)) {
    return errors::ValidationField(*qualifier_param, "qualifier",
                                   "Member must satisfy regular expression pattern: "
                                   "(|[a-zA-Z0-9$_-]+)");
  }
  if (ref->qualifier && qualifier_param && *ref->qualifier != *qualifier_param) {
    return errors::InvalidParameterValue(
        "The derived qualifier from the function name does not match the specified qualifier.");
  }
  Scope scope = ctx.scope;
  if (!ref->region.empty() && ref->region != scope.region) {
    return errors::ResourceNotFound("Functions from '" + ref->region +
                                    "' are not reachable in this region ('" + scope.region +
                                    "')");
  }
  if (!ref->account.empty()) {
    scope.account_id = ref->account;
  }
  Target t;
  t.qualifier = ref->qualifier ? *ref->qualifier : qualifier_param.value_or("");
  if (use == QualifierUse::kLatestOnly && !t.qualifier.empty() && t.qualifier != kLatest) {
    return NotForQualified();
  }
  auto fn = store_->FindFunction(scope, ref->name);
  if (!fn) {
    return errors::FunctionNotFound(
        t.qualifier.empty() ? FunctionArn(scope.region, scope.account_id, ref->name)
                            : QualifiedArn(scope.region, scope.account_id, ref->name, t.qualifier));
  }
  t.function = std::move(*fn);
  std::string version = kLatest;
  if (!t.qualifier.empty() && t.qualifier != kLatest) {
    if (IsVersionNumber(t.qualifier)) {
      version = t.qualifier;
    } else {
      t.alias = store_->FindAlias(scope, t.function.name, t.qualifier);
      if (!t.alias) {
        return errors::FunctionNotFound(t.Arn());
      }
      version = t.alias->function_version;
    }
  }
  auto v = store_->FindVersion(scope, t.function.name, version);
  if (!v) {
    return errors::FunctionNotFound(t.Arn());
  }
  t.version = std::move(*v);
  return t;
}

Result<Target> LambdaService::Resolve(const RequestContext& ctx, ParamReader& in,
                                      QualifierUse use) {
  std::string name = in.String("FunctionName");
  auto qualifier = in.OptString("Qualifier");
  if (in.error()) {
    return *in.error();
  }
  return ResolveRef(ctx, name, qualifier, use);
}

Result<Function> LambdaService::ResolveFunction(const RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in, QualifierUse::kLatestOnly);
  if (!t) {
    return t.error();
  }
  return std::move(t->function);
}

// ---------------------------------------------------------------------------------------------
// Configuration and code

std::optional<AwsError> LambdaService::ApplyConfiguration(ParamReader& in, FunctionVersion& v) {
  if (auto runtime = in.OptString("Runtime")) {
    if (!KnownRuntime(*runtime)) {
      // AWS checks the runtime in the service, not in its input validation: this one is an
      // InvalidParameterValueException, and its message has no "1 validation error detected".
      return errors::InvalidParameterValue("Value " + *runtime +
                                           " at 'runtime' failed to satisfy constraint: Member "
                                           "must satisfy enum value set: " +
                                           RuntimeEnumText() + " or be a valid ARN");
    }
    if (DeprecatedRuntime(*runtime)) {
      return errors::InvalidParameterValue(
          "The runtime parameter of " + *runtime +
          " is no longer supported for creating or updating AWS Lambda functions. We recommend "
          "you use a supported runtime while creating or updating functions.");
    }
    v.runtime = *runtime;
  }
  if (auto role = in.OptString("Role")) {
    if (!ValidRoleArn(*role)) {
      return errors::ValidationField(*role, "role",
                                     "Member must satisfy regular expression pattern: "
                                     "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?"
                                     "[a-zA-Z_0-9+=,.@\\-_/]+");
    }
    v.role = *role;
  }
  if (auto handler = in.OptString("Handler")) {
    if (handler->size() > 128) {
      return errors::ValidationField(*handler, "handler",
                                     "Member must have length less than or equal to 128");
    }
    if (!handler->empty() && handler->find_first_of(" \t\r\n") != std::string::npos) {
      return errors::ValidationField(*handler, "handler",
                                     "Member must satisfy regular expression pattern: [^\\s]+");
    }
    v.handler = *handler;
  }
  if (auto description = in.OptString("Description")) {
    if (description->size() > 256) {
      return errors::ValidationField(*description, "description",
                                     "Member must have length less than or equal to 256");
    }
    v.description = *description;
  }
  if (auto e = CheckRange(in, "Timeout", "timeout", 1, 900, v.timeout)) {
    return e;
  }
  if (auto e = CheckRange(in, "MemorySize", "memorySize", 128, 10240, v.memory_size)) {
    return e;
  }
  if (const Value* env = in.Value("Environment")) {
    std::map<std::string, std::string> vars;
    if (env->IsObject()) {
      if (auto it = env->FindMember("Variables"); it != env->MemberEnd() && it->value.IsObject()) {
        for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
          std::string key(m->name.GetString(), m->name.GetStringLength());
          if (!ValidEnvKey(key)) {
            return errors::ValidationField(
                key, "environment.variables",
                "Map keys must satisfy constraint: [Member must satisfy regular expression "
                "pattern: [a-zA-Z]([a-zA-Z0-9_])+]");
          }
          vars[key] = m->value.IsString()
                          ? std::string(m->value.GetString(), m->value.GetStringLength())
                          : std::string();
        }
      }
    }
    std::string measured = EnvironmentJson(vars);
    if (measured.size() > kMaxEnvironmentBytes) {
      return errors::InvalidParameterValue(
          "Lambda was unable to configure your environment variables because the environment "
          "variables you have provided exceeded the 4KB limit. String measured: " + measured);
    }
    v.environment = std::move(vars);
  }
  if (const Value* tracing = in.Value("TracingConfig")) {
    ParamReader t(*tracing);
    if (auto mode = t.OptString("Mode")) {
      if (auto e = CheckEnum(*mode, "tracingConfig.mode", {"Active", "PassThrough"})) {
        return e;
      }
      v.tracing_mode = *mode;
    }
  }
  if (const Value* storage = in.Value("EphemeralStorage")) {
    ParamReader s(*storage);
    if (auto e = CheckRange(s, "Size", "ephemeralStorage.size", 512, 10240, v.ephemeral_storage)) {
      return e;
    }
  }
  if (const Value* snap = in.Value("SnapStart")) {
    ParamReader s(*snap);
    if (auto apply = s.OptString("ApplyOn")) {
      if (auto e = CheckEnum(*apply, "snapStart.applyOn", {"PublishedVersions", "None"})) {
        return e;
      }
      v.snap_start_apply_on = *apply;
    }
  }
  if (const Value* logging = in.Value("LoggingConfig")) {
    ParamReader l(*logging);
    if (auto format = l.OptString("LogFormat")) {
      if (auto e = CheckEnum(*format, "loggingConfig.logFormat", {"JSON", "Text"})) {
        return e;
      }
      v.log_format = *format;
    }
    if (auto group = l.OptString("LogGroup")) {
      if (group->empty() || group->size() > 512) {
        return errors::ValidationField(*group, "loggingConfig.logGroup",
                                       "Member must have length less than or equal to 512");
      }
      v.log_group = *group;
    }
    if (auto level = l.OptString("ApplicationLogLevel")) {
      if (auto e = CheckEnum(*level, "loggingConfig.applicationLogLevel",
                             {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"})) {
        return e;
      }
      v.application_log_level = *level;
    }
    if (auto level = l.OptString("SystemLogLevel")) {
      if (auto e = CheckEnum(*level, "loggingConfig.systemLogLevel", {"DEBUG", "INFO", "WARN"})) {
        return e;
      }
      v.system_log_level = *level;
    }
  }
  // AWS: the JSON log format defaults both levels to INFO.
  if (v.log_format == "JSON") {
    if (v.application_log_level.empty()) {
      v.application_log_level = "INFO";
    }
    if (v.system_log_level.empty()) {
      v.system_log_level = "INFO";
    }
  }
  if (const Value* dlq = in.Value("DeadLetterConfig")) {
    ParamReader d(*dlq);
    v.dead_letter_target_arn = d.String("TargetArn");
  }
  if (auto kms = in.OptString("KMSKeyArn")) {
    v.kms_key_arn = *kms;
  }
  if (const Value* vpc = in.Value("VpcConfig")) {
    v.subnet_ids.clear();
    v.security_group_ids.clear();
    for (auto [key, list] : {std::pair{"SubnetIds", &v.subnet_ids},
                             std::pair{"SecurityGroupIds", &v.security_group_ids}}) {
      if (auto it = vpc->FindMember(key); it != vpc->MemberEnd() && it->value.IsArray()) {
        for (const auto& s : it->value.GetArray()) {
          if (s.IsString()) {
            list->emplace_back(s.GetString(), s.GetStringLength());
          }
        }
      }
    }
  }
  if (const Value* layers = in.Value("Layers")) {
    auto resolved = ResolveLayers(*layers);
    if (!resolved) {
      return resolved.error();
    }
    v.layers = std::move(*resolved);
  }
  if (in.error()) {
    return *in.error();
  }
  return std::nullopt;
}

Result<std::vector<LayerRef>> LambdaService::ResolveLayers(const Value& arns) {
  std::vector<LayerRef> out;
  if (!arns.IsArray()) {
    return out;
  }
  if (arns.Size() > kMaxLayers) {
    return errors::InvalidParameterValue("Cannot reference more than 5 layers.");
  }
  std::set<std::string> names;
  for (const auto& item : arns.GetArray()) {
    std::string arn = item.IsString() ? std::string(item.GetString(), item.GetStringLength()) : "";
    auto parts = ParseLayerArn(arn);
    if (!parts || !parts->version) {
      return errors::ValidationField(
          arn, "layers",
          "Member must satisfy regular expression pattern: "
          "(arn:[a-zA-Z0-9-]+:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:"
          "[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)");
    }
    if (!names.insert(parts->account + ":" + parts->region + ":" + parts->name).second) {
      return errors::InvalidParameterValue(
          "Two different versions of the same layer are not allowed to be referenced in the same "
          "function. " + arn + " references multiple versions of the same layer.");
    }
    auto layer = store_->FindLayerVersion(Scope{parts->account, parts->region}, parts->name,
                                          *parts->version);
    if (!layer) {
      return errors::InvalidParameterValue("Layer version " + arn + " does not exist.");
    }
    out.push_back(LayerRef{arn, layer->code.size, layer->code.dir});
  }
  return out;
}

Result<CodeRef> LambdaService::ReadCode(const Value& code, const std::string& operation) {
  ParamReader in(code);
  auto zip = in.OptString("ZipFile");
  auto bucket = in.OptString("S3Bucket");
  auto key = in.OptString("S3Key");
  auto image = in.OptString("ImageUri");
  if (in.error()) {
    return *in.error();
  }
  if (image) {
    return errors::InvalidParameterValue(
        "Container image functions are not supported: Nimbus runs .zip packages (ZipFile, or "
        "S3Bucket=\"hot-reload\" with a local folder as S3Key).");
  }
  if (zip && (bucket || key)) {
    return errors::InvalidParameterValue(
        "Please do not provide other FunctionCode parameters when providing a ZipFile.");
  }
  if (zip) {
    auto stored = code_store_.Put(*zip);
    if (!stored) {
      return stored.error();
    }
    return CodeRef{stored->sha256_base64, stored->size, stored->dir, false};
  }
  if (bucket && *bucket == kHotReloadBucket) {
    // LocalStack's hot reload: the "key" is a folder on this machine, used as the code as is.
    if (!key || key->empty() || key->front() != '/') {
      return errors::InvalidParameterValue(
          "When using hot reloading, the archive key has to be an absolute path! Your archive "
          "key: " + key.value_or(""));
    }
    return CodeRef{kHotReloadSha, 0, *key, true};
  }
  if (bucket || key) {
    return errors::InvalidParameterValue(
        "Error occurred while " + operation + ": S3 code locations are not supported by Nimbus "
        "(there is no S3 here). Upload the package as ZipFile, or use S3Bucket=\"hot-reload\" "
        "with an absolute folder path as S3Key.");
  }
  return errors::InvalidParameterValue("Please provide a source for function code.");
}

void LambdaService::MarkUpdated(FunctionVersion& v) {
  v.last_modified = Now();
  v.revision_id = NewUuid();
  v.last_update_status = "InProgress";
  v.last_update_status_reason = kCreating;
  v.last_update_status_reason_code = "Creating";
}

void LambdaService::SettleNow(FunctionVersion& v) {
  if (v.state == "Pending") {
    v.state = "Active";
    v.state_reason.clear();
    v.state_reason_code.clear();
    v.last_update_status = "Successful";
  }
  if (v.last_update_status == "InProgress") {
    v.last_update_status = "Successful";
  }
  if (v.last_update_status == "Successful") {
    v.last_update_status_reason.clear();
    v.last_update_status_reason_code.clear();
  }
}

void LambdaService::Settle(const Scope& scope, const std::string& name,
                           const std::string& version) {
  auto v = store_->FindVersion(scope, name, version);
  if (!v || (v->state != "Pending" && v->last_update_status != "InProgress")) {
    return;
  }
  SettleNow(*v);
  store_->PutVersion(*v);
}

void LambdaService::ScheduleSettle(const FunctionVersion& v) {
  if (!strand_) {
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(strand_, options_.settle_delay);
  timers_.insert(timer);
  Scope scope{v.account, v.region};
  timer->async_wait([this, timer, scope, name = v.name, version = v.version,
                     generation = generation_](const boost::system::error_code& ec) {
    timers_.erase(timer);
    if (ec || stopping_ || generation != generation_) {
      return;
    }
    Settle(scope, name, version);
  });
}

FunctionVersion LambdaService::Publish(Function& fn, const FunctionVersion& latest,
                                       const std::optional<std::string>& description) {
  // AWS: publishing an unchanged $LATEST returns the version already published from it.
  if (fn.last_version > 0 && fn.published_revision == latest.revision_id) {
    if (auto existing = store_->FindVersion(Scope{fn.account, fn.region}, fn.name,
                                            std::to_string(fn.last_version))) {
      return *existing;
    }
  }
  FunctionVersion v = latest;
  v.version = std::to_string(++fn.last_version);
  v.revision_id = NewUuid();
  v.last_modified = Now();
  if (description) {
    v.description = *description;
  }
  bool pending = latest.state == "Pending";
  v.state = pending ? "Pending" : "Active";
  v.state_reason = pending ? kCreating : "";
  v.state_reason_code = pending ? "Creating" : "";
  v.last_update_status = pending ? "" : "Successful";
  v.last_update_status_reason.clear();
  v.last_update_status_reason_code.clear();
  fn.published_revision = latest.revision_id;
  storage::Database::Transaction tx(store_->db());
  store_->PutFunction(fn);
  store_->PutVersion(v);
  tx.Commit();
  if (pending) {
    ScheduleSettle(v);
  }
  return v;
}

std::string LambdaService::CodeLocation(const RequestContext& ctx, const CodeRef& code) const {
  if (code.hot_reload) {
    return {};
  }
  std::string id = code.sha256;
  std::replace(id.begin(), id.end(), '+', '-');
  std::replace(id.begin(), id.end(), '/', '_');
  id.erase(std::remove(id.begin(), id.end(), '='), id.end());
  std::string host = ctx.host.empty() ? "localhost:4566" : ctx.host;
  return "http://" + host + "/_nimbus/lambda/code/" + id + ".zip";
}

Result<Output> LambdaService::FunctionOutput(const RequestContext& ctx, const Target& t,
                                             bool full) {
  Out out;
  Value config = FunctionConfigurationJson(out, t.version, t.Arn());
  if (!full) {
    static_cast<Value&>(out.doc()).Swap(config);
    return out.Take();
  }
  out.Set("Configuration", std::move(config));
  Value code(rapidjson::kObjectType);
  out.SetStr(code, "RepositoryType", "S3");
  if (auto location = CodeLocation(ctx, t.version.code); !location.empty()) {
    out.SetStr(code, "Location", location);
  }
  out.Set("Code", std::move(code));
  if (!t.function.tags.empty()) {
    Value tags(rapidjson::kObjectType);
    for (const auto& [k, v] : t.function.tags) {
      tags.AddMember(out.Str(k), out.Str(v), out.a());
    }
    out.Set("Tags", std::move(tags));
  }
  if (t.function.reserved_concurrency) {
    Value c(rapidjson::kObjectType);
    out.Set(c, "ReservedConcurrentExecutions", Value(*t.function.reserved_concurrency));
    out.Set("Concurrency", std::move(c));
  }
  return out.Take();
}

// ---------------------------------------------------------------------------------------------
// Functions

Result<Output> LambdaService::CreateFunction(RequestContext& ctx, ParamReader& in) {
  std::string function_name = in.String("FunctionName");
  auto ref = ParseFunctionName(function_name);
  if (!ref || ref->qualifier || !ValidFunctionName(ref->name)) {
    return BadFunctionName(function_name);
  }
  Scope scope = ctx.scope;
  if (!ref->region.empty() && ref->region != scope.region) {
    return errors::InvalidParameterValue("Functions from '" + ref->region +
                                         "' are not reachable in this region ('" + scope.region +
                                         "')");
  }
  if (!ref->account.empty()) {
    scope.account_id = ref->account;
  }
  if (store_->FindFunction(scope, ref->name)) {
    return errors::ResourceConflict("Function already exist: " + ref->name);
  }
  FunctionVersion v;
  v.account = scope.account_id;
  v.region = scope.region;
  v.name = ref->name;
  v.log_group = "/aws/lambda/" + ref->name;
  if (auto package = in.OptString("PackageType")) {
    if (auto e = CheckEnum(*package, "packageType", {"Zip", "Image"})) {
      return *e;
    }
    if (*package == "Image") {
      return errors::InvalidParameterValue(
          "Container image functions are not supported: Nimbus runs .zip packages.");
    }
  }
  if (const Value* archs = in.Value("Architectures")) {
    if (auto e = CheckArchitectures(*archs, v.architectures)) {
      return *e;
    }
  }
  if (auto e = ApplyConfiguration(in, v)) {
    return *e;
  }
  bool provided = v.runtime.rfind("provided", 0) == 0;
  if (v.runtime.empty() || (v.handler.empty() && !provided)) {
    return errors::InvalidParameterValue(
        "Runtime and Handler are mandatory parameters for functions created with deployment "
        "packages.");
  }
  Function fn;
  fn.account = scope.account_id;
  fn.region = scope.region;
  fn.name = ref->name;
  if (const Value* tags = in.Value("Tags"); tags != nullptr && tags->IsObject()) {
    for (auto m = tags->MemberBegin(); m != tags->MemberEnd(); ++m) {
      fn.tags[m->name.GetString()] = m->value.IsString() ? m->value.GetString() : "";
    }
    if (fn.tags.size() > 50) {
      return errors::InvalidParameterValue("Number of tags exceeds resource tag limit.");
    }
  }
  bool publish = in.Bool("Publish");
  if (in.error()) {
    return *in.error();
  }
  const Value* code_value = in.Value("Code");
  if (code_value == nullptr || !code_value->IsObject()) {
    return errors::InvalidParameterValue("Please provide a source for function code.");
  }
  auto code = ReadCode(*code_value, "calling the CreateFunction operation");
  if (!code) {
    return code.error();
  }
  v.code = std::move(*code);
  v.last_modified = Now();
  v.revision_id = NewUuid();
  v.state = "Pending";
  v.state_reason = kCreating;
  v.state_reason_code = "Creating";
  {
    storage::Database::Transaction tx(store_->db());
    store_->PutFunction(fn);
    store_->PutVersion(v);
    tx.Commit();
  }
  ScheduleSettle(v);
  Target t{fn, "", std::nullopt, v};
  if (publish) {
    t.version = Publish(t.function, v, std::nullopt);
    t.qualifier = t.version.version;
  }
  return FunctionOutput(ctx, t, false);
}

Result<Output> LambdaService::GetFunction(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  return FunctionOutput(ctx, *t, true);
}

Result<Output> LambdaService::GetFunctionConfiguration(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  return FunctionOutput(ctx, *t, false);
}

Result<Output> LambdaService::ListFunctions(RequestContext& ctx, ParamReader& in) {
  auto version_filter = in.OptString("FunctionVersion");
  auto marker = in.OptString("Marker");
  AwsError error;
  auto max = MaxItems(in, kMaxListItems, error);
  if (!max) {
    return error;
  }
  if (in.error()) {
    return *in.error();
  }
  if (version_filter) {
    if (auto e = CheckEnum(*version_filter, "functionVersion", {"ALL"})) {
      return *e;
    }
  }
  bool all = version_filter.has_value();
  std::vector<std::pair<FunctionVersion, std::string>> items;
  for (const auto& fn : store_->ListFunctions(ctx.scope)) {
    if (all) {
      for (auto& v : store_->ListVersions(ctx.scope, fn.name)) {
        std::string arn = QualifiedArn(fn.region, fn.account, fn.name, v.version);
        items.emplace_back(std::move(v), std::move(arn));
      }
    } else if (auto v = store_->FindVersion(ctx.scope, fn.name, kLatest)) {
      items.emplace_back(std::move(*v), FunctionArn(fn.region, fn.account, fn.name));
    }
  }
  auto page = Paginate(items.size(), marker, *max);
  if (!page) {
    return errors::InvalidParameterValue("Invalid marker: " + marker.value_or(""));
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    list.PushBack(FunctionConfigurationJson(out, items[i].first, items[i].second), out.a());
  }
  out.Set("Functions", std::move(list));
  if (page->next_marker) {
    out.SetStr("NextMarker", *page->next_marker);
  }
  return out.Take();
}

Result<Output> LambdaService::UpdateFunctionCode(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in, QualifierUse::kLatestOnly);
  if (!t) {
    return t.error();
  }
  auto revision = in.OptString("RevisionId");
  bool publish = in.Bool("Publish");
  bool dry_run = in.Bool("DryRun");
  if (in.error()) {
    return *in.error();
  }
  if (revision && *revision != t->version.revision_id) {
    return errors::PreconditionFailed();
  }
  FunctionVersion v = t->version;
  if (const Value* archs = in.Value("Architectures")) {
    if (auto e = CheckArchitectures(*archs, v.architectures)) {
      return *e;
    }
  }
  auto code = ReadCode(in.params(), "calling the UpdateFunctionCode operation");
  if (!code) {
    return code.error();
  }
  v.code = std::move(*code);
  t->qualifier.clear();
  if (dry_run) {
    t->version = std::move(v);
    return FunctionOutput(ctx, *t, false);
  }
  MarkUpdated(v);
  store_->PutVersion(v);
  ScheduleSettle(v);
  t->version = v;
  if (publish) {
    t->version = Publish(t->function, v, std::nullopt);
    t->qualifier = t->version.version;
  }
  return FunctionOutput(ctx, *t, false);
}

Result<Output> LambdaService::UpdateFunctionConfiguration(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in, QualifierUse::kLatestOnly);
  if (!t) {
    return t.error();
  }
  auto revision = in.OptString("RevisionId");
  if (in.error()) {
    return *in.error();
  }
  if (revision && *revision != t->version.revision_id) {
    return errors::PreconditionFailed();
  }
  FunctionVersion v = t->version;
  if (auto e = ApplyConfiguration(in, v)) {
    return *e;
  }
  MarkUpdated(v);
  store_->PutVersion(v);
  ScheduleSettle(v);
  t->version = std::move(v);
  t->qualifier.clear();
  return FunctionOutput(ctx, *t, false);
}

Result<Output> LambdaService::DeleteFunction(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  Scope scope = t->scope();
  Out out;
  out.Set("StatusCode", Value(204));
  if (t->qualifier.empty()) {
    store_->DeleteFunction(scope, t->function.name);
    executor_.Retire(t->UnqualifiedArn());
    return out.Take();
  }
  if (t->qualifier == kLatest) {
    return errors::InvalidParameterValue(
        "$LATEST version cannot be deleted without deleting the function.");
  }
  if (t->alias) {
    return errors::InvalidParameterValue("Deletion of aliases is not supported.");
  }
  std::vector<std::string> referencing;
  for (const auto& a : store_->ListAliases(scope, t->function.name)) {
    if (a.function_version == t->qualifier || a.additional_weights.count(t->qualifier) > 0) {
      referencing.push_back(a.name);
    }
  }
  if (!referencing.empty()) {
    std::string names;
    for (const auto& n : referencing) {
      names += (names.empty() ? "" : ", ") + n;
    }
    return errors::ResourceConflict(
        "Unable to delete version because the following aliases reference it: [" + names + "]");
  }
  storage::Database::Transaction tx(store_->db());
  store_->DeleteVersion(scope, t->function.name, t->qualifier);
  store_->DeletePolicy(scope, t->function.name, t->qualifier);
  store_->DeleteInvokeConfig(scope, t->function.name, t->qualifier);
  bool provisioned = store_->FindProvisioned(scope, t->function.name, t->qualifier).has_value();
  store_->DeleteProvisioned(scope, t->function.name, t->qualifier);
  tx.Commit();
  if (provisioned) {
    asio::co_spawn(strand_, Unprovision(BuildRuntimeConfig(t->function, t->version)),
                   asio::detached);
  }
  return out.Take();
}

// ---------------------------------------------------------------------------------------------
// Versions

Result<Output> LambdaService::PublishVersion(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in, QualifierUse::kLatestOnly);
  if (!t) {
    return t.error();
  }
  auto sha = in.OptString("CodeSha256");
  auto revision = in.OptString("RevisionId");
  auto description = in.OptString("Description");
  if (in.error()) {
    return *in.error();
  }
  if (sha && *sha != t->version.code.sha256) {
    return errors::InvalidParameterValue(
        "CodeSHA256 (" + *sha + ") is different from current CodeSHA256 in $LATEST (" +
        t->version.code.sha256 + "). Please try again with the CodeSHA256 in $LATEST.");
  }
  if (revision && *revision != t->version.revision_id) {
    return errors::PreconditionFailed();
  }
  if (description && description->size() > 256) {
    return errors::ValidationField(*description, "description",
                                   "Member must have length less than or equal to 256");
  }
  t->version = Publish(t->function, t->version, description);
  t->qualifier = t->version.version;
  return FunctionOutput(ctx, *t, false);
}

Result<Output> LambdaService::ListVersionsByFunction(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  auto marker = in.OptString("Marker");
  AwsError error;
  auto max = MaxItems(in, kMaxListItems, error);
  if (!max) {
    return error;
  }
  auto versions = store_->ListVersions(Scope{fn->account, fn->region}, fn->name);
  auto page = Paginate(versions.size(), marker, *max);
  if (!page) {
    return errors::InvalidParameterValue("Invalid marker: " + marker.value_or(""));
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    const auto& v = versions[i];
    list.PushBack(FunctionConfigurationJson(out, v, QualifiedArn(fn->region, fn->account,
                                                                 fn->name, v.version)),
                  out.a());
  }
  out.Set("Versions", std::move(list));
  if (page->next_marker) {
    out.SetStr("NextMarker", *page->next_marker);
  }
  return out.Take();
}

// ---------------------------------------------------------------------------------------------
// Aliases

namespace {

Value AliasJson(Out& out, const Alias& a) {
  Value o(rapidjson::kObjectType);
  out.SetStr(o, "AliasArn", QualifiedArn(a.region, a.account, a.function, a.name));
  out.SetStr(o, "Name", a.name);
  out.SetStr(o, "FunctionVersion", a.function_version);
  out.SetStr(o, "Description", a.description);
  out.SetStr(o, "RevisionId", a.revision_id);
  if (!a.additional_weights.empty()) {
    Value weights(rapidjson::kObjectType);
    for (const auto& [version, weight] : a.additional_weights) {
      weights.AddMember(out.Str(version), Value(weight), out.a());
    }
    Value routing(rapidjson::kObjectType);
    out.Set(routing, "AdditionalVersionWeights", std::move(weights));
    out.Set(o, "RoutingConfig", std::move(routing));
  }
  return o;
}

Output AliasOutput(const Alias& a) {
  Out out;
  Value v = AliasJson(out, a);
  static_cast<Value&>(out.doc()).Swap(v);
  return out.Take();
}

// Checks the alias's primary version and RoutingConfig (when given) and stores them in `alias`.
std::optional<AwsError> ApplyAliasVersions(LambdaStore& store, const Function& fn,
                                                  Alias& alias, const Value* routing) {
  Scope scope{fn.account, fn.region};
  if (alias.function_version != kLatest &&
      (!IsVersionNumber(alias.function_version) ||
       !store.FindVersion(scope, fn.name, alias.function_version))) {
    return errors::FunctionNotFound(
        QualifiedArn(fn.region, fn.account, fn.name, alias.function_version));
  }
  if (routing != nullptr) {
    alias.additional_weights.clear();
    if (auto it = routing->FindMember("AdditionalVersionWeights");
        it != routing->MemberEnd() && it->value.IsObject()) {
      const Value& weights = it->value;
      if (weights.MemberCount() > 1) {
        return errors::InvalidParameterValue(
            "Number of items in AdditionalVersionWeights cannot be greater than 1");
      }
      for (auto m = weights.MemberBegin(); m != weights.MemberEnd(); ++m) {
        std::string version = m->name.GetString();
        double weight = m->value.IsNumber() ? m->value.GetDouble() : -1;
        if (weight < 0 || weight > 1) {
          return errors::ValidationField(
              m->value.IsNumber() ? std::to_string(weight) : "",
              "routingConfig.additionalVersionWeights",
              "Map value must satisfy constraint: [Member must have value less than or equal to "
              "1.0, Member must have value greater than or equal to 0.0]");
        }
        if (!IsVersionNumber(version)) {
          return errors::InvalidParameterValue("Invalid function version " + version +
                                               ". Function version " + version +
                                               " is not a published version.");
        }
        if (!store.FindVersion(scope, fn.name, version)) {
          return errors::FunctionNotFound(QualifiedArn(fn.region, fn.account, fn.name, version));
        }
        if (version == alias.function_version) {
          return errors::InvalidParameterValue(
              "Invalid function version " + version + ". Function version " + version +
              " is already included in routing configuration.");
        }
        alias.additional_weights[version] = weight;
      }
    }
  }
  if (!alias.additional_weights.empty() && alias.function_version == kLatest) {
    return errors::InvalidParameterValue(
        "$LATEST is not supported for an alias pointing to more than 1 version");
  }
  return std::nullopt;
}

}  // namespace

Result<Output> LambdaService::CreateAlias(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  Alias alias;
  alias.account = fn->account;
  alias.region = fn->region;
  alias.function = fn->name;
  alias.name = in.String("Name");
  alias.function_version = in.String("FunctionVersion");
  alias.description = in.String("Description");
  if (in.error()) {
    return *in.error();
  }
  if (!ValidAliasName(alias.name)) {
    return errors::ValidationField(alias.name, "name",
                                   "Member must satisfy regular expression pattern: "
                                   "(?!^[0-9]+$)([a-zA-Z0-9-_]+)");
  }
  if (alias.description.size() > 256) {
    return errors::ValidationField(alias.description, "description",
                                   "Member must have length less than or equal to 256");
  }
  Scope scope{fn->account, fn->region};
  if (store_->FindAlias(scope, fn->name, alias.name)) {
    return errors::ResourceConflict("Alias already exists: " +
                                    QualifiedArn(fn->region, fn->account, fn->name, alias.name));
  }
  if (auto e = ApplyAliasVersions(*store_, *fn, alias, in.Value("RoutingConfig"))) {
    return *e;
  }
  alias.revision_id = NewUuid();
  store_->PutAlias(alias);
  return AliasOutput(alias);
}

Result<Output> LambdaService::GetAlias(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  std::string name = in.String("Name");
  auto alias = store_->FindAlias(Scope{fn->account, fn->region}, fn->name, name);
  if (!alias) {
    return errors::ResourceNotFound("Cannot find alias arn: " +
                                    QualifiedArn(fn->region, fn->account, fn->name, name));
  }
  return AliasOutput(*alias);
}

Result<Output> LambdaService::UpdateAlias(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  std::string name = in.String("Name");
  auto version = in.OptString("FunctionVersion");
  auto description = in.OptString("Description");
  auto revision = in.OptString("RevisionId");
  if (in.error()) {
    return *in.error();
  }
  auto alias = store_->FindAlias(Scope{fn->account, fn->region}, fn->name, name);
  if (!alias) {
    return errors::ResourceNotFound("Cannot find alias arn: " +
                                    QualifiedArn(fn->region, fn->account, fn->name, name));
  }
  if (revision && *revision != alias->revision_id) {
    return errors::PreconditionFailed();
  }
  if (version) {
    alias->function_version = *version;
  }
  if (description) {
    if (description->size() > 256) {
      return errors::ValidationField(*description, "description",
                                     "Member must have length less than or equal to 256");
    }
    alias->description = *description;
  }
  if (auto e = ApplyAliasVersions(*store_, *fn, *alias, in.Value("RoutingConfig"))) {
    return *e;
  }
  alias->revision_id = NewUuid();
  store_->PutAlias(*alias);
  if (store_->FindProvisioned(Scope{fn->account, fn->region}, fn->name, name)) {
    // The alias's provisioned environments move to the version it names now.
    asio::co_spawn(strand_, SyncProvisionedLater(Scope{fn->account, fn->region}, fn->name),
                   asio::detached);
  }
  return AliasOutput(*alias);
}

Result<Output> LambdaService::DeleteAlias(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  std::string name = in.String("Name");
  // AWS: deleting an alias that does not exist succeeds.
  Scope scope{fn->account, fn->region};
  bool provisioned = store_->FindProvisioned(scope, fn->name, name).has_value();
  store_->DeleteAlias(scope, fn->name, name);  // and its provisioned concurrency config
  store_->DeleteInvokeConfig(scope, fn->name, name);
  if (provisioned) {
    asio::co_spawn(strand_, SyncProvisionedLater(scope, fn->name), asio::detached);
  }
  return EmptyOutput();
}

Result<Output> LambdaService::ListAliases(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  auto version = in.OptString("FunctionVersion");
  auto marker = in.OptString("Marker");
  AwsError error;
  auto max = MaxItems(in, kMaxListItems, error);
  if (!max) {
    return error;
  }
  std::vector<Alias> aliases;
  for (auto& a : store_->ListAliases(Scope{fn->account, fn->region}, fn->name)) {
    if (!version || a.function_version == *version || a.additional_weights.count(*version) > 0) {
      aliases.push_back(std::move(a));
    }
  }
  auto page = Paginate(aliases.size(), marker, *max);
  if (!page) {
    return errors::InvalidParameterValue("Invalid marker: " + marker.value_or(""));
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    list.PushBack(AliasJson(out, aliases[i]), out.a());
  }
  out.Set("Aliases", std::move(list));
  if (page->next_marker) {
    out.SetStr("NextMarker", *page->next_marker);
  }
  return out.Take();
}

}  // namespace nimbus::lambda
