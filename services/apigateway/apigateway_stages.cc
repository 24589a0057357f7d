// Deployments, stages, models, request validators, authorizers and gateway responses: the
// child collections of a REST API, keyed by id (or name).
#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/apigateway_internal.h"
#include "services/apigateway/apigateway_service.h"
#include "services/apigateway/gateway_response_defaults.h"

namespace nimbus::apigateway {
using internal::Copy;
using internal::Empty;
using json::Str;
using rapidjson::Value;

// ---- Generic child collections ------------------------------------------------------------------

Result<Output> ApiGatewayService::ListChildren(const RequestContext& ctx, ParamReader& in,
                                               const char* kind, bool paged) {
  auto api = Api(ctx, in.String("restApiId"));
  if (!api) {
    return api.error();
  }
  const Value& map = (**api)[kind];
  if (!paged) {
    return internal::Items(map, internal::Keys(map), "", "item");
  }
  auto page = json::Paginate(internal::Keys(map), in.String("position"), in.Int("limit", 25));
  return internal::Items(map, page.ids, page.next);
}

Result<Output> ApiGatewayService::GetChild(const RequestContext& ctx, ParamReader& in,
                                           const char* kind, const char* id_param,
                                           AwsError not_found) {
  auto api = Api(ctx, in.String("restApiId"));
  if (!api) {
    return api.error();
  }
  const Value* v = json::Get((**api)[kind], in.String(id_param));
  if (v == nullptr) {
    return not_found;
  }
  return Copy(*v);
}

Result<Output> ApiGatewayService::UpdateChild(const RequestContext& ctx, ParamReader& in,
                                              const char* kind, const char* id_param,
                                              AwsError not_found) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  Value& map = (**api)[kind];
  auto it = map.FindMember(in.String(id_param).c_str());
  if (it == map.MemberEnd()) {
    return not_found;
  }
  if (auto err = json::ApplyPatch(it->value, in.Value("patchOperations"),
                                  (*api)->GetAllocator())) {
    return *err;
  }
  Save(ctx, api_id);
  return Copy(it->value);
}

Result<Output> ApiGatewayService::DeleteChild(const RequestContext& ctx, ParamReader& in,
                                              const char* kind, const char* id_param,
                                              AwsError not_found) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  if (!(**api)[kind].RemoveMember(in.String(id_param).c_str())) {
    return not_found;
  }
  Save(ctx, api_id);
  return Empty();
}

// ---- Deployments --------------------------------------------------------------------------------

namespace {

// AWS refuses to deploy an API without methods, or with a method without integration.
std::optional<AwsError> CheckDeployable(const Value& resources) {
  bool any = false;
  for (auto it = resources.MemberBegin(); it != resources.MemberEnd(); ++it) {
    const Value* methods = json::Get(it->value, "resourceMethods");
    if (methods == nullptr || !methods->IsObject()) {
      continue;
    }
    for (auto m = methods->MemberBegin(); m != methods->MemberEnd(); ++m) {
      any = true;
      if (json::Get(m->value, "methodIntegration") == nullptr) {
        return errors::BadRequest("No integration defined for method");
      }
    }
  }
  if (!any) {
    return errors::BadRequest("The REST API doesn't contain any methods");
  }
  return std::nullopt;
}

Value NewStage(const std::string& name, const std::string& deployment, double now,
               json::Alloc& a) {
  Value s(rapidjson::kObjectType);
  s.AddMember("stageName", Str(name, a), a);
  s.AddMember("deploymentId", Str(deployment, a), a);
  s.AddMember("cacheClusterEnabled", false, a);
  s.AddMember("cacheClusterStatus", "NOT_AVAILABLE", a);
  s.AddMember("methodSettings", Value(rapidjson::kObjectType), a);
  s.AddMember("tracingEnabled", false, a);
  s.AddMember("createdDate", Value(now), a);
  s.AddMember("lastUpdatedDate", Value(now), a);
  return s;
}

}  // namespace

