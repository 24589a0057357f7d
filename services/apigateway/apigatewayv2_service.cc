#include "services/apigateway/apigatewayv2_service.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/apigatewayv2_internal.h"
#include "services/apigateway/integration_subtypes.h"
#include "services/apigateway/json_util.h"

namespace nimbus::apigateway {
using json::Str;
using v2internal::IntegrationDefaults;
using v2internal::kApi;
using rapidjson::Value;

namespace {

const std::set<std::string, std::less<>> kRouteMethods = {"GET",   "POST", "PUT",     "PATCH",
                                                          "DELETE", "HEAD", "OPTIONS", "ANY"};

Output Copy(const Value& v) { return json::Clone(v); }
Output Empty() {
  Output o;
  o.SetObject();
  return o;
}

std::optional<AwsError> CheckRouteKey(const std::string& key) {
  if (key == "$default") {
    return std::nullopt;
  }
  auto space = key.find(' ');
  if (space == std::string::npos || kRouteMethods.count(key.substr(0, space)) == 0 ||
      key.size() <= space + 1 || key[space + 1] != '/') {
    return errors::BadRequest("Unable to create route " + key +
                              ". Route key must be $default or a method and a path, like "
                              "'GET /pets'.");
  }
  return std::nullopt;
}

}  // namespace

void ApiGatewayV2Service::Register(OperationTable& t) {
  using S = ApiGatewayV2Service;
  t.Add("CreateApi", this, &S::CreateApi);
  t.Add("CreateAuthorizer", this, &S::CreateAuthorizer);
  t.Add("CreateDeployment", this, &S::CreateDeployment);
  t.Add("CreateIntegration", this, &S::CreateIntegration);
  t.Add("CreateRoute", this, &S::CreateRoute);
  t.Add("CreateStage", this, &S::CreateStage);
  t.Add("DeleteApi", this, &S::DeleteApi);
  t.Add("DeleteAuthorizer", this, &S::DeleteAuthorizer);
  t.Add("DeleteCorsConfiguration", this, &S::DeleteCorsConfiguration);
  t.Add("DeleteDeployment", this, &S::DeleteDeployment);
  t.Add("DeleteIntegration", this, &S::DeleteIntegration);
  t.Add("DeleteRoute", this, &S::DeleteRoute);
  t.Add("DeleteStage", this, &S::DeleteStage);
  t.Add("ExportApi", this, &S::ExportApi);
  t.Add("GetApi", this, &S::GetApi);
  t.Add("GetApis", this, &S::GetApis);
  t.Add("GetAuthorizer", this, &S::GetAuthorizer);
  t.Add("GetAuthorizers", this, &S::GetAuthorizers);
  t.Add("GetDeployment", this, &S::GetDeployment);
  t.Add("GetDeployments", this, &S::GetDeployments);
  t.Add("GetIntegration", this, &S::GetIntegration);
  t.Add("GetIntegrations", this, &S::GetIntegrations);
  t.Add("GetRoute", this, &S::GetRoute);
  t.Add("GetRoutes", this, &S::GetRoutes);
  t.Add("GetStage", this, &S::GetStage);
  t.Add("GetStages", this, &S::GetStages);
  t.Add("GetTags", this, &S::GetTags);
  t.Add("ImportApi", this, &S::ImportApi);
  t.Add("ReimportApi", this, &S::ReimportApi);
  t.Add("ResetAuthorizersCache", this, &S::ResetAuthorizersCache);
  t.Add("TagResource", this, &S::TagResource);
  t.Add("UntagResource", this, &S::UntagResource);
  t.Add("UpdateApi", this, &S::UpdateApi);
  t.Add("UpdateAuthorizer", this, &S::UpdateAuthorizer);
  t.Add("UpdateDeployment", this, &S::UpdateDeployment);
  t.Add("UpdateIntegration", this, &S::UpdateIntegration);
  t.Add("UpdateRoute", this, &S::UpdateRoute);
  t.Add("UpdateStage", this, &S::UpdateStage);
}

void ApiGatewayV2Service::Start(const ServiceEnv& env) {
  store_.Init([open = env.open_database] {
    return std::make_unique<DocStore>(open("apigatewayv2"), "apigatewayv2");
  });
  clock_ = env.clock;
}

void ApiGatewayV2Service::Reset() {
  store_->Reset();
  targets_.clear();
}

Result<rapidjson::Document*> ApiGatewayV2Service::Api(const RequestContext& ctx,
                                                      const std::string& id) {
  rapidjson::Document* doc = store_->Find(ctx.scope, kApi, id);
  if (doc == nullptr) {
    return errors::NotFound("Invalid API identifier specified " + ctx.scope.account_id + ":" +
                            id);
  }
  return doc;
}

std::string ApiGatewayV2Service::Deploy(rapidjson::Document& api, const std::string& description,
                                        bool automatic) {
  auto& a = api.GetAllocator();
  std::string id = json::NewId();
  Value d(rapidjson::kObjectType);
  d.AddMember("DeploymentId", Str(id, a), a);
  d.AddMember("DeploymentStatus", "DEPLOYED", a);
  d.AddMember("CreatedDate", Value(Now()), a);
  d.AddMember("AutoDeployed", automatic, a);
  if (!description.empty()) {
    d.AddMember("Description", Str(description, a), a);
  }
  api["deployments"].AddMember(Str(id, a), d, a);
  Value snapshot(rapidjson::kObjectType);
  for (const char* kind : {"api", "routes", "integrations", "authorizers"}) {
    snapshot.AddMember(Str(kind, a), Value(api[kind], a), a);
  }
  api["snapshots"].AddMember(Str(id, a), snapshot, a);
  return id;
}

void ApiGatewayV2Service::Changed(const RequestContext& ctx, const std::string& id) {
  rapidjson::Document* api = store_->Find(ctx.scope, kApi, id);
  if (api == nullptr) {
    return;
  }
  auto& a = api->GetAllocator();
  std::string deployment;
  Value& stages = (*api)["stages"];
  for (auto it = stages.MemberBegin(); it != stages.MemberEnd(); ++it) {
    if (!json::GetBool(it->value, "AutoDeploy")) {
      continue;
    }
    if (deployment.empty()) {
      deployment = Deploy(*api, "Automatic deployment triggered by changes to the Api "
                                "configuration",
                          true);
    }
    // The deployment it replaces is of no further use.
    std::string old = json::GetStr(it->value, "DeploymentId");
    if (!old.empty() && json::GetBool((*api)["deployments"][old.c_str()], "AutoDeployed")) {
      bool shared = false;
      for (auto s = stages.MemberBegin(); s != stages.MemberEnd(); ++s) {
        shared = shared || (s != it && json::GetStr(s->value, "DeploymentId") == old);
      }
      if (!shared) {
        (*api)["deployments"].RemoveMember(old.c_str());
        (*api)["snapshots"].RemoveMember(old.c_str());
      }
    }
    json::SetStr(it->value, "DeploymentId", deployment, a);
    json::Set(it->value, "LastUpdatedDate", Value(Now()), a);
    json::SetStr(it->value, "LastDeploymentStatusMessage",
                 "Successfully deployed stage with deployment ID '" + deployment + "'", a);
  }
  store_->Save(ctx.scope, kApi, id);
}

void ApiGatewayV2Service::Merge(const ParamReader& in, Value& target, rapidjson::Document& api,
                                std::initializer_list<const char*> skip) {
  auto& a = api.GetAllocator();
  const Value& p = in.params();
  for (auto it = p.MemberBegin(); it != p.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name == "ApiId" ||
        std::any_of(skip.begin(), skip.end(), [&](const char* s) { return name == s; })) {
      continue;
    }
    json::Set(target, name, Value(it->value, a), a);
  }
}

