#include "services/apigateway/apigateway_service.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/apigateway_internal.h"

namespace nimbus::apigateway {
using internal::Copy;
using internal::Empty;
using internal::kApiKey;
using internal::kRestApi;
using internal::kUsagePlan;
using json::Str;
using rapidjson::Value;

namespace internal {

Output Items(const Value& map, const std::vector<std::string>& ids, const std::string& next,
             const char* items_key) {
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  Value items(rapidjson::kArrayType);
  for (const auto& id : ids) {
    if (const Value* v = json::Get(map, id)) {
      items.PushBack(Value(*v, a), a);
    }
  }
  out.AddMember(Str(items_key, a), items, a);
  if (!next.empty()) {
    out.AddMember("position", Str(next, a), a);
  }
  return out;
}

std::vector<std::string> Keys(const Value& map) {
  std::vector<std::string> keys;
  if (map.IsObject()) {
    for (auto it = map.MemberBegin(); it != map.MemberEnd(); ++it) {
      keys.emplace_back(it->name.GetString(), it->name.GetStringLength());
    }
  }
  return keys;
}

}  // namespace internal

void ApiGatewayService::Register(OperationTable& t) {
  using S = ApiGatewayService;
  t.Add("CreateApiKey", this, &S::CreateApiKey);
  t.Add("CreateAuthorizer", this, &S::CreateAuthorizer);
  t.Add("CreateDeployment", this, &S::CreateDeployment);
  t.Add("CreateModel", this, &S::CreateModel);
  t.Add("CreateRequestValidator", this, &S::CreateRequestValidator);
  t.Add("CreateResource", this, &S::CreateResource);
  t.Add("CreateRestApi", this, &S::CreateRestApi);
  t.Add("CreateStage", this, &S::CreateStage);
  t.Add("CreateUsagePlan", this, &S::CreateUsagePlan);
  t.Add("CreateUsagePlanKey", this, &S::CreateUsagePlanKey);
  t.Add("DeleteApiKey", this, &S::DeleteApiKey);
  t.Add("DeleteAuthorizer", this, &S::DeleteAuthorizer);
  t.Add("DeleteDeployment", this, &S::DeleteDeployment);
  t.Add("DeleteGatewayResponse", this, &S::DeleteGatewayResponse);
  t.Add("DeleteIntegration", this, &S::DeleteIntegration);
  t.Add("DeleteIntegrationResponse", this, &S::DeleteIntegrationResponse);
  t.Add("DeleteMethod", this, &S::DeleteMethod);
  t.Add("DeleteMethodResponse", this, &S::DeleteMethodResponse);
  t.Add("DeleteModel", this, &S::DeleteModel);
  t.Add("DeleteRequestValidator", this, &S::DeleteRequestValidator);
  t.Add("DeleteResource", this, &S::DeleteResource);
  t.Add("DeleteRestApi", this, &S::DeleteRestApi);
  t.Add("DeleteStage", this, &S::DeleteStage);
  t.Add("DeleteUsagePlan", this, &S::DeleteUsagePlan);
  t.Add("DeleteUsagePlanKey", this, &S::DeleteUsagePlanKey);
  t.Add("FlushStageAuthorizersCache", this, &S::FlushStageAuthorizersCache);
  t.Add("FlushStageCache", this, &S::FlushStageCache);
  t.Add("GetAccount", this, &S::GetAccount);
  t.Add("GetApiKey", this, &S::GetApiKey);
  t.Add("GetApiKeys", this, &S::GetApiKeys);
  t.Add("GetAuthorizer", this, &S::GetAuthorizer);
  t.Add("GetAuthorizers", this, &S::GetAuthorizers);
  t.Add("GetDeployment", this, &S::GetDeployment);
  t.Add("GetDeployments", this, &S::GetDeployments);
  t.Add("GetExport", this, &S::GetExport);
  t.Add("GetGatewayResponse", this, &S::GetGatewayResponse);
  t.Add("GetGatewayResponses", this, &S::GetGatewayResponses);
  t.Add("GetIntegration", this, &S::GetIntegration);
  t.Add("GetIntegrationResponse", this, &S::GetIntegrationResponse);
  t.Add("GetMethod", this, &S::GetMethod);
  t.Add("GetMethodResponse", this, &S::GetMethodResponse);
  t.Add("GetModel", this, &S::GetModel);
  t.Add("GetModelTemplate", this, &S::GetModelTemplate);
  t.Add("GetModels", this, &S::GetModels);
  t.Add("GetRequestValidator", this, &S::GetRequestValidator);
  t.Add("GetRequestValidators", this, &S::GetRequestValidators);
  t.Add("GetResource", this, &S::GetResource);
  t.Add("GetResources", this, &S::GetResources);
  t.Add("GetRestApi", this, &S::GetRestApi);
  t.Add("GetRestApis", this, &S::GetRestApis);
  t.Add("GetStage", this, &S::GetStage);
  t.Add("GetStages", this, &S::GetStages);
  t.Add("GetTags", this, &S::GetTags);
  t.Add("GetUsagePlan", this, &S::GetUsagePlan);
  t.Add("GetUsagePlanKey", this, &S::GetUsagePlanKey);
  t.Add("GetUsagePlanKeys", this, &S::GetUsagePlanKeys);
  t.Add("GetUsagePlans", this, &S::GetUsagePlans);
  t.Add("ImportRestApi", this, &S::ImportRestApi);
  t.Add("PutGatewayResponse", this, &S::PutGatewayResponse);
  t.Add("PutIntegration", this, &S::PutIntegration);
  t.Add("PutIntegrationResponse", this, &S::PutIntegrationResponse);
  t.Add("PutMethod", this, &S::PutMethod);
  t.Add("PutMethodResponse", this, &S::PutMethodResponse);
  t.Add("PutRestApi", this, &S::PutRestApi);
  t.Add("TagResource", this, &S::TagResource);
  t.Add("UntagResource", this, &S::UntagResource);
  t.Add("UpdateAccount", this, &S::UpdateAccount);
  t.Add("UpdateApiKey", this, &S::UpdateApiKey);
  t.Add("UpdateAuthorizer", this, &S::UpdateAuthorizer);
  t.Add("UpdateDeployment", this, &S::UpdateDeployment);
  t.Add("UpdateGatewayResponse", this, &S::UpdateGatewayResponse);
  t.Add("UpdateIntegration", this, &S::UpdateIntegration);
  t.Add("UpdateIntegrationResponse", this, &S::UpdateIntegrationResponse);
  t.Add("UpdateMethod", this, &S::UpdateMethod);
  t.Add("UpdateMethodResponse", this, &S::UpdateMethodResponse);
  t.Add("UpdateModel", this, &S::UpdateModel);
  t.Add("UpdateRequestValidator", this, &S::UpdateRequestValidator);
  t.Add("UpdateResource", this, &S::UpdateResource);
  t.Add("UpdateRestApi", this, &S::UpdateRestApi);
  t.Add("UpdateStage", this, &S::UpdateStage);
  t.Add("UpdateUsagePlan", this, &S::UpdateUsagePlan);
}

void ApiGatewayService::Start(const ServiceEnv& env) {
  store_.Init([open = env.open_database] {
    return std::make_unique<DocStore>(open("apigateway"), "apigateway");
  });
  clock_ = env.clock;
}

void ApiGatewayService::Reset() {
  store_->Reset();
  usage_.clear();
  authorizations_.clear();
  targets_.clear();
  account_.SetNull();
}

Result<rapidjson::Document*> ApiGatewayService::Api(const RequestContext& ctx,
                                                    const std::string& id) {
  rapidjson::Document* doc = store_->Find(ctx.scope, kRestApi, id);
  if (doc == nullptr) {
    return errors::InvalidRestApiId(ctx.scope.account_id, id);
  }
  return doc;
}

void ApiGatewayService::Save(const RequestContext& ctx, const std::string& id) {
  store_->Save(ctx.scope, kRestApi, id);
}

// ---- REST APIs ----------------------------------------------------------------------------------

rapidjson::Document& ApiGatewayService::NewApi(const RequestContext& ctx, const std::string& id,
                                               rapidjson::Document rest_api) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  Value api(rest_api, a);
  std::string root = json::NewId();
  json::SetStr(api, "id", id, a);
  json::Set(api, "createdDate", Value(Now()), a);
  json::SetStr(api, "rootResourceId", root, a);
  if (!api.HasMember("apiKeySource")) {
    json::SetStr(api, "apiKeySource", "HEADER", a);
  }
  if (!api.HasMember("endpointConfiguration")) {
    Value ec(rapidjson::kObjectType);
    Value types(rapidjson::kArrayType);
    types.PushBack("EDGE", a);
    ec.AddMember("types", types, a);
    api.AddMember("endpointConfiguration", ec, a);
  }
  if (!api.HasMember("disableExecuteApiEndpoint")) {
    api.AddMember("disableExecuteApiEndpoint", false, a);
  }
  if (!api.HasMember("tags")) {
    api.AddMember("tags", Value(rapidjson::kObjectType), a);
  }
  json::SetStr(api, "apiStatus", "AVAILABLE", a);
  doc.AddMember("restApi", api, a);
  Value resources(rapidjson::kObjectType);
  Value root_resource(rapidjson::kObjectType);
  root_resource.AddMember("id", Str(root, a), a);
  root_resource.AddMember("path", "/", a);
  resources.AddMember(Str(root, a), root_resource, a);
  doc.AddMember("resources", resources, a);
  for (const char* kind : {"deployments", "snapshots", "stages", "models", "requestValidators",
                           "authorizers", "gatewayResponses"}) {
    doc.AddMember(Str(kind, a), Value(rapidjson::kObjectType), a);
  }
  // AWS: every new REST API comes with the two default models.
  Value& models = doc["models"];
  for (const char* name : {"Empty", "Error"}) {
    Value m(rapidjson::kObjectType);
    m.AddMember("id", Str(json::NewId(), a), a);
    m.AddMember("name", Str(name, a), a);
    m.AddMember("contentType", "application/json", a);
    m.AddMember("description",
                Str(std::string(name) == "Empty" ? "This is a default empty schema model"
                                                 : "This is a default error schema model",
                    a),
                a);
    m.AddMember("schema",
                Str(std::string(name) == "Empty"
                        ? "{\n  \"$schema\": \"http://json-schema.org/draft-04/schema#\",\n  "
                          "\"title\" : \"Empty Schema\",\n  \"type\" : \"object\"\n}"
                        : "{\n  \"$schema\" : \"http://json-schema.org/draft-04/schema#\",\n  "
                          "\"title\" : \"Error Schema\",\n  \"type\" : \"object\",\n  "
                          "\"properties\" : {\n    \"message\" : { \"type\" : \"string\" }\n  "
                          "}\n}",
                    a),
                a);
    models.AddMember(Str(name, a), m, a);
  }
  return store_->Put(ctx.scope, kRestApi, id, std::move(doc));
}