Result<Output> ApiGatewayService::CreateDeployment(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  rapidjson::Document& doc = **api;
  auto& a = doc.GetAllocator();
  if (auto err = CheckDeployable(doc["resources"])) {
    return *err;
  }
  std::string id = json::NewId();
  Value d(rapidjson::kObjectType);
  d.AddMember("id", Str(id, a), a);
  json::CopyMembers(in.params(), d, {"description"}, a);
  d.AddMember("createdDate", Value(Now()), a);
  // apiSummary: path → method → {authorizationType, apiKeyRequired}
  Value summary(rapidjson::kObjectType);
  const Value& resources = doc["resources"];
  for (auto it = resources.MemberBegin(); it != resources.MemberEnd(); ++it) {
    const Value* methods = json::Get(it->value, "resourceMethods");
    if (methods == nullptr || !methods->IsObject() || methods->MemberCount() == 0) {
      continue;
    }
    Value per(rapidjson::kObjectType);
    for (auto m = methods->MemberBegin(); m != methods->MemberEnd(); ++m) {
      Value snap(rapidjson::kObjectType);
      snap.AddMember("authorizationType", Str(json::GetStr(m->value, "authorizationType"), a), a);
      snap.AddMember("apiKeyRequired", json::GetBool(m->value, "apiKeyRequired"), a);
      per.AddMember(Value(m->name, a), snap, a);
    }
    summary.AddMember(Str(json::GetStr(it->value, "path"), a), per, a);
  }
  d.AddMember("apiSummary", summary, a);
  doc["deployments"].AddMember(Str(id, a), d, a);
  // The frozen copy the stages pointing at this deployment serve.
  Value snapshot(rapidjson::kObjectType);
  for (const char* kind : {"restApi", "resources", "authorizers", "requestValidators", "models",
                           "gatewayResponses"}) {
    snapshot.AddMember(Str(kind, a), Value(doc[kind], a), a);
  }
  doc["snapshots"].AddMember(Str(id, a), snapshot, a);
  std::string stage = in.String("stageName");
  if (!stage.empty()) {
    Value& stages = doc["stages"];
    auto it = stages.FindMember(stage.c_str());
    if (it == stages.MemberEnd()) {
      stages.AddMember(Str(stage, a), NewStage(stage, id, Now(), a), a);
      it = stages.FindMember(stage.c_str());
    }
    json::SetStr(it->value, "deploymentId", id, a);
    json::Set(it->value, "lastUpdatedDate", Value(Now()), a);
    if (in.Has("stageDescription")) {
      json::SetStr(it->value, "description", in.String("stageDescription"), a);
    }
    if (const Value* vars = in.Value("variables"); vars != nullptr && vars->IsObject()) {
      Value& target = json::Child(it->value, "variables", a);
      for (auto v = vars->MemberBegin(); v != vars->MemberEnd(); ++v) {
        json::Set(target, v->name.GetString(), Value(v->value, a), a);
      }
    }
    if (in.Has("tracingEnabled")) {
      json::Set(it->value, "tracingEnabled", Value(in.Bool("tracingEnabled")), a);
    }
  }
  Save(ctx, api_id);
  Output out = Copy(doc["deployments"][id.c_str()]);
  out.RemoveMember("apiSummary");  // AWS: only GetDeployment with embed=apisummary shows it
  return out;
}

Result<Output> ApiGatewayService::GetDeployment(RequestContext& ctx, ParamReader& in) {
  auto out = GetChild(ctx, in, "deployments", "deploymentId", errors::InvalidDeployment());
  if (out) {
    bool embed = false;
    if (const Value* e = in.Value("embed"); e != nullptr && e->IsArray()) {
      for (const auto& item : e->GetArray()) {
        embed = embed || (item.IsString() && std::string_view(item.GetString()) == "apisummary");
      }
    }
    if (!embed) {
      out->RemoveMember("apiSummary");
    }
  }
  return out;
}

Result<Output> ApiGatewayService::GetDeployments(RequestContext& ctx, ParamReader& in) {
  auto out = ListChildren(ctx, in, "deployments", true);
  if (out) {
    for (auto& d : (*out)["items"].GetArray()) {
      d.RemoveMember("apiSummary");
    }
  }
  return out;
}

Result<Output> ApiGatewayService::UpdateDeployment(RequestContext& ctx, ParamReader& in) {
  return UpdateChild(ctx, in, "deployments", "deploymentId", errors::InvalidDeployment());
}