// ---- APIs ---------------------------------------------------------------------------------------

Result<Output> ApiGatewayV2Service::CreateApi(RequestContext& ctx, ParamReader& in) {
  std::string protocol = in.String("ProtocolType");
  if (protocol != "HTTP" && protocol != "WEBSOCKET") {
    return errors::BadRequest("Invalid protocol type specified: " + protocol);
  }
  std::string id;
  if (const Value* tags = in.Value("Tags")) {
    id = json::GetStr(*tags, "_custom_id_");  // LocalStack's stable-id convention
  }
  if (id.empty()) {
    id = json::NewId();
  } else if (store_->Find(ctx.scope, kApi, id) != nullptr) {
    return errors::Conflict("API with id " + id + " already exists");
  }
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  Value api(rapidjson::kObjectType);
  api.AddMember("ApiId", Str(id, a), a);
  api.AddMember("ApiEndpoint",
                Str(v2internal::ApiEndpoint(id, ctx.host), a), a);
  api.AddMember("CreatedDate", Value(Now()), a);
  api.AddMember("ApiKeySelectionExpression", "$request.header.x-api-key", a);
  api.AddMember("RouteSelectionExpression",
                Str(protocol == "HTTP" ? "$request.method $request.path"
                                       : in.String("RouteSelectionExpression", "$request.body.action"),
                    a),
                a);
  api.AddMember("DisableExecuteApiEndpoint", false, a);
  api.AddMember("Tags", Value(rapidjson::kObjectType), a);
  doc.AddMember("api", api, a);
  for (const char* kind : {"routes", "integrations", "stages", "deployments", "snapshots",
                           "authorizers"}) {
    doc.AddMember(Str(kind, a), Value(rapidjson::kObjectType), a);
  }
  Merge(in, doc["api"], doc, {"Target", "RouteKey", "CredentialsArn"});
  // Quick create: a target makes an integration, a route ($default unless RouteKey) and an
  // auto-deployed $default stage.
  std::string target = in.String("Target");
  if (!target.empty()) {
    std::string integ_id = json::NewId(7);
    Value integ(rapidjson::kObjectType);
    integ.AddMember("IntegrationId", Str(integ_id, a), a);
    bool lambda = target.rfind("arn:", 0) == 0;
    integ.AddMember("IntegrationType", Str(lambda ? "AWS_PROXY" : "HTTP_PROXY", a), a);
    integ.AddMember("IntegrationUri", Str(target, a), a);
    integ.AddMember("IntegrationMethod", Str(lambda ? "POST" : "ANY", a), a);
    integ.AddMember("ApiGatewayManaged", true, a);
    IntegrationDefaults(integ, a);
    doc["integrations"].AddMember(Str(integ_id, a), integ, a);
    std::string route_id = json::NewId(7);
    Value route(rapidjson::kObjectType);
    route.AddMember("RouteId", Str(route_id, a), a);
    route.AddMember("RouteKey", Str(in.String("RouteKey", "$default"), a), a);
    route.AddMember("Target", Str("integrations/" + integ_id, a), a);
    route.AddMember("AuthorizationType", "NONE", a);
    route.AddMember("ApiKeyRequired", false, a);
    route.AddMember("ApiGatewayManaged", true, a);
    doc["routes"].AddMember(Str(route_id, a), route, a);
    Value stage(rapidjson::kObjectType);
    stage.AddMember("StageName", "$default", a);
    stage.AddMember("AutoDeploy", true, a);
    stage.AddMember("ApiGatewayManaged", true, a);
    stage.AddMember("CreatedDate", Value(Now()), a);
    stage.AddMember("LastUpdatedDate", Value(Now()), a);
    stage.AddMember("DefaultRouteSettings", Value(rapidjson::kObjectType), a);
    stage.AddMember("RouteSettings", Value(rapidjson::kObjectType), a);
    stage.AddMember("StageVariables", Value(rapidjson::kObjectType), a);
    stage.AddMember("Tags", Value(rapidjson::kObjectType), a);
    doc["stages"].AddMember("$default", stage, a);
  }
  store_->Put(ctx.scope, kApi, id, std::move(doc));
  Changed(ctx, id);
  return Copy((*store_->Find(ctx.scope, kApi, id))["api"]);
}