Result<Output> ApiGatewayService::CreateRestApi(RequestContext& ctx, ParamReader& in) {
  const Value& p = in.params();
  std::string id;
  // LocalStack's convention: the tag _custom_id_ chooses the id, so a stack knows its URL.
  if (const Value* tags = json::Get(p, "tags")) {
    id = json::GetStr(*tags, "_custom_id_");
  }
  if (id.empty()) {
    id = json::NewId();
  } else if (store_->Find(ctx.scope, kRestApi, id) != nullptr) {
    return errors::Conflict("API with id " + id + " already exists");
  }
  rapidjson::Document api(rapidjson::kObjectType);
  json::CopyMembers(p, api,
                    {"name", "description", "version", "binaryMediaTypes", "apiKeySource",
                     "endpointConfiguration", "disableExecuteApiEndpoint",
                     "minimumCompressionSize", "policy", "tags"},
                    api.GetAllocator());
  if (json::GetStr(api, "name").empty()) {
    return errors::BadRequest("Invalid REST API name specified");
  }
  auto& doc = NewApi(ctx, id, std::move(api));
  return Copy(doc["restApi"]);
}

Result<Output> ApiGatewayService::GetRestApi(RequestContext& ctx, ParamReader& in) {
  auto api = Api(ctx, in.String("restApiId"));
  if (!api) {
    return api.error();
  }
  return Copy((**api)["restApi"]);
}