Result<Output> ApiGatewayService::DeleteDeployment(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string id = in.String("deploymentId");
  if (json::Get((**api)["deployments"], id) == nullptr) {
    return errors::InvalidDeployment();
  }
  const Value& stages = (**api)["stages"];
  for (auto it = stages.MemberBegin(); it != stages.MemberEnd(); ++it) {
    if (json::GetStr(it->value, "deploymentId") == id) {
      return errors::BadRequest(
          "Active stages pointing to this deployment must be moved or deleted");
    }
  }
  (**api)["deployments"].RemoveMember(id.c_str());
  (**api)["snapshots"].RemoveMember(id.c_str());
  Save(ctx, api_id);
  return Empty();
}

// ---- Stages -------------------------------------------------------------------------------------

Result<Output> ApiGatewayService::CreateStage(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string name = in.String("stageName");
  std::string deployment = in.String("deploymentId");
  if (json::Get((**api)["deployments"], deployment) == nullptr) {
    return errors::BadRequest("Invalid deployment identifier specified");
  }
  Value& stages = (**api)["stages"];
  if (json::Get(stages, name) != nullptr) {
    return errors::Conflict("Stage already exists");
  }
  Value s = NewStage(name, deployment, Now(), a);
  json::CopyMembers(in.params(), s,
                    {"description", "cacheClusterEnabled", "cacheClusterSize", "variables",
                     "documentationVersion", "canarySettings", "tracingEnabled", "tags"},
                    a);
  stages.AddMember(Str(name, a), s, a);
  Save(ctx, api_id);
  return Copy(stages[name.c_str()]);
}

Result<Output> ApiGatewayService::GetStage(RequestContext& ctx, ParamReader& in) {
  return GetChild(ctx, in, "stages", "stageName", errors::InvalidStage());
}

Result<Output> ApiGatewayService::GetStages(RequestContext& ctx, ParamReader& in) {
  auto out = ListChildren(ctx, in, "stages", false);
  std::string deployment = in.String("deploymentId");
  if (out && !deployment.empty()) {
    auto& items = (*out)["item"];
    for (auto it = items.Begin(); it != items.End();) {
      it = json::GetStr(*it, "deploymentId") == deployment ? it + 1 : items.Erase(it);
    }
  }
  return out;
}

namespace {

// AWS stage patch paths for method settings: /{resource path, ~1-escaped}/{method}/{group}/{name}
// ("/*/*/logging/loglevel"), stored under methodSettings["<path>/<method>"].
std::optional<AwsError> PatchMethodSetting(Value& stage, const Value& op, json::Alloc& a) {
  static const std::map<std::string, std::pair<const char*, char>> kSettings = {
      {"metrics/enabled", {"metricsEnabled", 'b'}},
      {"logging/loglevel", {"loggingLevel", 's'}},
      {"logging/dataTrace", {"dataTraceEnabled", 'b'}},
      {"throttling/burstLimit", {"throttlingBurstLimit", 'i'}},
      {"throttling/rateLimit", {"throttlingRateLimit", 'd'}},
      {"caching/enabled", {"cachingEnabled", 'b'}},
      {"caching/ttlInSeconds", {"cacheTtlInSeconds", 'i'}},
      {"caching/dataEncrypted", {"cacheDataEncrypted", 'b'}},
      {"caching/requireAuthorizationForCacheControl", {"requireAuthorizationForCacheControl", 'b'}},
      {"caching/unauthorizedCacheControlHeaderStrategy",
       {"unauthorizedCacheControlHeaderStrategy", 's'}}};
  std::string path = json::GetStr(op, "path");
  auto segs = PathSegments(path);
  if (segs.size() != 4) {
    return errors::BadRequest("Invalid method setting path: " + path);
  }
  std::string key = json::Unescape(segs[0]) + "/" + segs[1];
  if (key.front() == '/') {
    key.erase(0, 1);
  }
  auto found = kSettings.find(segs[2] + "/" + segs[3]);
  if (found == kSettings.end()) {
    return errors::BadRequest("Invalid method setting path: " + path);
  }
  Value& settings = json::Child(json::Child(stage, "methodSettings", a), key, a);
  std::string value = json::GetStr(op, "value");
  if (json::GetStr(op, "op") == "remove") {
    json::Remove(settings, found->second.first);
    return std::nullopt;
  }
  switch (found->second.second) {
    case 'b':
      json::Set(settings, found->second.first, Value(value == "true"), a);
      break;
    case 'i':
      json::Set(settings, found->second.first, Value(static_cast<int64_t>(std::atoll(value.c_str()))), a);
      break;
    case 'd':
      json::Set(settings, found->second.first, Value(std::atof(value.c_str())), a);
      break;
    default:
      json::SetStr(settings, found->second.first, value, a);
  }
  return std::nullopt;
}

}  // namespace