Result<Output> ApiGatewayV2Service::GetApi(RequestContext& ctx, ParamReader& in) {
  auto api = Api(ctx, in.String("ApiId"));
  if (!api) {
    return api.error();
  }
  return Copy((**api)["api"]);
}

Result<Output> ApiGatewayV2Service::GetApis(RequestContext& ctx, ParamReader& in) {
  auto ids = store_->Ids(ctx.scope, kApi);
  auto page = json::Paginate(ids, in.String("NextToken"),
                             std::atoll(in.String("MaxResults", "100").c_str()));
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  Value items(rapidjson::kArrayType);
  for (const auto& id : page.ids) {
    items.PushBack(Value((*store_->Find(ctx.scope, kApi, id))["api"], a), a);
  }
  out.AddMember("Items", items, a);
  if (!page.next.empty()) {
    out.AddMember("NextToken", Str(page.next, a), a);
  }
  return out;
}

Result<Output> ApiGatewayV2Service::UpdateApi(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("ApiId");
  auto api = Api(ctx, id);
  if (!api) {
    return api.error();
  }
  Merge(in, (**api)["api"], **api, {"Target", "RouteKey", "CredentialsArn"});
  Changed(ctx, id);
  return Copy((**api)["api"]);
}

Result<Output> ApiGatewayV2Service::DeleteApi(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("ApiId");
  if (!store_->Erase(ctx.scope, kApi, id)) {
    return errors::NotFound("Invalid API identifier specified " + ctx.scope.account_id + ":" +
                            id);
  }
  return Empty();
}