Result<Output> ApiGatewayService::GetRestApis(RequestContext& ctx, ParamReader& in) {
  auto ids = store_->Ids(ctx.scope, kRestApi);
  auto page = json::Paginate(ids, in.String("position"), in.Int("limit", 25));
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  Value items(rapidjson::kArrayType);
  for (const auto& id : page.ids) {
    if (auto* doc = store_->Find(ctx.scope, kRestApi, id)) {
      items.PushBack(Value((*doc)["restApi"], a), a);
    }
  }
  out.AddMember("items", items, a);
  if (!page.next.empty()) {
    out.AddMember("position", Str(page.next, a), a);
  }
  return out;
}

Result<Output> ApiGatewayService::UpdateRestApi(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("restApiId");
  auto api = Api(ctx, id);
  if (!api) {
    return api.error();
  }
  Value& rest = (**api)["restApi"];
  // The members AWS lets a PATCH change; any other path is a BadRequestException.
  static const std::set<std::string, std::less<>> kPatchable = {
      "name", "description", "binaryMediaTypes", "minimumCompressionSize", "apiKeySource",
      "policy", "endpointConfiguration", "disableExecuteApiEndpoint"};
  if (const Value* ops = in.Value("patchOperations"); ops && ops->IsArray()) {
    for (const auto& op : ops->GetArray()) {
      std::string path = json::GetStr(op, "path");
      std::string first = path.substr(path.empty() ? 0 : 1, path.find('/', 1) - 1);
      if (kPatchable.count(first) == 0) {
        return errors::BadRequest("Invalid patch path " + path);
      }
    }
  }
  if (auto err = json::ApplyPatch(rest, in.Value("patchOperations"), (*api)->GetAllocator())) {
    return *err;
  }
  Save(ctx, id);
  return Copy(rest);
}

