// ImportApi, ReimportApi and ExportApi: HTTP APIs from and to OpenAPI 3 definitions with the
// x-amazon-apigateway-* extensions.
#include <algorithm>
#include <map>

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/apigatewayv2_internal.h"
#include "services/apigateway/apigatewayv2_service.h"
#include "services/apigateway/integration_subtypes.h"
#include "services/apigateway/json_util.h"
#include "services/apigateway/openapi.h"
#include "services/apigateway/yaml_json.h"

namespace nimbus::apigateway {
using json::Str;
using rapidjson::Value;
using v2internal::IntegrationDefaults;
using v2internal::kApi;

namespace {
Output Copy(const Value& v) { return json::Clone(v); }
}  // namespace

// ---- Import -------------------------------------------------------------------------------------

std::optional<AwsError> ApiGatewayV2Service::ImportDefinition(const RequestContext&,
                                                              rapidjson::Document& api,
                                                              const std::string& body) {
  auto def = openapi::ParseDefinition(body);
  if (!def || !def->HasMember("openapi")) {
    return errors::BadRequest("Invalid OpenAPI input: HTTP APIs import OpenAPI 3.0 definitions");
  }
  auto& a = api.GetAllocator();
  Value& info = api["api"];
  if (const Value* i = json::Get(*def, "info")) {
    if (json::Get(*i, "title")) {
      json::SetStr(info, "Name", json::GetStr(*i, "title"), a);
    }
    if (json::Get(*i, "description")) {
      json::SetStr(info, "Description", json::GetStr(*i, "description"), a);
    }
    if (json::Get(*i, "version")) {
      json::SetStr(info, "Version", json::GetStr(*i, "version"), a);
    }
  }
  if (const Value* cors = json::Get(*def, "x-amazon-apigateway-cors"); cors && cors->IsObject()) {
    Value c(rapidjson::kObjectType);
    for (auto it = cors->MemberBegin(); it != cors->MemberEnd(); ++it) {
      std::string k = it->name.GetString();
      if (!k.empty()) {
        k[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(k[0])));
      }
      c.AddMember(Str(k, a), Value(it->value, a), a);
    }
    json::Set(info, "CorsConfiguration", std::move(c), a);
  }
  api["routes"].SetObject();
  api["integrations"].SetObject();
  api["authorizers"].SetObject();
  std::map<std::string, std::string> authorizer_ids;
  const Value* components = json::Get(*def, "components");
  const Value* schemes = components ? json::Get(*components, "securitySchemes") : nullptr;
  if (schemes && schemes->IsObject()) {
    for (auto it = schemes->MemberBegin(); it != schemes->MemberEnd(); ++it) {
      const Value* x = json::Get(it->value, "x-amazon-apigateway-authorizer");
      if (x == nullptr) {
        continue;
      }
      std::string id = json::NewId(6);
      Value auth(rapidjson::kObjectType);
      auth.AddMember("AuthorizerId", Str(id, a), a);
      auth.AddMember("Name", Value(it->name, a), a);
      std::string type = json::GetStr(*x, "type");
      auth.AddMember("AuthorizerType", Str(type == "jwt" ? "JWT" : "REQUEST", a), a);
      Value sources(rapidjson::kArrayType);
      std::string source = json::GetStr(*x, "identitySource");
      if (!source.empty()) {
        sources.PushBack(Str(source, a), a);
      }
      auth.AddMember("IdentitySource", sources, a);
      if (const Value* jwt = json::Get(*x, "jwtConfiguration")) {
        Value cfg(rapidjson::kObjectType);
        if (json::Get(*jwt, "issuer")) {
          cfg.AddMember("Issuer", Str(json::GetStr(*jwt, "issuer"), a), a);
        }
        if (const Value* aud = json::Get(*jwt, "audience")) {
          cfg.AddMember("Audience", Value(*aud, a), a);
        }
        auth.AddMember("JwtConfiguration", cfg, a);
      }
      if (json::Get(*x, "authorizerUri")) {
        auth.AddMember("AuthorizerUri", Str(json::GetStr(*x, "authorizerUri"), a), a);
      }
      auth.AddMember("AuthorizerPayloadFormatVersion",
                     Str(json::GetStr(*x, "authorizerPayloadFormatVersion", "2.0"), a), a);
      auth.AddMember("EnableSimpleResponses", json::GetBool(*x, "enableSimpleResponses"), a);
      api["authorizers"].AddMember(Str(id, a), auth, a);
      authorizer_ids[it->name.GetString()] = id;
    }
  }
  const Value* paths = json::Get(*def, "paths");
  if (paths == nullptr || !paths->IsObject()) {
    return std::nullopt;
  }
  static const char* const kOps[] = {"get",  "put",     "post", "delete",
                                     "patch", "head", "options", "x-amazon-apigateway-any-method"};
  for (auto p = paths->MemberBegin(); p != paths->MemberEnd(); ++p) {
    for (const char* op_name : kOps) {
      const Value* op = json::Get(p->value, op_name);
      if (op == nullptr) {
        continue;
      }
      std::string method = std::string(op_name) == "x-amazon-apigateway-any-method" ? "ANY" : op_name;
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      std::string path = p->name.GetString();
      std::string key = path == "$default" ? "$default" : method + " " + path;
      Value route(rapidjson::kObjectType);
      std::string route_id = json::NewId(7);
      route.AddMember("RouteId", Str(route_id, a), a);
      route.AddMember("RouteKey", Str(key, a), a);
      route.AddMember("ApiKeyRequired", false, a);
      route.AddMember("ApiGatewayManaged", false, a);
      std::string auth_type = "NONE";
      if (const Value* sec = json::Get(*op, "security"); sec && sec->IsArray()) {
        for (const auto& req : sec->GetArray()) {
          if (!req.IsObject()) {
            continue;
          }
          for (auto s = req.MemberBegin(); s != req.MemberEnd(); ++s) {
            auto found = authorizer_ids.find(s->name.GetString());
            if (found == authorizer_ids.end()) {
              continue;
            }
            route.AddMember("AuthorizerId", Str(found->second, a), a);
            auth_type = json::GetStr(api["authorizers"][found->second.c_str()], "AuthorizerType") ==
                                "JWT"
                            ? "JWT"
                            : "CUSTOM";
            if (s->value.IsArray() && !s->value.Empty()) {
              route.AddMember("AuthorizationScopes", Value(s->value, a), a);
            }
          }
        }
      }
      route.AddMember("AuthorizationType", Str(auth_type, a), a);
      if (const Value* x = json::Get(*op, "x-amazon-apigateway-integration")) {
        std::string integ_id = json::NewId(7);
        Value integ(rapidjson::kObjectType);
        integ.AddMember("IntegrationId", Str(integ_id, a), a);
        std::string type = json::GetStr(*x, "type", "aws_proxy");
        std::transform(type.begin(), type.end(), type.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        integ.AddMember("IntegrationType", Str(type, a), a);
        std::string subtype = json::GetStr(*x, "integrationSubtype");
        if (!subtype.empty()) {
          // A first-class integration: the subtype and its parameters, no URI or method.
          integ.AddMember("IntegrationSubtype", Str(subtype, a), a);
          if (const Value* p = json::Get(*x, "requestParameters"); p && p->IsObject()) {
            integ.AddMember("RequestParameters", Value(*p, a), a);
          }
        } else {
          integ.AddMember("IntegrationUri", Str(json::GetStr(*x, "uri"), a), a);
          integ.AddMember("IntegrationMethod", Str(json::GetStr(*x, "httpMethod", "POST"), a),
                          a);
        }
        if (json::Get(*x, "credentials")) {
          integ.AddMember("CredentialsArn", Str(json::GetStr(*x, "credentials"), a), a);
        }
        if (json::Get(*x, "payloadFormatVersion")) {
          integ.AddMember("PayloadFormatVersion",
                          Str(json::GetStr(*x, "payloadFormatVersion"), a), a);
        }
        if (const Value* t = json::Get(*x, "timeoutInMillis"); t && t->IsInt()) {
          integ.AddMember("TimeoutInMillis", Value(t->GetInt()), a);
        }
        integ.AddMember("ApiGatewayManaged", false, a);
        IntegrationDefaults(integ, a);
        if (auto err = CheckSubtypeIntegration(integ)) {
          return err;
        }
        api["integrations"].AddMember(Str(integ_id, a), integ, a);
        route.AddMember("Target", Str("integrations/" + integ_id, a), a);
      }
      api["routes"].AddMember(Str(route_id, a), route, a);
    }
  }
  return std::nullopt;
}

Result<Output> ApiGatewayV2Service::ImportApi(RequestContext& ctx, ParamReader& in) {
  std::string id = json::NewId();
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  Value api(rapidjson::kObjectType);
  api.AddMember("ApiId", Str(id, a), a);
  api.AddMember("ApiEndpoint",
                Str(v2internal::ApiEndpoint(id, ctx.host), a), a);
  api.AddMember("CreatedDate", Value(Now()), a);
  api.AddMember("ProtocolType", "HTTP", a);
  api.AddMember("ApiKeySelectionExpression", "$request.header.x-api-key", a);
  api.AddMember("RouteSelectionExpression", "$request.method $request.path", a);
  api.AddMember("DisableExecuteApiEndpoint", false, a);
  api.AddMember("Tags", Value(rapidjson::kObjectType), a);
  doc.AddMember("api", api, a);
  for (const char* kind : {"routes", "integrations", "stages", "deployments", "snapshots",
                           "authorizers"}) {
    doc.AddMember(Str(kind, a), Value(rapidjson::kObjectType), a);
  }
  if (auto err = ImportDefinition(ctx, doc, in.String("Body"))) {
    return *err;
  }
  if (json::GetStr(doc["api"], "Name").empty()) {
    return errors::BadRequest("Invalid OpenAPI input: info.title is required");
  }
  store_->Put(ctx.scope, kApi, id, std::move(doc));
  return Copy((*store_->Find(ctx.scope, kApi, id))["api"]);
}

Result<Output> ApiGatewayV2Service::ReimportApi(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("ApiId");
  auto api = Api(ctx, id);
  if (!api) {
    return api.error();
  }
  rapidjson::Document copy = json::Clone(**api);
  if (auto err = ImportDefinition(ctx, copy, in.String("Body"))) {
    return *err;
  }
  store_->Put(ctx.scope, kApi, id, std::move(copy));
  Changed(ctx, id);
  return Copy((*store_->Find(ctx.scope, kApi, id))["api"]);
}

Result<Output> ApiGatewayV2Service::ExportApi(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("ApiId");
  auto api = Api(ctx, id);
  if (!api) {
    return api.error();
  }
  if (in.String("Specification") != "OAS30") {
    return errors::BadRequest("Unsupported specification: " + in.String("Specification"));
  }
  std::string output_type = in.String("OutputType");
  if (output_type != "JSON" && output_type != "YAML") {
    return errors::BadRequest("Unsupported output type: " + output_type);
  }
  // The stage's deployment when one is named, else the current configuration.
  const Value* source = &(**api);
  std::string stage = in.String("StageName");
  if (!stage.empty()) {
    const Value* st = json::Get((**api)["stages"], stage);
    if (st == nullptr) {
      return errors::NotFound("Invalid Stage identifier specified " + stage);
    }
    source = json::Get((**api)["snapshots"], json::GetStr(*st, "DeploymentId"));
    if (source == nullptr) {
      return errors::BadRequest("Stage " + stage + " has no deployment");
    }
  }
  bool extensions = in.Bool("IncludeExtensions", true);
  rapidjson::Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  const Value& info_src = (*source)["api"];
  out.AddMember("openapi", "3.0.1", a);
  Value info(rapidjson::kObjectType);
  info.AddMember("title", Str(json::GetStr(info_src, "Name"), a), a);
  info.AddMember("version", Str(json::GetStr(info_src, "Version", "1.0"), a), a);
  if (json::Get(info_src, "Description")) {
    info.AddMember("description", Str(json::GetStr(info_src, "Description"), a), a);
  }
  out.AddMember("info", info, a);
  Value paths(rapidjson::kObjectType);
  const Value& routes = (*source)["routes"];
  const Value& integrations = (*source)["integrations"];
  for (auto it = routes.MemberBegin(); it != routes.MemberEnd(); ++it) {
    std::string key = json::GetStr(it->value, "RouteKey");
    std::string method = "x-amazon-apigateway-any-method";
    std::string path = key;
    if (auto space = key.find(' '); space != std::string::npos) {
      method = key.substr(0, space);
      path = key.substr(space + 1);
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (method == "any") {
        method = "x-amazon-apigateway-any-method";
      }
    }
    Value op(rapidjson::kObjectType);
    Value responses(rapidjson::kObjectType);
    Value ok(rapidjson::kObjectType);
    ok.AddMember("description", "Default response", a);
    responses.AddMember("default", ok, a);
    op.AddMember("responses", responses, a);
    std::string target = json::GetStr(it->value, "Target");
    const Value* integ = target.rfind("integrations/", 0) == 0
                             ? json::Get(integrations, target.substr(13))
                             : nullptr;
    if (extensions && integ != nullptr) {
      Value x(rapidjson::kObjectType);
      std::string type = json::GetStr(*integ, "IntegrationType");
      std::transform(type.begin(), type.end(), type.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      x.AddMember("type", Str(type, a), a);
      if (std::string subtype = json::GetStr(*integ, "IntegrationSubtype"); !subtype.empty()) {
        x.AddMember("integrationSubtype", Str(subtype, a), a);
        if (const Value* p = json::Get(*integ, "RequestParameters")) {
          x.AddMember("requestParameters", Value(*p, a), a);
        }
      } else {
        x.AddMember("uri", Str(json::GetStr(*integ, "IntegrationUri"), a), a);
        x.AddMember("httpMethod", Str(json::GetStr(*integ, "IntegrationMethod", "POST"), a), a);
      }
      if (json::Get(*integ, "CredentialsArn")) {
        x.AddMember("credentials", Str(json::GetStr(*integ, "CredentialsArn"), a), a);
      }
      x.AddMember("payloadFormatVersion",
                  Str(json::GetStr(*integ, "PayloadFormatVersion", "1.0"), a), a);
      if (const Value* t = json::Get(*integ, "TimeoutInMillis"); t && t->IsInt()) {
        x.AddMember("timeoutInMillis", Value(t->GetInt()), a);
      }
      x.AddMember("connectionType", "INTERNET", a);
      op.AddMember("x-amazon-apigateway-integration", x, a);
    }
    Value& item = json::Child(paths, path, a);
    json::Set(item, method, std::move(op), a);
  }
  out.AddMember("paths", paths, a);
  if (extensions) {
    if (const Value* cors = json::Get(info_src, "CorsConfiguration")) {
      Value c(rapidjson::kObjectType);
      for (auto it = cors->MemberBegin(); it != cors->MemberEnd(); ++it) {
        std::string k = it->name.GetString();
        k[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(k[0])));
        c.AddMember(Str(k, a), Value(it->value, a), a);
      }
      out.AddMember("x-amazon-apigateway-cors", c, a);
    }
  }
  Output result;
  result.SetObject();
  result.AddMember("body",
                   Str(output_type == "YAML" ? JsonToYaml(out) : json::Write(out),
                       result.GetAllocator()),
                   result.GetAllocator());
  return result;
}

}  // namespace nimbus::apigateway