Result<Output> ApiGatewayV2Service::DeleteCorsConfiguration(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("ApiId");
  auto api = Api(ctx, id);
  if (!api) {
    return api.error();
  }
  (**api)["api"].RemoveMember("CorsConfiguration");
  Changed(ctx, id);
  return Empty();
}

// ---- Generic children ---------------------------------------------------------------------------

namespace {

// "Invalid Route identifier specified <id>": the kind named by the id member ("RouteId",
// "StageName"), as the Update handlers name it.
AwsError ChildNotFound(std::string_view id_member, const std::string& id) {
  for (std::string_view suffix : {"Id", "Name"}) {
    if (id_member.size() > suffix.size() && id_member.ends_with(suffix)) {
      id_member.remove_suffix(suffix.size());
      break;
    }
  }
  return errors::NotFound("Invalid " + std::string(id_member) + " identifier specified " + id);
}

}  // namespace

Result<Output> ApiGatewayV2Service::GetChild(const RequestContext& ctx, ParamReader& in,
                                             const char* kind, const char* id_member) {
  auto api = Api(ctx, in.String("ApiId"));
  if (!api) {
    return api.error();
  }
  std::string id = in.String(id_member);
  const Value* v = json::Get((**api)[kind], id);
  if (v == nullptr) {
    return ChildNotFound(id_member, id);
  }
  return Copy(*v);
}

Result<Output> ApiGatewayV2Service::ListChildren(const RequestContext& ctx, ParamReader& in,
                                                 const char* kind) {
  auto api = Api(ctx, in.String("ApiId"));
  if (!api) {
    return api.error();
  }
  const Value& map = (**api)[kind];
  std::vector<std::string> ids;
  for (auto it = map.MemberBegin(); it != map.MemberEnd(); ++it) {
    ids.emplace_back(it->name.GetString());
  }
  auto page = json::Paginate(ids, in.String("NextToken"),
                             std::atoll(in.String("MaxResults", "100").c_str()));
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  Value items(rapidjson::kArrayType);
  for (const auto& id : page.ids) {
    items.PushBack(Value(map[id.c_str()], a), a);
  }
  out.AddMember("Items", items, a);
  if (!page.next.empty()) {
    out.AddMember("NextToken", Str(page.next, a), a);
  }
  return out;
}

Result<Output> ApiGatewayV2Service::DeleteChild(const RequestContext& ctx, ParamReader& in,
                                                const char* kind, const char* id_member) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string id = in.String(id_member);
  if (!(**api)[kind].RemoveMember(id.c_str())) {
    return ChildNotFound(id_member, id);
  }
  Changed(ctx, api_id);
  return Empty();
}

// ---- Routes -------------------------------------------------------------------------------------

Result<Output> ApiGatewayV2Service::CreateRoute(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string key = in.String("RouteKey");
  if (auto err = CheckRouteKey(key)) {
    return *err;
  }
  Value& routes = (**api)["routes"];
  for (auto it = routes.MemberBegin(); it != routes.MemberEnd(); ++it) {
    if (json::GetStr(it->value, "RouteKey") == key) {
      return errors::Conflict("Unable to create route " + key + ". Route " + key +
                              " already exists for this API.");
    }
  }
  std::string target = in.String("Target");
  if (!target.empty() &&
      (target.rfind("integrations/", 0) != 0 ||
       json::Get((**api)["integrations"], target.substr(13)) == nullptr)) {
    return errors::BadRequest("Invalid integration target specified: " + target);
  }
  std::string id = json::NewId(7);
  Value route(rapidjson::kObjectType);
  route.AddMember("RouteId", Str(id, a), a);
  route.AddMember("AuthorizationType", "NONE", a);
  route.AddMember("ApiKeyRequired", false, a);
  route.AddMember("ApiGatewayManaged", false, a);
  Merge(in, route, **api, {});
  routes.AddMember(Str(id, a), route, a);
  Changed(ctx, api_id);
  return Copy((**api)["routes"][id.c_str()]);
}