Result<Output> ApiGatewayService::DeleteRestApi(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("restApiId");
  if (!store_->Erase(ctx.scope, kRestApi, id)) {
    return errors::InvalidRestApiId(ctx.scope.account_id, id);
  }
  return Empty();
}

// ---- Resources ----------------------------------------------------------------------------------

Result<Value*> ApiGatewayService::ResourceIn(rapidjson::Document& api, const std::string& id) {
  Value& resources = api["resources"];
  auto it = resources.FindMember(id.c_str());
  if (it == resources.MemberEnd()) {
    return errors::InvalidResourceId(id);
  }
  return &it->value;
}

namespace {

bool IsVariable(std::string_view part) {
  return part.size() > 2 && part.front() == '{' && part.back() == '}';
}

// Recomputes the path of `id` and of every resource below it (after a pathPart change).
void RefreshPaths(Value& resources, const std::string& id, const std::string& path,
                  json::Alloc& a) {
  for (auto it = resources.MemberBegin(); it != resources.MemberEnd(); ++it) {
    if (json::GetStr(it->value, "parentId") == id) {
      std::string child = (path == "/" ? "" : path) + "/" + json::GetStr(it->value, "pathPart");
      json::SetStr(it->value, "path", child, a);
      RefreshPaths(resources, it->name.GetString(), child, a);
    }
  }
}

}  // namespace