Result<Output> ApiGatewayService::UpdateStage(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  Value& stages = (**api)["stages"];
  auto it = stages.FindMember(in.String("stageName").c_str());
  if (it == stages.MemberEnd()) {
    return errors::InvalidStage();
  }
  // Method settings have their own path grammar; the rest is a plain patch.
  Value plain(rapidjson::kArrayType);
  if (const Value* ops = in.Value("patchOperations"); ops != nullptr && ops->IsArray()) {
    for (const auto& op : ops->GetArray()) {
      auto segs = PathSegments(json::GetStr(op, "path"));
      bool top_level = segs.size() < 3 || segs[0] == "variables" ||
                       segs[0] == "accessLogSettings" || segs[0] == "canarySettings";
      if (top_level) {
        plain.PushBack(Value(op, a), a);
      } else if (auto err = PatchMethodSetting(it->value, op, a)) {
        return *err;
      }
    }
  }
  if (auto err = json::ApplyPatch(it->value, &plain, a)) {
    return *err;
  }
  if (json::Get((**api)["deployments"], json::GetStr(it->value, "deploymentId")) == nullptr) {
    return errors::BadRequest("Invalid deployment identifier specified");
  }
  json::Set(it->value, "lastUpdatedDate", Value(Now()), a);
  Save(ctx, api_id);
  return Copy(it->value);
}

Result<Output> ApiGatewayService::DeleteStage(RequestContext& ctx, ParamReader& in) {
  return DeleteChild(ctx, in, "stages", "stageName", errors::InvalidStage());
}

Result<Output> ApiGatewayService::FlushStageAuthorizersCache(RequestContext& ctx,
                                                             ParamReader& in) {
  auto stage = GetStage(ctx, in);
  if (!stage) {
    return stage.error();
  }
  std::string prefix = in.String("restApiId") + '\x1f' + in.String("stageName") + '\x1f';
  for (auto it = authorizations_.lower_bound(prefix);
       it != authorizations_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = authorizations_.erase(it);
  }
  return Empty();
}

Result<Output> ApiGatewayService::FlushStageCache(RequestContext& ctx, ParamReader& in) {
  auto stage = GetStage(ctx, in);
  if (!stage) {
    return stage.error();
  }
  return Empty();
}

// ---- Models -------------------------------------------------------------------------------------

Result<Output> ApiGatewayService::CreateModel(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string name = in.String("name");
  bool alnum = !name.empty();
  for (char c : name) {
    alnum = alnum && std::isalnum(static_cast<unsigned char>(c));
  }
  if (!alnum) {
    return errors::BadRequest("Model name must be non-empty and alphanumeric");
  }
  Value& models = (**api)["models"];
  if (json::Get(models, name) != nullptr) {
    return errors::Conflict("Model name already exists for this REST API");
  }
  Value m(rapidjson::kObjectType);
  m.AddMember("id", Str(json::NewId(), a), a);
  json::CopyMembers(in.params(), m, {"name", "description", "schema", "contentType"}, a);
  models.AddMember(Str(name, a), m, a);
  Save(ctx, api_id);
  return Copy(models[name.c_str()]);
}

Result<Output> ApiGatewayService::GetModel(RequestContext& ctx, ParamReader& in) {
  return GetChild(ctx, in, "models", "modelName", errors::InvalidModel());
}
Result<Output> ApiGatewayService::GetModels(RequestContext& ctx, ParamReader& in) {
  return ListChildren(ctx, in, "models", true);
}
Result<Output> ApiGatewayService::UpdateModel(RequestContext& ctx, ParamReader& in) {
  return UpdateChild(ctx, in, "models", "modelName", errors::InvalidModel());
}
Result<Output> ApiGatewayService::DeleteModel(RequestContext& ctx, ParamReader& in) {
  return DeleteChild(ctx, in, "models", "modelName", errors::InvalidModel());
}