Result<Output> ApiGatewayV2Service::GetRoute(RequestContext& ctx, ParamReader& in) {
  return GetChild(ctx, in, "routes", "RouteId");
}
Result<Output> ApiGatewayV2Service::GetRoutes(RequestContext& ctx, ParamReader& in) {
  return ListChildren(ctx, in, "routes");
}
Result<Output> ApiGatewayV2Service::UpdateRoute(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string id = in.String("RouteId");
  Value& routes = (**api)["routes"];
  auto it = routes.FindMember(id.c_str());
  if (it == routes.MemberEnd()) {
    return errors::NotFound("Invalid Route identifier specified " + id);
  }
  if (in.Has("RouteKey")) {
    if (auto err = CheckRouteKey(in.String("RouteKey"))) {
      return *err;
    }
  }
  Merge(in, it->value, **api, {"RouteId"});
  Changed(ctx, api_id);
  return Copy((**api)["routes"][id.c_str()]);
}
Result<Output> ApiGatewayV2Service::DeleteRoute(RequestContext& ctx, ParamReader& in) {
  return DeleteChild(ctx, in, "routes", "RouteId");
}

// ---- Integrations -------------------------------------------------------------------------------

Result<Output> ApiGatewayV2Service::CreateIntegration(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string type = in.String("IntegrationType");
  static const std::set<std::string, std::less<>> kTypes = {"AWS", "AWS_PROXY", "HTTP",
                                                            "HTTP_PROXY", "MOCK"};
  if (kTypes.count(type) == 0) {
    return errors::BadRequest("Invalid integration type specified: " + type);
  }
  std::string version = in.String("PayloadFormatVersion");
  if (!version.empty() && version != "1.0" && version != "2.0") {
    return errors::BadRequest("Unsupported payload format version: " + version);
  }
  bool subtype = in.Has("IntegrationSubtype");
  if ((type == "HTTP_PROXY" || (type == "AWS_PROXY" && !subtype)) &&
      in.String("IntegrationUri").empty()) {
    return errors::BadRequest("IntegrationUri is required for " + type + " integrations");
  }
  std::string id = json::NewId(7);
  Value integ(rapidjson::kObjectType);
  integ.AddMember("IntegrationId", Str(id, a), a);
  integ.AddMember("ApiGatewayManaged", false, a);
  Merge(in, integ, **api, {});
  IntegrationDefaults(integ, a);
  if (auto err = CheckSubtypeIntegration(integ)) {
    return *err;
  }
  (**api)["integrations"].AddMember(Str(id, a), integ, a);
  Changed(ctx, api_id);
  return Copy((**api)["integrations"][id.c_str()]);
}

Result<Output> ApiGatewayV2Service::GetIntegration(RequestContext& ctx, ParamReader& in) {
  return GetChild(ctx, in, "integrations", "IntegrationId");
}
Result<Output> ApiGatewayV2Service::GetIntegrations(RequestContext& ctx, ParamReader& in) {
  return ListChildren(ctx, in, "integrations");
}
Result<Output> ApiGatewayV2Service::UpdateIntegration(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string id = in.String("IntegrationId");
  Value& integrations = (**api)["integrations"];
  auto it = integrations.FindMember(id.c_str());
  if (it == integrations.MemberEnd()) {
    return errors::NotFound("Invalid Integration identifier specified " + id);
  }
  // Checked on a copy: a rejected update leaves the integration as it was.
  auto& a = (*api)->GetAllocator();
  Value updated(it->value, a);
  Merge(in, updated, **api, {"IntegrationId"});
  if (auto err = CheckSubtypeIntegration(updated)) {
    return *err;
  }
  it->value = updated;
  Changed(ctx, api_id);
  return Copy((**api)["integrations"][id.c_str()]);
}
Result<Output> ApiGatewayV2Service::DeleteIntegration(RequestContext& ctx, ParamReader& in) {
  return DeleteChild(ctx, in, "integrations", "IntegrationId");
}

// ---- Stages -------------------------------------------------------------------------------------