Result<Output> ApiGatewayService::CreateResource(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  std::string parent_id = in.String("parentId");
  auto parent = ResourceIn(**api, parent_id);
  if (!parent) {
    return parent.error();
  }
  std::string part = in.String("pathPart");
  bool greedy = IsVariable(part) && part[part.size() - 2] == '+';
  bool valid = !part.empty() && part.find('/') == std::string::npos;
  if (IsVariable(part)) {
    std::string name = part.substr(1, part.size() - (greedy ? 3 : 2));
    valid = valid && !name.empty() && name.find_first_of("{}+") == std::string::npos;
  } else {
    valid = valid && part.find_first_of("{}+") == std::string::npos;
  }
  if (!valid) {
    return errors::BadRequest(
        "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the "
        "end and an optional plus sign before the closing brace.");
  }
  std::string parent_path = json::GetStr(**parent, "path", "/");
  if (parent_path.find("+}") != std::string::npos) {
    return errors::BadRequest("Cannot create a child of a resource with a greedy path variable: " +
                              parent_path);
  }
  Value& resources = (**api)["resources"];
  for (auto it = resources.MemberBegin(); it != resources.MemberEnd(); ++it) {
    if (json::GetStr(it->value, "parentId") != parent_id) {
      continue;
    }
    std::string sibling = json::GetStr(it->value, "pathPart");
    if (sibling == part) {
      return errors::Conflict("Another resource with the same parent already has this name: " +
                              part);
    }
    if (IsVariable(sibling) && IsVariable(part)) {
      return errors::BadRequest("A sibling (" + sibling +
                                ") of this resource already has a variable path part -- only one "
                                "is allowed");
    }
  }
  std::string id = json::NewId();
  Value r(rapidjson::kObjectType);
  r.AddMember("id", Str(id, a), a);
  r.AddMember("parentId", Str(parent_id, a), a);
  r.AddMember("pathPart", Str(part, a), a);
  r.AddMember("path", Str((parent_path == "/" ? "" : parent_path) + "/" + part, a), a);
  resources.AddMember(Str(id, a), r, a);
  Save(ctx, api_id);
  return Copy(resources[id.c_str()]);
}

Result<Output> ApiGatewayService::GetResource(RequestContext& ctx, ParamReader& in) {
  auto api = Api(ctx, in.String("restApiId"));
  if (!api) {
    return api.error();
  }
  auto r = ResourceIn(**api, in.String("resourceId"));
  if (!r) {
    return r.error();
  }
  return Copy(**r);
}

Result<Output> ApiGatewayService::GetResources(RequestContext& ctx, ParamReader& in) {
  auto api = Api(ctx, in.String("restApiId"));
  if (!api) {
    return api.error();
  }
  const Value& resources = (**api)["resources"];
  auto page = json::Paginate(internal::Keys(resources), in.String("position"),
                             in.Int("limit", 25));
  Output out = internal::Items(resources, page.ids, page.next);
  // AWS embeds the Method resources only with ?embed=methods; otherwise each method is {}.
  bool embed = false;
  if (const Value* list = in.Value("embed"); list && list->IsArray()) {
    for (const auto& e : list->GetArray()) {
      embed = embed || (e.IsString() && std::string_view(e.GetString()) == "methods");
    }
  }
  if (!embed) {
    for (auto& item : out["items"].GetArray()) {
      if (Value* methods = item.HasMember("resourceMethods") ? &item["resourceMethods"] : nullptr;
          methods != nullptr && methods->IsObject()) {
        for (auto m = methods->MemberBegin(); m != methods->MemberEnd(); ++m) {
          m->value.SetObject();
        }
      }
    }
  }
  return out;
}

Result<Output> ApiGatewayService::UpdateResource(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string id = in.String("resourceId");
  auto r = ResourceIn(**api, id);
  if (!r) {
    return r.error();
  }
  auto& a = (*api)->GetAllocator();
  if (auto err = json::ApplyPatch(**r, in.Value("patchOperations"), a)) {
    return *err;
  }
  // The path follows the (possibly new) parent and pathPart, for the whole subtree.
  Value& resources = (**api)["resources"];
  std::string parent = json::GetStr(**r, "parentId");
  std::string parent_path = "/";
  if (const Value* p = json::Get(resources, parent)) {
    parent_path = json::GetStr(*p, "path", "/");
  }
  std::string path = (parent_path == "/" ? "" : parent_path) + "/" + json::GetStr(**r, "pathPart");
  json::SetStr(**r, "path", path, a);
  RefreshPaths(resources, id, path, a);
  Save(ctx, api_id);
  return Copy(resources[id.c_str()]);
}