Result<Output> ApiGatewayService::GetModelTemplate(RequestContext& ctx, ParamReader& in) {
  auto model = GetModel(ctx, in);
  if (!model) {
    return model.error();
  }
  // A template that echoes the model's top-level properties from the input.
  std::string value = "#set($inputRoot = $input.path('$'))\n{\n";
  if (auto schema = json::Parse(json::GetStr(*model, "schema"))) {
    if (const Value* props = json::Get(*schema, "properties"); props && props->IsObject()) {
      bool first = true;
      for (auto it = props->MemberBegin(); it != props->MemberEnd(); ++it) {
        std::string name = it->name.GetString();
        value += std::string(first ? "" : ",\n") + "  \"" + name + "\" : \"$inputRoot." + name +
                 "\"";
        first = false;
      }
    }
  }
  value += "\n}";
  Output out;
  out.SetObject();
  out.AddMember("value", Str(value, out.GetAllocator()), out.GetAllocator());
  return out;
}

// ---- Request validators -------------------------------------------------------------------------

Result<Output> ApiGatewayService::CreateRequestValidator(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string id = json::NewId(6);
  Value v(rapidjson::kObjectType);
  v.AddMember("id", Str(id, a), a);
  json::CopyMembers(in.params(), v, {"name"}, a);
  v.AddMember("validateRequestBody", in.Bool("validateRequestBody"), a);
  v.AddMember("validateRequestParameters", in.Bool("validateRequestParameters"), a);
  (**api)["requestValidators"].AddMember(Str(id, a), v, a);
  Save(ctx, api_id);
  return Copy((**api)["requestValidators"][id.c_str()]);
}

Result<Output> ApiGatewayService::GetRequestValidator(RequestContext& ctx, ParamReader& in) {
  return GetChild(ctx, in, "requestValidators", "requestValidatorId",
                  errors::NotFound("Invalid Request Validator identifier specified"));
}
Result<Output> ApiGatewayService::GetRequestValidators(RequestContext& ctx, ParamReader& in) {
  return ListChildren(ctx, in, "requestValidators", true);
}
Result<Output> ApiGatewayService::UpdateRequestValidator(RequestContext& ctx, ParamReader& in) {
  return UpdateChild(ctx, in, "requestValidators", "requestValidatorId",
                     errors::NotFound("Invalid Request Validator identifier specified"));
}
Result<Output> ApiGatewayService::DeleteRequestValidator(RequestContext& ctx, ParamReader& in) {
  return DeleteChild(ctx, in, "requestValidators", "requestValidatorId",
                     errors::NotFound("Invalid Request Validator identifier specified"));
}

// ---- Authorizers --------------------------------------------------------------------------------

Result<Output> ApiGatewayService::CreateAuthorizer(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string type = in.String("type");
  if (type != "TOKEN" && type != "REQUEST" && type != "COGNITO_USER_POOLS") {
    return errors::BadRequest("Invalid authorizer type specified. Valid values are TOKEN, "
                              "REQUEST, COGNITO_USER_POOLS");
  }
  if (type != "COGNITO_USER_POOLS" && in.String("authorizerUri").empty()) {
    return errors::BadRequest("Authorizer URI must be specified for " + type + " authorizers");
  }
  if (type == "TOKEN" && in.String("identitySource").empty()) {
    return errors::BadRequest("Identity source must be specified for TOKEN authorizers");
  }
  std::string id = json::NewId(6);
  Value v(rapidjson::kObjectType);
  v.AddMember("id", Str(id, a), a);
  json::CopyMembers(in.params(), v,
                    {"name", "type", "providerARNs", "authType", "authorizerUri",
                     "authorizerCredentials", "identitySource", "identityValidationExpression"},
                    a);
  v.AddMember("authorizerResultTtlInSeconds",
              Value(in.Int("authorizerResultTtlInSeconds", 300)), a);
  (**api)["authorizers"].AddMember(Str(id, a), v, a);
  Save(ctx, api_id);
  return Copy((**api)["authorizers"][id.c_str()]);
}