Result<Output> ApiGatewayV2Service::CreateStage(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string name = in.String("StageName");
  Value& stages = (**api)["stages"];
  if (json::Get(stages, name) != nullptr) {
    return errors::Conflict("Stage " + name + " already exists");
  }
  std::string deployment = in.String("DeploymentId");
  if (!deployment.empty() && json::Get((**api)["deployments"], deployment) == nullptr) {
    return errors::NotFound("Invalid Deployment identifier specified " + deployment);
  }
  Value stage(rapidjson::kObjectType);
  stage.AddMember("StageName", Str(name, a), a);
  stage.AddMember("AutoDeploy", false, a);
  stage.AddMember("ApiGatewayManaged", false, a);
  stage.AddMember("CreatedDate", Value(Now()), a);
  stage.AddMember("LastUpdatedDate", Value(Now()), a);
  stage.AddMember("DefaultRouteSettings", Value(rapidjson::kObjectType), a);
  stage.AddMember("RouteSettings", Value(rapidjson::kObjectType), a);
  stage.AddMember("StageVariables", Value(rapidjson::kObjectType), a);
  stage.AddMember("Tags", Value(rapidjson::kObjectType), a);
  Merge(in, stage, **api, {});
  stages.AddMember(Str(name, a), stage, a);
  Changed(ctx, api_id);
  return Copy((**api)["stages"][name.c_str()]);
}

Result<Output> ApiGatewayV2Service::GetStage(RequestContext& ctx, ParamReader& in) {
  return GetChild(ctx, in, "stages", "StageName");
}
Result<Output> ApiGatewayV2Service::GetStages(RequestContext& ctx, ParamReader& in) {
  return ListChildren(ctx, in, "stages");
}
Result<Output> ApiGatewayV2Service::UpdateStage(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string name = in.String("StageName");
  Value& stages = (**api)["stages"];
  auto it = stages.FindMember(name.c_str());
  if (it == stages.MemberEnd()) {
    return errors::NotFound("Invalid Stage identifier specified " + name);
  }
  std::string deployment = in.String("DeploymentId");
  if (!deployment.empty() && json::Get((**api)["deployments"], deployment) == nullptr) {
    return errors::NotFound("Invalid Deployment identifier specified " + deployment);
  }
  Merge(in, it->value, **api, {"StageName"});
  json::Set(it->value, "LastUpdatedDate", Value(Now()), (*api)->GetAllocator());
  Changed(ctx, api_id);
  return Copy((**api)["stages"][name.c_str()]);
}
Result<Output> ApiGatewayV2Service::DeleteStage(RequestContext& ctx, ParamReader& in) {
  return DeleteChild(ctx, in, "stages", "StageName");
}
Result<Output> ApiGatewayV2Service::ResetAuthorizersCache(RequestContext& ctx, ParamReader& in) {
  auto stage = GetStage(ctx, in);
  if (!stage) {
    return stage.error();
  }
  return Empty();
}

// ---- Deployments --------------------------------------------------------------------------------

Result<Output> ApiGatewayV2Service::CreateDeployment(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string stage = in.String("StageName");
  Value* st = nullptr;
  if (!stage.empty()) {
    auto it = (**api)["stages"].FindMember(stage.c_str());
    if (it == (**api)["stages"].MemberEnd()) {
      return errors::NotFound("Invalid Stage identifier specified " + stage);
    }
    st = &it->value;
    if (json::GetBool(*st, "AutoDeploy")) {
      return errors::BadRequest("Stage " + stage +
                                " is configured for auto deploy; deployments are created "
                                "automatically");
    }
  }
  std::string id = Deploy(**api, in.String("Description"), false);
  if (st != nullptr) {
    json::SetStr(*st, "DeploymentId", id, (*api)->GetAllocator());
    json::Set(*st, "LastUpdatedDate", Value(Now()), (*api)->GetAllocator());
  }
  store_->Save(ctx.scope, kApi, api_id);
  return Copy((**api)["deployments"][id.c_str()]);
}