Result<Output> ApiGatewayService::DeleteResource(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  std::string id = in.String("resourceId");
  if (auto r = ResourceIn(**api, id); !r) {
    return r.error();
  }
  if (id == json::GetStr((**api)["restApi"], "rootResourceId")) {
    return errors::BadRequest("Cannot delete root resource");
  }
  // The resource and everything below it.
  Value& resources = (**api)["resources"];
  std::vector<std::string> doomed{id};
  for (size_t i = 0; i < doomed.size(); ++i) {
    for (auto it = resources.MemberBegin(); it != resources.MemberEnd(); ++it) {
      if (json::GetStr(it->value, "parentId") == doomed[i]) {
        doomed.emplace_back(it->name.GetString());
      }
    }
  }
  for (const auto& d : doomed) {
    resources.RemoveMember(d.c_str());
  }
  Save(ctx, api_id);
  return Empty();
}

// ---- Tags and account ---------------------------------------------------------------------------

namespace {

// arn:aws:apigateway:<region>::/restapis/<id>[/stages/<name>] | /apikeys/<id> | /usageplans/<id>
struct TagTarget {
  std::string kind;
  std::string id;
  std::string stage;
};

std::optional<TagTarget> ParseTagArn(const std::string& arn) {
  auto pos = arn.find("::/");
  if (arn.rfind("arn:", 0) != 0 || pos == std::string::npos) {
    return std::nullopt;
  }
  auto segs = PathSegments(arn.substr(pos + 2));
  if (segs.size() == 2 && segs[0] == "restapis") {
    return TagTarget{kRestApi, segs[1], ""};
  }
  if (segs.size() == 4 && segs[0] == "restapis" && segs[2] == "stages") {
    return TagTarget{kRestApi, segs[1], segs[3]};
  }
  if (segs.size() == 2 && segs[0] == "apikeys") {
    return TagTarget{kApiKey, segs[1], ""};
  }
  if (segs.size() == 2 && segs[0] == "usageplans") {
    return TagTarget{kUsagePlan, segs[1], ""};
  }
  return std::nullopt;
}

}  // namespace

// The tags map of the object an ARN names, or an error.
static Result<Value*> TagsOf(DocStore& store, const Scope& scope, const std::string& arn,
                             json::Alloc** alloc, std::string* kind, std::string* id) {
  auto target = ParseTagArn(arn);
  if (!target) {
    return errors::BadRequest("Invalid ARN specified in the request");
  }
  rapidjson::Document* doc = store.Find(scope, target->kind, target->id);
  if (doc == nullptr) {
    return errors::NotFound("Invalid resource identifier specified");
  }
  *alloc = &doc->GetAllocator();
  *kind = target->kind;
  *id = target->id;
  Value* obj = doc;
  if (target->kind == kRestApi) {
    obj = &(*doc)["restApi"];
    if (!target->stage.empty()) {
      Value& stages = (*doc)["stages"];
      auto it = stages.FindMember(target->stage.c_str());
      if (it == stages.MemberEnd()) {
        return errors::InvalidStage();
      }
      obj = &it->value;
    }
  }
  return &json::Child(*obj, "tags", **alloc);
}

Result<Output> ApiGatewayService::TagResource(RequestContext& ctx, ParamReader& in) {
  json::Alloc* a = nullptr;
  std::string kind;
  std::string id;
  auto tags = TagsOf(*store_, ctx.scope, in.String("resourceArn"), &a, &kind, &id);
  if (!tags) {
    return tags.error();
  }
  if (const Value* add = in.Value("tags"); add != nullptr && add->IsObject()) {
    for (auto it = add->MemberBegin(); it != add->MemberEnd(); ++it) {
      json::Set(**tags, it->name.GetString(), Value(it->value, *a), *a);
    }
  }
  store_->Save(ctx.scope, kind, id);
  return Empty();
}

