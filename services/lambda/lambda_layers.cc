// LambdaService: layers and function URL configs.

#include <algorithm>
#include <random>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_internal.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
using rapidjson::Value;

namespace {

constexpr int64_t kMaxLayerListItems = 50;

AwsError BadLayerName(const std::string& name) {
  return errors::ValidationField(
      name, "layerName",
      "Member must satisfy regular expression pattern: "
      "(arn:[a-zA-Z0-9-]+:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:"
      "[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+");
}

// LayerName is a name or a layer ARN; the ARN's account and region name the scope.
Result<std::pair<Scope, std::string>> ResolveLayerName(const RequestContext& ctx,
                                                       const std::string& text) {
  if (text.rfind("arn:", 0) == 0) {
    auto parts = ParseLayerArn(text);
    if (!parts || parts->version) {
      return BadLayerName(text);
    }
    return std::pair{Scope{parts->account, parts->region}, parts->name};
  }
  if (!ValidLayerName(text)) {
    return BadLayerName(text);
  }
  return std::pair{ctx.scope, text};
}

bool Matches(const LayerVersion& l, const std::optional<std::string>& runtime,
             const std::optional<std::string>& arch) {
  auto has = [](const std::vector<std::string>& list, const std::string& v) {
    return std::find(list.begin(), list.end(), v) != list.end();
  };
  return (!runtime || has(l.compatible_runtimes, *runtime)) &&
         (!arch || has(l.compatible_architectures, *arch));
}

std::string ToJson(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

std::string NewUrlId() {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out(32, 'a');
  for (auto& c : out) {
    c = kChars[rng() % 36];
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Layers

namespace {

Value LayerVersionItemJson(Out& out, const LayerVersion& l) {
  Value o(rapidjson::kObjectType);
  out.SetStr(o, "LayerVersionArn", LayerVersionArn(l.region, l.account, l.name, l.version));
  out.Set(o, "Version", Value(l.version));
  out.SetStr(o, "Description", l.description);
  out.SetStr(o, "CreatedDate", l.created_date);
  if (!l.compatible_runtimes.empty()) {
    out.Set(o, "CompatibleRuntimes", out.StrList(l.compatible_runtimes));
  }
  if (!l.license_info.empty()) {
    out.SetStr(o, "LicenseInfo", l.license_info);
  }
  if (!l.compatible_architectures.empty()) {
    out.Set(o, "CompatibleArchitectures", out.StrList(l.compatible_architectures));
  }
  return o;
}

Output LayerVersionOutput(const LayerVersion& l, const std::string& location) {
  Out out;
  Value content(rapidjson::kObjectType);
  out.SetStr(content, "Location", location);
  out.SetStr(content, "CodeSha256", l.code.sha256);
  out.Set(content, "CodeSize", Value(l.code.size));
  out.Set("Content", std::move(content));
  out.SetStr("LayerArn", LayerArn(l.region, l.account, l.name));
  Value item = LayerVersionItemJson(out, l);
  for (auto m = item.MemberBegin(); m != item.MemberEnd(); ++m) {
    out.doc().AddMember(m->name, m->value, out.a());
  }
  return out.Take();
}

}  // namespace

Result<Output> LambdaService::PublishLayerVersion(RequestContext& ctx, ParamReader& in) {
  auto name = ResolveLayerName(ctx, in.String("LayerName"));
  if (!name) {
    return name.error();
  }
  LayerVersion l;
  l.account = name->first.account_id;
  l.region = name->first.region;
  l.name = name->second;
  l.description = in.String("Description");
  l.license_info = in.String("LicenseInfo");
  if (in.error()) {
    return *in.error();
  }
  if (l.description.size() > 256) {
    return errors::ValidationField(l.description, "description",
                                   "Member must have length less than or equal to 256");
  }
  if (l.license_info.size() > 512) {
    return errors::ValidationField(l.license_info, "licenseInfo",
                                   "Member must have length less than or equal to 512");
  }
  if (const Value* runtimes = in.Value("CompatibleRuntimes"); runtimes && runtimes->IsArray()) {
    if (runtimes->Size() > 15) {
      return errors::ValidationField("[...]", "compatibleRuntimes",
                                     "Member must have length less than or equal to 15");
    }
    for (const auto& r : runtimes->GetArray()) {
      std::string runtime = r.IsString() ? r.GetString() : "";
      if (!KnownRuntime(runtime)) {
        return errors::ValidationField(runtime, "compatibleRuntimes",
                                       "Member must satisfy enum value set: " + RuntimeEnumText());
      }
      l.compatible_runtimes.push_back(runtime);
    }
  }
  if (const Value* archs = in.Value("CompatibleArchitectures"); archs && archs->IsArray()) {
    if (archs->Size() > 2) {
      return errors::ValidationField("[...]", "compatibleArchitectures",
                                     "Member must have length less than or equal to 2");
    }
    for (const auto& a : archs->GetArray()) {
      std::string arch = a.IsString() ? a.GetString() : "";
      if (arch != "x86_64" && arch != "arm64") {
        return errors::ValidationField(arch, "compatibleArchitectures",
                                       "Member must satisfy enum value set: [x86_64, arm64]");
      }
      l.compatible_architectures.push_back(arch);
    }
  }
  const Value* content = in.Value("Content");
  ParamReader c(content != nullptr ? *content : in.params());
  auto zip = content != nullptr ? c.OptString("ZipFile") : std::nullopt;
  if (c.error()) {
    return *c.error();
  }
  if (!zip) {
    if (content != nullptr && (c.Has("S3Bucket") || c.Has("S3Key"))) {
      return errors::InvalidParameterValue(
          "S3 layer content is not supported by Nimbus (there is no S3 here). Upload the layer "
          "as Content.ZipFile.");
    }
    return errors::InvalidParameterValue("Please provide a source for the layer content.");
  }
  auto stored = code_store_.Put(*zip);
  if (!stored) {
    return stored.error();
  }
  l.code = CodeRef{stored->sha256_base64, stored->size, stored->dir, false};
  l.version = store_->NextLayerVersion(name->first, l.name);
  l.created_date = Now();
  store_->PutLayerVersion(l);
  return LayerVersionOutput(l, CodeLocation(ctx, l.code));
}

Result<Output> LambdaService::GetLayerVersion(RequestContext& ctx, ParamReader& in) {
  auto name = ResolveLayerName(ctx, in.String("LayerName"));
  if (!name) {
    return name.error();
  }
  int64_t version = in.Int("VersionNumber");
  if (in.error()) {
    return *in.error();
  }
  auto l = store_->FindLayerVersion(name->first, name->second, version);
  if (!l) {
    return errors::ResourceDoesNotExist();
  }
  return LayerVersionOutput(*l, CodeLocation(ctx, l->code));
}

Result<Output> LambdaService::GetLayerVersionByArn(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("Arn");
  auto parts = ParseLayerArn(arn);
  if (!parts || !parts->version) {
    return errors::ValidationField(
        arn, "arn",
        "Member must satisfy regular expression pattern: "
        "(arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:"
        "[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)");
  }
  auto l = store_->FindLayerVersion(Scope{parts->account, parts->region}, parts->name,
                                    *parts->version);
  if (!l) {
    return errors::ResourceDoesNotExist();
  }
  return LayerVersionOutput(*l, CodeLocation(ctx, l->code));
}

Result<Output> LambdaService::ListLayers(RequestContext& ctx, ParamReader& in) {
  auto runtime = in.OptString("CompatibleRuntime");
  auto arch = in.OptString("CompatibleArchitecture");
  auto marker = in.OptString("Marker");
  auto max = in.OptInt("MaxItems").value_or(kMaxLayerListItems);
  if (in.error()) {
    return *in.error();
  }
  if (max < 1 || max > kMaxLayerListItems) {
    return errors::ValidationField(std::to_string(max), "maxItems",
                                   "Member must have value less than or equal to 50");
  }
  std::vector<LayerVersion> latest;
  for (const auto& name : store_->ListLayerNames(ctx.scope)) {
    for (auto& l : store_->ListLayerVersions(ctx.scope, name)) {
      if (Matches(l, runtime, arch)) {
        latest.push_back(std::move(l));
        break;
      }
    }
  }
  auto page = Paginate(latest.size(), marker, max);
  if (!page) {
    return errors::InvalidParameterValue("Invalid marker: " + marker.value_or(""));
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    const auto& l = latest[i];
    Value item(rapidjson::kObjectType);
    out.SetStr(item, "LayerName", l.name);
    out.SetStr(item, "LayerArn", LayerArn(l.region, l.account, l.name));
    out.Set(item, "LatestMatchingVersion", LayerVersionItemJson(out, l));
    list.PushBack(std::move(item), out.a());
  }
  out.Set("Layers", std::move(list));
  if (page->next_marker) {
    out.SetStr("NextMarker", *page->next_marker);
  }
  return out.Take();
}

Result<Output> LambdaService::ListLayerVersions(RequestContext& ctx, ParamReader& in) {
  auto name = ResolveLayerName(ctx, in.String("LayerName"));
  if (!name) {
    return name.error();
  }
  auto runtime = in.OptString("CompatibleRuntime");
  auto arch = in.OptString("CompatibleArchitecture");
  auto marker = in.OptString("Marker");
  auto max = in.OptInt("MaxItems").value_or(kMaxLayerListItems);
  if (in.error()) {
    return *in.error();
  }
  if (max < 1 || max > kMaxLayerListItems) {
    return errors::ValidationField(std::to_string(max), "maxItems",
                                   "Member must have value less than or equal to 50");
  }
  std::vector<LayerVersion> versions;
  for (auto& l : store_->ListLayerVersions(name->first, name->second)) {
    if (Matches(l, runtime, arch)) {
      versions.push_back(std::move(l));
    }
  }
  auto page = Paginate(versions.size(), marker, max);
  if (!page) {
    return errors::InvalidParameterValue("Invalid marker: " + marker.value_or(""));
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    list.PushBack(LayerVersionItemJson(out, versions[i]), out.a());
  }
  out.Set("LayerVersions", std::move(list));
  if (page->next_marker) {
    out.SetStr("NextMarker", *page->next_marker);
  }
  return out.Take();
}

Result<Output> LambdaService::DeleteLayerVersion(RequestContext& ctx, ParamReader& in) {
  auto name = ResolveLayerName(ctx, in.String("LayerName"));
  if (!name) {
    return name.error();
  }
  int64_t version = in.Int("VersionNumber");
  if (in.error()) {
    return *in.error();
  }
  // AWS: deleting a missing layer version succeeds; functions using it keep their copy.
  store_->DeleteLayerVersion(name->first, name->second, version);
  return EmptyOutput();
}

// ---------------------------------------------------------------------------------------------
// Function URL configs

std::string LambdaService::UrlOf(const RequestContext& ctx, const UrlConfig& u) const {
  std::string host = options_.url_host;
  if (host.empty()) {
    std::string port = "4566";
    if (auto colon = ctx.host.rfind(':');
        colon != std::string::npos && ctx.host.find(']', colon) == std::string::npos) {
      port = ctx.host.substr(colon + 1);
    }
    host = "localhost.localstack.cloud:" + port;
  }
  return "http://" + u.url_id + ".lambda-url." + u.region + "." + host + "/";
}

namespace {

// The qualifier a URL config is stored under: "" for the function itself ($LATEST included),
// else an alias name.
std::optional<AwsError> UrlQualifier(const Target& t, std::string& out) {
  if (t.qualifier.empty() || t.qualifier == kLatest) {
    out.clear();
    return std::nullopt;
  }
  if (!t.alias) {
    return errors::ValidationField(t.qualifier, "qualifier",
                                   "Member must satisfy regular expression pattern: "
                                   "((?!^\\d+$)^[0-9a-zA-Z-_]+$)");
  }
  out = t.qualifier;
  return std::nullopt;
}

std::optional<AwsError> ApplyUrlSettings(ParamReader& in, UrlConfig& u) {
  if (auto auth = in.OptString("AuthType")) {
    if (*auth != "NONE" && *auth != "AWS_IAM") {
      return errors::ValidationField(*auth, "authType",
                                     "Member must satisfy enum value set: [NONE, AWS_IAM]");
    }
    u.auth_type = *auth;
  }
  if (auto mode = in.OptString("InvokeMode")) {
    if (*mode != "BUFFERED" && *mode != "RESPONSE_STREAM") {
      return errors::ValidationField(*mode, "invokeMode",
                                     "Member must satisfy enum value set: [BUFFERED, "
                                     "RESPONSE_STREAM]");
    }
    u.invoke_mode = *mode;
  }
  if (const Value* cors = in.Value("Cors"); cors != nullptr && cors->IsObject()) {
    u.cors_json = ToJson(*cors);
  }
  if (in.error()) {
    return *in.error();
  }
  return std::nullopt;
}

Value UrlConfigJson(Out& out, const UrlConfig& u, const std::string& url, bool modified) {
  Value o(rapidjson::kObjectType);
  out.SetStr(o, "FunctionUrl", url);
  out.SetStr(o, "FunctionArn",
             u.qualifier.empty() ? FunctionArn(u.region, u.account, u.function)
                                 : QualifiedArn(u.region, u.account, u.function, u.qualifier));
  out.SetStr(o, "AuthType", u.auth_type);
  if (!u.cors_json.empty()) {
    rapidjson::Document cors;
    cors.Parse(u.cors_json.c_str(), u.cors_json.size());
    if (cors.IsObject()) {
      out.Set(o, "Cors", out.Copy(cors));
    }
  }
  out.SetStr(o, "CreationTime", u.creation_time);
  if (modified) {
    out.SetStr(o, "LastModifiedTime", u.last_modified_time);
  }
  out.SetStr(o, "InvokeMode", u.invoke_mode);
  return o;
}

Output UrlConfigOutput(const UrlConfig& u, const std::string& url, bool modified) {
  Out out;
  Value v = UrlConfigJson(out, u, url, modified);
  static_cast<Value&>(out.doc()).Swap(v);
  return out.Take();
}

}  // namespace

std::optional<FunctionUrlTarget> LambdaService::FindFunctionUrl(const std::string& url_id) {
  auto u = store_->FindUrlConfigById(url_id);
  if (!u) {
    return std::nullopt;
  }
  return FunctionUrlTarget{Scope{u->account, u->region}, u->function, u->qualifier,
                           u->auth_type, u->invoke_mode, u->cors_json};
}

Result<Output> LambdaService::CreateFunctionUrlConfig(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  std::string qualifier;
  if (auto e = UrlQualifier(*t, qualifier)) {
    return *e;
  }
  UrlConfig u;
  u.account = t->function.account;
  u.region = t->function.region;
  u.function = t->function.name;
  u.qualifier = qualifier;
  if (auto e = ApplyUrlSettings(in, u)) {
    return *e;
  }
  if (u.auth_type.empty()) {
    return errors::ValidationField("null", "authType", "Member must not be null");
  }
  if (store_->FindUrlConfig(t->scope(), u.function, u.qualifier)) {
    std::string arn = u.qualifier.empty() ? t->UnqualifiedArn()
                                          : QualifiedArn(u.region, u.account, u.function,
                                                         u.qualifier);
    return errors::ResourceConflict("Failed to create function url config for [functionArn = " +
                                    arn + "]. Error message:  FunctionUrlConfig exists for this "
                                          "Lambda function");
  }
  do {
    u.url_id = NewUrlId();
  } while (store_->FindUrlConfigById(u.url_id));
  u.creation_time = Now();
  u.last_modified_time = u.creation_time;
  store_->PutUrlConfig(u);
  return UrlConfigOutput(u, UrlOf(ctx, u), false);
}

Result<Output> LambdaService::GetFunctionUrlConfig(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  std::string qualifier;
  if (auto e = UrlQualifier(*t, qualifier)) {
    return *e;
  }
  auto u = store_->FindUrlConfig(t->scope(), t->function.name, qualifier);
  if (!u) {
    return errors::ResourceDoesNotExist();
  }
  return UrlConfigOutput(*u, UrlOf(ctx, *u), true);
}

Result<Output> LambdaService::UpdateFunctionUrlConfig(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  std::string qualifier;
  if (auto e = UrlQualifier(*t, qualifier)) {
    return *e;
  }
  auto u = store_->FindUrlConfig(t->scope(), t->function.name, qualifier);
  if (!u) {
    return errors::ResourceDoesNotExist();
  }
  if (auto e = ApplyUrlSettings(in, *u)) {
    return *e;
  }
  u->last_modified_time = Now();
  store_->PutUrlConfig(*u);
  return UrlConfigOutput(*u, UrlOf(ctx, *u), true);
}

Result<Output> LambdaService::DeleteFunctionUrlConfig(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  std::string qualifier;
  if (auto e = UrlQualifier(*t, qualifier)) {
    return *e;
  }
  if (!store_->FindUrlConfig(t->scope(), t->function.name, qualifier)) {
    return errors::ResourceDoesNotExist();
  }
  store_->DeleteUrlConfig(t->scope(), t->function.name, qualifier);
  return EmptyOutput();
}

Result<Output> LambdaService::ListFunctionUrlConfigs(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  auto marker = in.OptString("Marker");
  auto max = in.OptInt("MaxItems").value_or(50);
  if (in.error()) {
    return *in.error();
  }
  if (max < 1 || max > 50) {
    return errors::ValidationField(std::to_string(max), "maxItems",
                                   "Member must have value less than or equal to 50");
  }
  auto configs = store_->ListUrlConfigs(Scope{fn->account, fn->region}, fn->name);
  auto page = Paginate(configs.size(), marker, max);
  if (!page) {
    return errors::InvalidParameterValue("Invalid marker: " + marker.value_or(""));
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    list.PushBack(UrlConfigJson(out, configs[i], UrlOf(ctx, configs[i]), true), out.a());
  }
  out.Set("FunctionUrlConfigs", std::move(list));
  if (page->next_marker) {
    out.SetStr("NextMarker", *page->next_marker);
  }
  return out.Take();
}

}  // namespace nimbus::lambda