Result<Output> ApiGatewayV2Service::GetDeployment(RequestContext& ctx, ParamReader& in) {
  return GetChild(ctx, in, "deployments", "DeploymentId");
}
Result<Output> ApiGatewayV2Service::GetDeployments(RequestContext& ctx, ParamReader& in) {
  return ListChildren(ctx, in, "deployments");
}
Result<Output> ApiGatewayV2Service::UpdateDeployment(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string id = in.String("DeploymentId");
  auto it = (**api)["deployments"].FindMember(id.c_str());
  if (it == (**api)["deployments"].MemberEnd()) {
    return errors::NotFound("Invalid Deployment identifier specified " + id);
  }
  Merge(in, it->value, **api, {"DeploymentId"});
  store_->Save(ctx.scope, kApi, api_id);
  return Copy(it->value);
}
Result<Output> ApiGatewayV2Service::DeleteDeployment(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string id = in.String("DeploymentId");
  if (json::Get((**api)["deployments"], id) == nullptr) {
    return errors::NotFound("Invalid Deployment identifier specified " + id);
  }
  // As for REST APIs: a stage's deployment stays until the stage moves off it.
  const Value& stages = (**api)["stages"];
  for (auto it = stages.MemberBegin(); it != stages.MemberEnd(); ++it) {
    if (json::GetStr(it->value, "DeploymentId") == id) {
      return errors::BadRequest("Active stages pointing to this deployment must be moved or "
                                "deleted");
    }
  }
  (**api)["deployments"].RemoveMember(id.c_str());
  (**api)["snapshots"].RemoveMember(id.c_str());
  store_->Save(ctx.scope, kApi, api_id);
  return Empty();
}

// ---- Authorizers --------------------------------------------------------------------------------

Result<Output> ApiGatewayV2Service::CreateAuthorizer(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string type = in.String("AuthorizerType");
  if (type != "JWT" && type != "REQUEST") {
    return errors::BadRequest("Invalid authorizer type specified: " + type);
  }
  if (type == "JWT" && in.Value("JwtConfiguration") == nullptr) {
    return errors::BadRequest("JwtConfiguration is required for JWT authorizers");
  }
  if (type == "REQUEST" && in.String("AuthorizerUri").empty()) {
    return errors::BadRequest("AuthorizerUri is required for REQUEST authorizers");
  }
  std::string id = json::NewId(6);
  Value auth(rapidjson::kObjectType);
  auth.AddMember("AuthorizerId", Str(id, a), a);
  Merge(in, auth, **api, {});
  if (type == "REQUEST" && !auth.HasMember("AuthorizerPayloadFormatVersion")) {
    auth.AddMember("AuthorizerPayloadFormatVersion", "2.0", a);
  }
  (**api)["authorizers"].AddMember(Str(id, a), auth, a);
  Changed(ctx, api_id);
  return Copy((**api)["authorizers"][id.c_str()]);
}