Result<Output> ApiGatewayService::UntagResource(RequestContext& ctx, ParamReader& in) {
  json::Alloc* a = nullptr;
  std::string kind;
  std::string id;
  auto tags = TagsOf(*store_, ctx.scope, in.String("resourceArn"), &a, &kind, &id);
  if (!tags) {
    return tags.error();
  }
  if (const Value* keys = in.Value("tagKeys"); keys != nullptr && keys->IsArray()) {
    for (const auto& k : keys->GetArray()) {
      if (k.IsString()) {
        json::Remove(**tags, k.GetString());
      }
    }
  }
  store_->Save(ctx.scope, kind, id);
  return Empty();
}

Result<Output> ApiGatewayService::GetTags(RequestContext& ctx, ParamReader& in) {
  json::Alloc* a = nullptr;
  std::string kind;
  std::string id;
  auto tags = TagsOf(*store_, ctx.scope, in.String("resourceArn"), &a, &kind, &id);
  if (!tags) {
    return tags.error();
  }
  Output out;
  out.SetObject();
  out.AddMember("tags", Value(**tags, out.GetAllocator()), out.GetAllocator());
  return out;
}

Result<Output> ApiGatewayService::GetAccount(RequestContext&, ParamReader&) {
  if (!account_.IsObject()) {
    account_.SetObject();
    auto& a = account_.GetAllocator();
    Value throttle(rapidjson::kObjectType);
    throttle.AddMember("burstLimit", 5000, a);
    throttle.AddMember("rateLimit", 10000.0, a);
    account_.AddMember("throttleSettings", throttle, a);
    Value features(rapidjson::kArrayType);
    features.PushBack("UsagePlans", a);
    account_.AddMember("features", features, a);
    account_.AddMember("apiKeyVersion", "4", a);
  }
  return Copy(account_);
}

Result<Output> ApiGatewayService::UpdateAccount(RequestContext& ctx, ParamReader& in) {
  auto current = GetAccount(ctx, in);
  if (auto err = json::ApplyPatch(account_, in.Value("patchOperations"), account_.GetAllocator())) {
    return *err;
  }
  return Copy(account_);
}

// ---- Data plane lookups -------------------------------------------------------------------------

std::shared_ptr<const RestTarget> ApiGatewayService::FindTarget(const std::string& api_id,
                                                                const std::string& stage) {
  auto scope = store_->ScopeOf(kRestApi, api_id);
  if (!scope) {
    return nullptr;
  }
  uint64_t version = store_->Version(*scope, kRestApi, api_id);
  std::string key = api_id + '\x1f' + stage + '\x1f' + std::to_string(version);
  if (auto it = targets_.find(key); it != targets_.end()) {
    return it->second;
  }
  rapidjson::Document* doc = store_->Find(*scope, kRestApi, api_id);
  const Value* st = json::Get((*doc)["stages"], stage);
  if (st == nullptr) {
    return nullptr;
  }
  const Value* snap = json::Get((*doc)["snapshots"], json::GetStr(*st, "deploymentId"));
  if (snap == nullptr) {
    return nullptr;
  }
  auto target = std::make_shared<RestTarget>();
  target->scope = *scope;
  target->api_id = api_id;
  target->stage = stage;
  target->snapshot.CopyFrom(*snap, target->snapshot.GetAllocator());
  if (const Value* vars = json::Get(*st, "variables"); vars != nullptr && vars->IsObject()) {
    for (auto it = vars->MemberBegin(); it != vars->MemberEnd(); ++it) {
      if (it->value.IsString()) {
        target->variables[it->name.GetString()] = it->value.GetString();
      }
    }
  }
  BuildRestRoutes(*target);
  // Old versions of this API are unreachable: drop them.
  std::string prefix = api_id + '\x1f' + stage + '\x1f';
  for (auto it = targets_.lower_bound(prefix);
       it != targets_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = targets_.erase(it);
  }
  targets_[key] = target;
  return target;
}