Result<Output> ApiGatewayService::GetAuthorizer(RequestContext& ctx, ParamReader& in) {
  return GetChild(ctx, in, "authorizers", "authorizerId",
                  errors::NotFound("Invalid Authorizer identifier specified"));
}
Result<Output> ApiGatewayService::GetAuthorizers(RequestContext& ctx, ParamReader& in) {
  return ListChildren(ctx, in, "authorizers", true);
}
Result<Output> ApiGatewayService::UpdateAuthorizer(RequestContext& ctx, ParamReader& in) {
  return UpdateChild(ctx, in, "authorizers", "authorizerId",
                     errors::NotFound("Invalid Authorizer identifier specified"));
}
Result<Output> ApiGatewayService::DeleteAuthorizer(RequestContext& ctx, ParamReader& in) {
  return DeleteChild(ctx, in, "authorizers", "authorizerId",
                     errors::NotFound("Invalid Authorizer identifier specified"));
}

// ---- Gateway responses --------------------------------------------------------------------------

Result<Output> ApiGatewayService::PutGatewayResponse(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string type = in.String("responseType");
  Value v(rapidjson::kObjectType);
  v.AddMember("responseType", Str(type, a), a);
  json::CopyMembers(in.params(), v, {"statusCode", "responseParameters", "responseTemplates"}, a);
  v.AddMember("defaultResponse", false, a);
  json::Set((**api)["gatewayResponses"], type, std::move(v), a);
  Save(ctx, api_id);
  return Copy((**api)["gatewayResponses"][type.c_str()]);
}

Result<Output> ApiGatewayService::GetGatewayResponse(RequestContext& ctx, ParamReader& in) {
  auto api = Api(ctx, in.String("restApiId"));
  if (!api) {
    return api.error();
  }
  std::string type = in.String("responseType");
  if (const Value* v = json::Get((**api)["gatewayResponses"], type)) {
    return Copy(*v);
  }
  Output out;
  Value v = DefaultGatewayResponse(type, out.GetAllocator());
  if (v.IsNull()) {
    return errors::NotFound("Invalid Gateway Response identifier specified");
  }
  out.CopyFrom(v, out.GetAllocator());
  return out;
}
Result<Output> ApiGatewayService::GetGatewayResponses(RequestContext& ctx, ParamReader& in) {
  // Every response type: the API's own where it put one, else AWS's default.
  auto api = Api(ctx, in.String("restApiId"));
  if (!api) {
    return api.error();
  }
  const Value& own = (**api)["gatewayResponses"];
  std::vector<std::string> types;
  for (const auto& [name, status] : kGatewayResponseTypes) {
    types.emplace_back(name);
  }
  auto page = json::Paginate(types, in.String("position"), in.Int("limit", 25));
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  Value items(rapidjson::kArrayType);
  for (const auto& type : page.ids) {
    const Value* v = json::Get(own, type);
    items.PushBack(v != nullptr ? Value(*v, a) : DefaultGatewayResponse(type, a), a);
  }
  out.AddMember("items", items, a);
  if (!page.next.empty()) {
    out.AddMember("position", Str(page.next, a), a);
  }
  return out;
}
Result<Output> ApiGatewayService::UpdateGatewayResponse(RequestContext& ctx, ParamReader& in) {
  // Updating a default response customises it, starting from the default.
  std::string type = in.String("responseType");
  if (auto api = Api(ctx, in.String("restApiId"));
      api && json::Get((**api)["gatewayResponses"], type) == nullptr) {
    auto& a = (*api)->GetAllocator();
    Value seeded = DefaultGatewayResponse(type, a);
    if (!seeded.IsNull()) {
      json::Set(seeded, "defaultResponse", Value(false), a);
      json::Set((**api)["gatewayResponses"], type, std::move(seeded), a);
    }
  }
  return UpdateChild(ctx, in, "gatewayResponses", "responseType",
                     errors::NotFound("Invalid Gateway Response identifier specified"));
}
Result<Output> ApiGatewayService::DeleteGatewayResponse(RequestContext& ctx, ParamReader& in) {
  return DeleteChild(ctx, in, "gatewayResponses", "responseType",
                     errors::NotFound("Invalid Gateway Response identifier specified"));
}

}  // namespace nimbus::apigateway
