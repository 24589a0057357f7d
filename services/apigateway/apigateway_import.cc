// ImportRestApi, PutRestApi and GetExport: OpenAPI / Swagger in and out (openapi.h).
#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/apigateway_internal.h"
#include "services/apigateway/apigateway_service.h"
#include "services/apigateway/openapi.h"
#include "services/apigateway/yaml_json.h"

namespace nimbus::apigateway {
using internal::Copy;
using internal::kRestApi;
using json::Str;
using rapidjson::Value;

std::optional<AwsError> ApiGatewayService::LoadDefinition(const RequestContext& ctx,
                                                          const std::string& id,
                                                          const std::string& body, bool merge) {
  auto def = openapi::ParseDefinition(body);
  if (!def) {
    return errors::BadRequest("Invalid OpenAPI input: the body is not a JSON or YAML document");
  }
  rapidjson::Document* api = store_->Find(ctx.scope, kRestApi, id);
  if (api == nullptr) {
    return errors::InvalidRestApiId(ctx.scope.account_id, id);
  }
  // Work on a copy so a failed import leaves the API as it was.
  rapidjson::Document copy = json::Clone(*api);
  if (auto err = openapi::Import(*def, copy, !merge, Now())) {
    return err;
  }
  store_->Put(ctx.scope, kRestApi, id, std::move(copy));
  return std::nullopt;
}

Result<Output> ApiGatewayService::ImportRestApi(RequestContext& ctx, ParamReader& in) {
  std::string body = in.String("body");
  auto def = openapi::ParseDefinition(body);
  if (!def) {
    return errors::BadRequest("Invalid OpenAPI input: the body is not a JSON or YAML document");
  }
  rapidjson::Document rest(rapidjson::kObjectType);
  std::string title;
  if (const Value* info = json::Get(*def, "info")) {
    title = json::GetStr(*info, "title");
  }
  if (title.empty()) {
    return errors::BadRequest("Invalid OpenAPI input: info.title is required");
  }
  json::SetStr(rest, "name", title, rest.GetAllocator());
  std::string id;
  if (const Value* tags = json::Get(*def, "x-amazon-apigateway-tags")) {
    id = json::GetStr(*tags, "_custom_id_");
    json::Set(rest, "tags", Value(*tags, rest.GetAllocator()), rest.GetAllocator());
  }
  if (id.empty()) {
    id = json::NewId();
  } else if (store_->Find(ctx.scope, kRestApi, id) != nullptr) {
    return errors::Conflict("API with id " + id + " already exists");
  }
  if (const Value* params = in.Value("parameters")) {
    // endpointConfigurationTypes=REGIONAL and the like.
    std::string types = json::GetStr(*params, "endpointConfigurationTypes");
    if (!types.empty()) {
      auto& a = rest.GetAllocator();
      Value ec(rapidjson::kObjectType);
      Value list(rapidjson::kArrayType);
      list.PushBack(Str(types, a), a);
      ec.AddMember("types", list, a);
      rest.AddMember("endpointConfiguration", ec, a);
    }
  }
  NewApi(ctx, id, std::move(rest));
  if (auto err = LoadDefinition(ctx, id, body, false)) {
    store_->Erase(ctx.scope, kRestApi, id);
    return *err;
  }
  return Copy((*store_->Find(ctx.scope, kRestApi, id))["restApi"]);
}

Result<Output> ApiGatewayService::PutRestApi(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("restApiId");
  if (store_->Find(ctx.scope, kRestApi, id) == nullptr) {
    return errors::InvalidRestApiId(ctx.scope.account_id, id);
  }
  std::string mode = in.String("mode", "merge");
  if (mode != "merge" && mode != "overwrite") {
    return errors::BadRequest("Invalid mode: " + mode);
  }
  if (auto err = LoadDefinition(ctx, id, in.String("body"), mode == "merge")) {
    return *err;
  }
  return Copy((*store_->Find(ctx.scope, kRestApi, id))["restApi"]);
}

Result<Output> ApiGatewayService::GetExport(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("restApiId");
  auto api = Api(ctx, id);
  if (!api) {
    return api.error();
  }
  std::string stage = in.String("stageName");
  const Value* st = json::Get((**api)["stages"], stage);
  if (st == nullptr) {
    return errors::InvalidStage();
  }
  const Value* snap = json::Get((**api)["snapshots"], json::GetStr(*st, "deploymentId"));
  if (snap == nullptr) {
    return errors::InvalidDeployment();
  }
  std::string type = in.String("exportType");
  if (type != "swagger" && type != "oas30") {
    return errors::BadRequest("No API exporter for type '" + type + "'");
  }
  std::string accepts = in.String("accepts", "application/json");
  bool yaml = accepts.find("yaml") != std::string::npos;
  bool extensions = false;
  if (const Value* params = in.Value("parameters")) {
    std::string ext = json::GetStr(*params, "extensions");
    extensions = ext.find("integrations") != std::string::npos ||
                 ext.find("apigateway") != std::string::npos;
  }
  std::string host = id + ".execute-api." + ctx.scope.region + ".amazonaws.com";
  auto def = openapi::Export(*snap, stage, host, type == "oas30", extensions);
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  out.AddMember("body", Str(yaml ? JsonToYaml(def) : json::Write(def), a), a);
  out.AddMember("contentType", yaml ? "application/yaml" : "application/json", a);
  out.AddMember("contentDisposition",
                Str("attachment; filename=\"" + type + "_" + json::GetStr((**api)["restApi"], "name") +
                        (yaml ? ".yaml\"" : ".json\""),
                    a),
                a);
  return out;
}

}  // namespace nimbus::apigateway