Result<Output> ApiGatewayV2Service::GetAuthorizer(RequestContext& ctx, ParamReader& in) {
  return GetChild(ctx, in, "authorizers", "AuthorizerId");
}
Result<Output> ApiGatewayV2Service::GetAuthorizers(RequestContext& ctx, ParamReader& in) {
  return ListChildren(ctx, in, "authorizers");
}
Result<Output> ApiGatewayV2Service::UpdateAuthorizer(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("ApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string id = in.String("AuthorizerId");
  auto it = (**api)["authorizers"].FindMember(id.c_str());
  if (it == (**api)["authorizers"].MemberEnd()) {
    return errors::NotFound("Invalid Authorizer identifier specified " + id);
  }
  Merge(in, it->value, **api, {"AuthorizerId"});
  Changed(ctx, api_id);
  return Copy(it->value);
}
Result<Output> ApiGatewayV2Service::DeleteAuthorizer(RequestContext& ctx, ParamReader& in) {
  return DeleteChild(ctx, in, "authorizers", "AuthorizerId");
}

// ---- Tags ---------------------------------------------------------------------------------------

namespace {
// arn:aws:apigateway:<region>::/apis/<id>
std::string ApiIdOfArn(const std::string& arn) {
  auto pos = arn.find("/apis/");
  if (pos == std::string::npos) {
    return {};
  }
  std::string rest = arn.substr(pos + 6);
  return rest.substr(0, rest.find('/'));
}
}  // namespace

Result<Output> ApiGatewayV2Service::TagResource(RequestContext& ctx, ParamReader& in) {
  std::string id = ApiIdOfArn(in.String("ResourceArn"));
  auto api = Api(ctx, id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  Value& tags = json::Child((**api)["api"], "Tags", a);
  if (const Value* add = in.Value("Tags"); add && add->IsObject()) {
    for (auto it = add->MemberBegin(); it != add->MemberEnd(); ++it) {
      json::Set(tags, it->name.GetString(), Value(it->value, a), a);
    }
  }
  store_->Save(ctx.scope, kApi, id);
  return Empty();
}

Result<Output> ApiGatewayV2Service::UntagResource(RequestContext& ctx, ParamReader& in) {
  std::string id = ApiIdOfArn(in.String("ResourceArn"));
  auto api = Api(ctx, id);
  if (!api) {
    return api.error();
  }
  Value& tags = json::Child((**api)["api"], "Tags", (*api)->GetAllocator());
  if (const Value* keys = in.Value("TagKeys"); keys && keys->IsArray()) {
    for (const auto& k : keys->GetArray()) {
      if (k.IsString()) {
        json::Remove(tags, k.GetString());
      }
    }
  }
  store_->Save(ctx.scope, kApi, id);
  return Empty();
}

Result<Output> ApiGatewayV2Service::GetTags(RequestContext& ctx, ParamReader& in) {
  std::string id = ApiIdOfArn(in.String("ResourceArn"));
  auto api = Api(ctx, id);
  if (!api) {
    return api.error();
  }
  Output out;
  out.SetObject();
  const Value* tags = json::Get((**api)["api"], "Tags");
  out.AddMember("Tags", tags ? Value(*tags, out.GetAllocator()) : Value(rapidjson::kObjectType),
                out.GetAllocator());
  return out;
}

// ---- Data plane ---------------------------------------------------------------------------------

std::shared_ptr<const DeployedApi> ApiGatewayV2Service::FindTarget(const std::string& api_id,
                                                                   const std::string& first,
                                                                   bool* stage_in_path,
                                                                   bool* api_exists) {
  auto scope = store_->ScopeOf(kApi, api_id);
  if (!scope) {
    return nullptr;
  }
  if (api_exists != nullptr) {
    *api_exists = true;
  }
  rapidjson::Document* doc = store_->Find(*scope, kApi, api_id);
  const Value& stages = (*doc)["stages"];
  std::string stage;
  if (!first.empty() && first != "$default" && json::Get(stages, first) != nullptr) {
    stage = first;
    *stage_in_path = true;
  } else if (json::Get(stages, "$default") != nullptr) {
    stage = "$default";
    *stage_in_path = false;
  } else {
    return nullptr;
  }
  uint64_t version = store_->Version(*scope, kApi, api_id);
  std::string key = api_id + '\x1f' + stage + '\x1f' + std::to_string(version);
  if (auto it = targets_.find(key); it != targets_.end()) {
    return it->second;
  }
  const Value& st = stages[stage.c_str()];
  const Value* snap = json::Get((*doc)["snapshots"], json::GetStr(st, "DeploymentId"));
  if (snap == nullptr) {
    return nullptr;
  }
  auto target = std::make_shared<DeployedApi>();
  target->scope = *scope;
  target->api_id = api_id;
  target->stage = stage;
  target->v2 = true;
  target->snapshot.CopyFrom(*snap, target->snapshot.GetAllocator());
  if (const Value* vars = json::Get(st, "StageVariables"); vars && vars->IsObject()) {
    for (auto it = vars->MemberBegin(); it != vars->MemberEnd(); ++it) {
      if (it->value.IsString()) {
        target->variables[it->name.GetString()] = it->value.GetString();
      }
    }
  }
  const Value& routes = target->snapshot["routes"];
  for (auto it = routes.MemberBegin(); it != routes.MemberEnd(); ++it) {
    Route r;
    r.id = it->name.GetString();
    r.route_key = json::GetStr(it->value, "RouteKey");
    r.node = &it->value;
    auto space = r.route_key.find(' ');
    if (space != std::string::npos) {
      r.method = r.route_key.substr(0, space);
      r.path = r.route_key.substr(space + 1);
      r.parts = PathSegments(r.path);
    } else {
      r.path = "/";
      target->default_route = &it->value;
    }
    target->routes.push_back(std::move(r));
  }
  std::string prefix = api_id + '\x1f' + stage + '\x1f';
  for (auto it = targets_.lower_bound(prefix);
       it != targets_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = targets_.erase(it);
  }
  targets_[key] = target;
  return target;
}

}  // namespace nimbus::apigateway