namespace {

// The quota period a time falls in: days, weeks (from Monday) or calendar months since epoch.
int64_t PeriodOf(const std::string& period, int64_t now_ms) {
  int64_t day = now_ms / 86400000;
  if (period == "WEEK") {
    return (day + 3) / 7;  // 1970-01-01 was a Thursday
  }
  if (period == "MONTH") {
    time_t secs = static_cast<time_t>(now_ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return static_cast<int64_t>(tm.tm_year) * 12 + tm.tm_mon;
  }
  return day;
}

}  // namespace

ApiGatewayService::KeyCheck ApiGatewayService::CheckApiKey(const Scope& scope,
                                                           const std::string& api_id,
                                                           const std::string& stage,
                                                           const std::string& key_value) {
  KeyCheck check;
  if (key_value.empty()) {
    return check;
  }
  for (const auto& key_id : store_->Ids(scope, kApiKey)) {
    rapidjson::Document* key = store_->Find(scope, kApiKey, key_id);
    if (json::GetStr(*key, "value") != key_value || !json::GetBool(*key, "enabled")) {
      continue;
    }
    for (const auto& plan_id : store_->Ids(scope, kUsagePlan)) {
      rapidjson::Document* plan = store_->Find(scope, kUsagePlan, plan_id);
      bool has_key = false;
      if (const Value* keys = json::Get(*plan, "_keys"); keys != nullptr && keys->IsArray()) {
        for (const auto& k : keys->GetArray()) {
          has_key = has_key || (k.IsString() && key_id == k.GetString());
        }
      }
      bool covers = false;
      if (const Value* stages = json::Get(*plan, "apiStages"); stages && stages->IsArray()) {
        for (const auto& s : stages->GetArray()) {
          covers = covers ||
                   (json::GetStr(s, "apiId") == api_id && json::GetStr(s, "stage") == stage);
        }
      }
      if (!has_key || !covers) {
        continue;
      }
      check.key_id = key_id;
      int64_t now = clock_->NowMillis();
      Usage& usage = usage_[plan_id + '\x1f' + key_id];
      if (const Value* throttle = json::Get(*plan, "throttle"); throttle && throttle->IsObject()) {
        double rate = 0;
        if (const Value* r = json::Get(*throttle, "rateLimit"); r && r->IsNumber()) {
          rate = r->GetDouble();
        }
        double burst = rate;
        if (const Value* b = json::Get(*throttle, "burstLimit"); b && b->IsNumber()) {
          burst = b->GetDouble();
        }
        if (rate > 0 || burst > 0) {
          if (usage.tokens < 0) {
            usage.tokens = burst;
          } else {
            usage.tokens = std::min(burst, usage.tokens + rate * static_cast<double>(
                                                                     now - usage.refilled_ms) /
                                                              1000.0);
          }
          usage.refilled_ms = now;
          if (usage.tokens < 1) {
            check.verdict = KeyCheck::Verdict::kThrottled;
            return check;
          }
          usage.tokens -= 1;
        }
      }
      if (const Value* quota = json::Get(*plan, "quota"); quota && quota->IsObject()) {
        const Value* limit = json::Get(*quota, "limit");
        if (limit != nullptr && limit->IsInt64() && limit->GetInt64() > 0) {
          int64_t period = PeriodOf(json::GetStr(*quota, "period", "DAY"), now);
          if (period != usage.period) {
            usage.period = period;
            usage.used = 0;
          }
          if (usage.used >= limit->GetInt64()) {
            check.verdict = KeyCheck::Verdict::kQuotaExceeded;
            return check;
          }
          ++usage.used;
        }
      }
      check.verdict = KeyCheck::Verdict::kOk;
      return check;
    }
  }
  return check;
}

}  // namespace nimbus::apigateway

namespace nimbus::apigateway {

std::optional<std::string> ApiGatewayService::CachedAuthorization(const std::string& key,
                                                                  int64_t now_ms) {
  auto it = authorizations_.find(key);
  if (it == authorizations_.end()) {
    return std::nullopt;
  }
  if (it->second.second <= now_ms) {
    authorizations_.erase(it);
    return std::nullopt;
  }
  return it->second.first;
}

void ApiGatewayService::CacheAuthorization(const std::string& key, std::string payload,
                                           int64_t expires_ms) {
  if (authorizations_.size() > 10000) {
    authorizations_.clear();  // bounded: a flood of distinct tokens must not grow it forever
  }
  authorizations_[key] = {std::move(payload), expires_ms};
}

}  // namespace nimbus::apigateway
