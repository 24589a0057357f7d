#include "services/apigateway/openapi.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/json_util.h"
#include "services/apigateway/yaml_json.h"

namespace nimbus::apigateway::openapi {
namespace {

using json::Str;
using rapidjson::Value;

const char* const kOperations[] = {"get",  "put",     "post", "delete",
                                   "patch", "head", "options", "x-amazon-apigateway-any-method"};

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}
std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The resource for `path`, creating the missing resources on the way.
std::string EnsureResource(Value& resources, const std::string& root_id, const std::string& path,
                           json::Alloc& a) {
  std::string current_id = root_id;
  std::string current_path;
  size_t start = 0;
  while (start < path.size()) {
    size_t pos = path.find('/', start);
    if (pos == std::string::npos) {
      pos = path.size();
    }
    std::string part = path.substr(start, pos - start);
    start = pos + 1;
    if (part.empty()) {
      continue;
    }
    current_path += "/" + part;
    std::string found;
    for (auto it = resources.MemberBegin(); it != resources.MemberEnd(); ++it) {
      if (json::GetStr(it->value, "parentId") == current_id &&
          json::GetStr(it->value, "pathPart") == part) {
        found = it->name.GetString();
        break;
      }
    }
    if (found.empty()) {
      found = json::NewId();
      Value r(rapidjson::kObjectType);
      r.AddMember("id", Str(found, a), a);
      r.AddMember("parentId", Str(current_id, a), a);
      r.AddMember("pathPart", Str(part, a), a);
      r.AddMember("path", Str(current_path, a), a);
      resources.AddMember(Str(found, a), r, a);
    }
    current_id = found;
  }
  return current_id;
}

// Security scheme objects: Swagger 2 securityDefinitions or OAS3 components.securitySchemes.
const Value* SecuritySchemes(const Value& def) {
  if (const Value* s = json::Get(def, "securityDefinitions")) {
    return s;
  }
  if (const Value* c = json::Get(def, "components")) {
    return json::Get(*c, "securitySchemes");
  }
  return nullptr;
}

const Value* Schemas(const Value& def) {
  if (const Value* s = json::Get(def, "definitions")) {
    return s;
  }
  if (const Value* c = json::Get(def, "components")) {
    return json::Get(*c, "schemas");
  }
  return nullptr;
}

// Copies a map of strings (requestTemplates and the like).
void CopyStringMap(const Value& from, const char* from_key, Value& to, const char* to_key,
                   json::Alloc& a) {
  const Value* m = json::Get(from, from_key);
  if (m == nullptr || !m->IsObject()) {
    return;
  }
  Value out(rapidjson::kObjectType);
  for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
    if (it->value.IsString()) {
      out.AddMember(Value(it->name, a), Value(it->value, a), a);
    }
  }
  json::Set(to, to_key, std::move(out), a);
}

Value ImportIntegration(const Value& x, const std::string& resource_id, json::Alloc& a) {
  Value integ(rapidjson::kObjectType);
  integ.AddMember("type", Str(Upper(json::GetStr(x, "type", "mock")), a), a);
  if (json::Get(x, "httpMethod")) {
    integ.AddMember("httpMethod", Str(Upper(json::GetStr(x, "httpMethod")), a), a);
  }
  if (json::Get(x, "uri")) {
    integ.AddMember("uri", Str(json::GetStr(x, "uri"), a), a);
  }
  json::CopyMembers(x, integ, {"credentials", "contentHandling", "connectionType", "connectionId"},
                    a);
  CopyStringMap(x, "requestParameters", integ, "requestParameters", a);
  CopyStringMap(x, "requestTemplates", integ, "requestTemplates", a);
  integ.AddMember("passthroughBehavior",
                  Str(Upper(json::GetStr(x, "passthroughBehavior", "when_no_match")), a), a);
  int64_t timeout = 29000;
  if (const Value* t = json::Get(x, "timeoutInMillis"); t && t->IsInt64()) {
    timeout = t->GetInt64();
  }
  integ.AddMember("timeoutInMillis", Value(timeout), a);
  integ.AddMember("cacheNamespace", Str(json::GetStr(x, "cacheNamespace", resource_id), a), a);
  Value keys(rapidjson::kArrayType);
  if (const Value* k = json::Get(x, "cacheKeyParameters"); k && k->IsArray()) {
    keys.CopyFrom(*k, a);
  }
  integ.AddMember("cacheKeyParameters", keys, a);
  if (const Value* responses = json::Get(x, "responses"); responses && responses->IsObject()) {
    Value out(rapidjson::kObjectType);
    for (auto it = responses->MemberBegin(); it != responses->MemberEnd(); ++it) {
      std::string pattern = it->name.GetString();
      std::string status = json::GetStr(it->value, "statusCode", "200");
      Value r(rapidjson::kObjectType);
      r.AddMember("statusCode", Str(status, a), a);
      if (pattern != "default") {
        r.AddMember("selectionPattern", Str(pattern, a), a);
      }
      CopyStringMap(it->value, "responseParameters", r, "responseParameters", a);
      CopyStringMap(it->value, "responseTemplates", r, "responseTemplates", a);
      json::CopyMembers(it->value, r, {"contentHandling"}, a);
      json::Set(out, status, std::move(r), a);
    }
    integ.AddMember("integrationResponses", out, a);
  }
  return integ;
}

// method.request.<location>.<name> for OpenAPI parameters ("in": path | query | header).
void ImportParameters(const Value* params, Value& request_parameters, json::Alloc& a) {
  if (params == nullptr || !params->IsArray()) {
    return;
  }
  for (const auto& p : params->GetArray()) {
    std::string in = json::GetStr(p, "in");
    std::string location = in == "query" ? "querystring" : in;
    if (location != "querystring" && location != "path" && location != "header") {
      continue;
    }
    std::string key = "method.request." + location + "." + json::GetStr(p, "name");
    json::Set(request_parameters, key, Value(json::GetBool(p, "required", in == "path")), a);
  }
}

}  // namespace

std::optional<rapidjson::Document> ParseDefinition(std::string_view body) {
  auto doc = json::Parse(body);
  if (doc && doc->IsObject()) {
    return doc;
  }
  // AWS accepts OpenAPI definitions in YAML too.
  auto yaml = YamlToJson(body);
  if (yaml && yaml->IsObject()) {
    return yaml;
  }
  return std::nullopt;
}

std::optional<AwsError> Import(const Value& def, rapidjson::Document& api, bool overwrite,
                               double now) {
  (void)now;
  auto& a = api.GetAllocator();
  if (!def.IsObject() || (!def.HasMember("swagger") && !def.HasMember("openapi"))) {
    return errors::BadRequest(
        "Invalid OpenAPI input. Only Swagger 2.0 and OpenAPI 3.x definitions are supported");
  }
  Value& rest = api["restApi"];
  if (const Value* info = json::Get(def, "info")) {
    if (overwrite || json::GetStr(rest, "name").empty()) {
      if (json::Get(*info, "title")) {
        json::SetStr(rest, "name", json::GetStr(*info, "title"), a);
      }
    }
    if (json::Get(*info, "description")) {
      json::SetStr(rest, "description", json::GetStr(*info, "description"), a);
    }
    if (json::Get(*info, "version")) {
      json::SetStr(rest, "version", json::GetStr(*info, "version"), a);
    }
  }
  if (const Value* b = json::Get(def, "x-amazon-apigateway-binary-media-types");
      b && b->IsArray()) {
    json::Set(rest, "binaryMediaTypes", Value(*b, a), a);
  }
  if (const Value* s = json::Get(def, "x-amazon-apigateway-api-key-source"); s && s->IsString()) {
    json::SetStr(rest, "apiKeySource", s->GetString(), a);
  }
  std::string root_id = json::GetStr(rest, "rootResourceId");
  Value& resources = api["resources"];
  if (overwrite) {
    // Keep only the root, without its methods.
    Value root(resources[root_id.c_str()], a);
    root.RemoveMember("resourceMethods");
    resources.SetObject();
    resources.AddMember(Str(root_id, a), root, a);
    api["authorizers"].SetObject();
    api["requestValidators"].SetObject();
  }
  // Models.
  if (const Value* schemas = Schemas(def); schemas && schemas->IsObject()) {
    Value& models = api["models"];
    for (auto it = schemas->MemberBegin(); it != schemas->MemberEnd(); ++it) {
      Value m(rapidjson::kObjectType);
      m.AddMember("id", Str(json::NewId(), a), a);
      m.AddMember("name", Value(it->name, a), a);
      m.AddMember("contentType", "application/json", a);
      m.AddMember("schema", Str(json::Write(it->value), a), a);
      json::Set(models, it->name.GetString(), std::move(m), a);
    }
  }
  // Authorizers: security schemes with x-amazon-apigateway-authorizer; API keys.
  std::map<std::string, std::string> authorizer_ids;
  std::map<std::string, bool> api_key_schemes;
  if (const Value* schemes = SecuritySchemes(def); schemes && schemes->IsObject()) {
    for (auto it = schemes->MemberBegin(); it != schemes->MemberEnd(); ++it) {
      std::string name = it->name.GetString();
      const Value* x = json::Get(it->value, "x-amazon-apigateway-authorizer");
      if (x == nullptr) {
        if (json::GetStr(it->value, "type") == "apiKey") {
          api_key_schemes[name] = true;
        }
        continue;
      }
      std::string id = json::NewId(6);
      Value auth(rapidjson::kObjectType);
      auth.AddMember("id", Str(id, a), a);
      auth.AddMember("name", Str(name, a), a);
      std::string type = Upper(json::GetStr(*x, "type", "token"));
      auth.AddMember("type", Str(type == "COGNITO_USER_POOLS" ? type : type, a), a);
      json::CopyMembers(*x, auth, {"authorizerUri", "authorizerCredentials",
                                   "identityValidationExpression", "providerARNs"},
                        a);
      std::string source = json::GetStr(*x, "identitySource");
      if (source.empty() && json::GetStr(it->value, "in") == "header") {
        source = "method.request.header." + json::GetStr(it->value, "name");
      }
      if (!source.empty()) {
        auth.AddMember("identitySource", Str(source, a), a);
      }
      int64_t ttl = 300;
      if (const Value* t = json::Get(*x, "authorizerResultTtlInSeconds"); t && t->IsInt64()) {
        ttl = t->GetInt64();
      }
      auth.AddMember("authorizerResultTtlInSeconds", Value(ttl), a);
      std::string auth_type = json::GetStr(it->value, "x-amazon-apigateway-authtype");
      if (!auth_type.empty()) {
        auth.AddMember("authType", Str(auth_type, a), a);
      }
      api["authorizers"].AddMember(Str(id, a), auth, a);
      authorizer_ids[name] = id;
    }
  }
  // Request validators.
  std::map<std::string, std::string> validator_ids;
  if (const Value* v = json::Get(def, "x-amazon-apigateway-request-validators");
      v && v->IsObject()) {
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
      std::string id = json::NewId(6);
      Value val(rapidjson::kObjectType);
      val.AddMember("id", Str(id, a), a);
      val.AddMember("name", Value(it->name, a), a);
      val.AddMember("validateRequestBody", json::GetBool(it->value, "validateRequestBody"), a);
      val.AddMember("validateRequestParameters",
                    json::GetBool(it->value, "validateRequestParameters"), a);
      api["requestValidators"].AddMember(Str(id, a), val, a);
      validator_ids[it->name.GetString()] = id;
    }
  }
  std::string default_validator = json::GetStr(def, "x-amazon-apigateway-request-validator");
  const Value* global_security = json::Get(def, "security");
  // Paths.
  const Value* paths = json::Get(def, "paths");
  if (paths != nullptr && paths->IsObject()) {
    for (auto p = paths->MemberBegin(); p != paths->MemberEnd(); ++p) {
      std::string path = p->name.GetString();
      std::string rid = EnsureResource(resources, root_id, path, a);
      Value& resource = resources[rid.c_str()];
      const Value* path_params = json::Get(p->value, "parameters");
      for (const char* op_name : kOperations) {
        const Value* op = json::Get(p->value, op_name);
        if (op == nullptr || !op->IsObject()) {
          continue;
        }
        std::string method = std::string(op_name) == "x-amazon-apigateway-any-method"
                                 ? "ANY"
                                 : Upper(op_name);
        Value m(rapidjson::kObjectType);
        m.AddMember("httpMethod", Str(method, a), a);
        std::string auth_type = "NONE";
        std::string authorizer_id;
        bool api_key = false;
        const Value* security = json::Get(*op, "security");
        if (security == nullptr) {
          security = global_security;
        }
        if (security != nullptr && security->IsArray()) {
          for (const auto& req : security->GetArray()) {
            if (!req.IsObject()) {
              continue;
            }
            for (auto s = req.MemberBegin(); s != req.MemberEnd(); ++s) {
              std::string name = s->name.GetString();
              if (auto found = authorizer_ids.find(name); found != authorizer_ids.end()) {
                authorizer_id = found->second;
                auth_type = "CUSTOM";
              } else if (api_key_schemes.count(name)) {
                api_key = true;
              } else if (name == "sigv4") {
                auth_type = "AWS_IAM";
              }
            }
          }
        }
        m.AddMember("authorizationType", Str(auth_type, a), a);
        if (!authorizer_id.empty()) {
          m.AddMember("authorizerId", Str(authorizer_id, a), a);
        }
        m.AddMember("apiKeyRequired", api_key, a);
        if (json::Get(*op, "operationId")) {
          m.AddMember("operationName", Str(json::GetStr(*op, "operationId"), a), a);
        }
        Value request_parameters(rapidjson::kObjectType);
        ImportParameters(path_params, request_parameters, a);
        ImportParameters(json::Get(*op, "parameters"), request_parameters, a);
        if (request_parameters.MemberCount() > 0) {
          m.AddMember("requestParameters", request_parameters, a);
        }
        std::string validator = json::GetStr(*op, "x-amazon-apigateway-request-validator",
                                             default_validator);
        if (auto v = validator_ids.find(validator); v != validator_ids.end()) {
          m.AddMember("requestValidatorId", Str(v->second, a), a);
        }
        if (const Value* responses = json::Get(*op, "responses");
            responses && responses->IsObject()) {
          Value mr(rapidjson::kObjectType);
          for (auto r = responses->MemberBegin(); r != responses->MemberEnd(); ++r) {
            std::string status = r->name.GetString();
            if (status.size() != 3) {
              continue;
            }
            Value resp(rapidjson::kObjectType);
            resp.AddMember("statusCode", Str(status, a), a);
            if (const Value* headers = json::Get(r->value, "headers");
                headers && headers->IsObject()) {
              Value params(rapidjson::kObjectType);
              for (auto h = headers->MemberBegin(); h != headers->MemberEnd(); ++h) {
                params.AddMember(
                    Str("method.response.header." + std::string(h->name.GetString()), a),
                    Value(false), a);
              }
              resp.AddMember("responseParameters", params, a);
            }
            mr.AddMember(Str(status, a), resp, a);
          }
          m.AddMember("methodResponses", mr, a);
        }
        if (const Value* x = json::Get(*op, "x-amazon-apigateway-integration")) {
          m.AddMember("methodIntegration", ImportIntegration(*x, rid, a), a);
        }
        Value& methods = json::Child(resource, "resourceMethods", a);
        json::Set(methods, method, std::move(m), a);
      }
    }
  }
  return std::nullopt;
}

rapidjson::Document Export(const Value& snapshot, const std::string& stage,
                           const std::string& host, bool oas3, bool extensions) {
  rapidjson::Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  const Value& rest = snapshot["restApi"];
  if (oas3) {
    out.AddMember("openapi", "3.0.1", a);
  } else {
    out.AddMember("swagger", "2.0", a);
  }
  Value info(rapidjson::kObjectType);
  info.AddMember("title", Str(json::GetStr(rest, "name"), a), a);
  if (json::Get(rest, "description")) {
    info.AddMember("description", Str(json::GetStr(rest, "description"), a), a);
  }
  info.AddMember("version", Str(json::GetStr(rest, "version", "1.0"), a), a);
  out.AddMember("info", info, a);
  if (oas3) {
    Value servers(rapidjson::kArrayType);
    Value server(rapidjson::kObjectType);
    server.AddMember("url", Str("http://" + host + "/{basePath}", a), a);
    Value vars(rapidjson::kObjectType);
    Value base(rapidjson::kObjectType);
    base.AddMember("default", Str(stage, a), a);
    vars.AddMember("basePath", base, a);
    server.AddMember("variables", vars, a);
    servers.PushBack(server, a);
    out.AddMember("servers", servers, a);
  } else {
    out.AddMember("host", Str(host, a), a);
    out.AddMember("basePath", Str("/" + stage, a), a);
    Value schemes(rapidjson::kArrayType);
    schemes.PushBack("https", a);
    out.AddMember("schemes", schemes, a);
  }
  // Authorizer id → scheme name, for security requirements.
  std::map<std::string, std::string> authorizer_names;
  Value schemes(rapidjson::kObjectType);
  if (const Value* auths = json::Get(snapshot, "authorizers"); auths && auths->IsObject()) {
    for (auto it = auths->MemberBegin(); it != auths->MemberEnd(); ++it) {
      std::string name = json::GetStr(it->value, "name");
      authorizer_names[it->name.GetString()] = name;
      Value scheme(rapidjson::kObjectType);
      scheme.AddMember("type", "apiKey", a);
      std::string source = json::GetStr(it->value, "identitySource");
      std::string header = source.rfind("method.request.header.", 0) == 0
                               ? source.substr(sizeof("method.request.header.") - 1)
                               : "Unused";
      scheme.AddMember("name", Str(header, a), a);
      scheme.AddMember("in", "header", a);
      scheme.AddMember("x-amazon-apigateway-authtype", "custom", a);
      if (extensions) {
        Value x(rapidjson::kObjectType);
        x.AddMember("type", Str(Lower(json::GetStr(it->value, "type")), a), a);
        json::CopyMembers(it->value, x,
                          {"authorizerUri", "authorizerCredentials", "identitySource",
                           "identityValidationExpression", "authorizerResultTtlInSeconds"},
                          a);
        scheme.AddMember("x-amazon-apigateway-authorizer", x, a);
      }
      schemes.AddMember(Str(name, a), scheme, a);
    }
  }
  bool any_api_key = false;
  Value paths(rapidjson::kObjectType);
  const Value& resources = snapshot["resources"];
  std::vector<std::pair<std::string, const Value*>> sorted;
  for (auto it = resources.MemberBegin(); it != resources.MemberEnd(); ++it) {
    sorted.emplace_back(json::GetStr(it->value, "path"), &it->value);
  }
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [path, resource] : sorted) {
    const Value* methods = json::Get(*resource, "resourceMethods");
    if (methods == nullptr || !methods->IsObject() || methods->MemberCount() == 0) {
      continue;
    }
    Value item(rapidjson::kObjectType);
    for (auto m = methods->MemberBegin(); m != methods->MemberEnd(); ++m) {
      std::string method = m->name.GetString();
      Value op(rapidjson::kObjectType);
      if (json::Get(m->value, "operationName")) {
        op.AddMember("operationId", Str(json::GetStr(m->value, "operationName"), a), a);
      }
      Value params(rapidjson::kArrayType);
      if (const Value* rp = json::Get(m->value, "requestParameters"); rp && rp->IsObject()) {
        for (auto p = rp->MemberBegin(); p != rp->MemberEnd(); ++p) {
          std::string key = p->name.GetString();  // method.request.<location>.<name>
          auto rest_of = key.substr(std::min(key.size(), sizeof("method.request.") - 1));
          auto dot = rest_of.find('.');
          if (dot == std::string::npos) {
            continue;
          }
          std::string location = rest_of.substr(0, dot);
          Value param(rapidjson::kObjectType);
          param.AddMember("name", Str(rest_of.substr(dot + 1), a), a);
          param.AddMember("in", Str(location == "querystring" ? "query" : location, a), a);
          param.AddMember("required", p->value.IsBool() && p->value.GetBool(), a);
          if (oas3) {
            Value schema(rapidjson::kObjectType);
            schema.AddMember("type", "string", a);
            param.AddMember("schema", schema, a);
          } else {
            param.AddMember("type", "string", a);
          }
          params.PushBack(param, a);
        }
      }
      if (!params.Empty()) {
        op.AddMember("parameters", params, a);
      }
      Value responses(rapidjson::kObjectType);
      if (const Value* mr = json::Get(m->value, "methodResponses"); mr && mr->IsObject()) {
        for (auto r = mr->MemberBegin(); r != mr->MemberEnd(); ++r) {
          Value resp(rapidjson::kObjectType);
          resp.AddMember("description", Str(std::string(r->name.GetString()) + " response", a),
                         a);
          responses.AddMember(Value(r->name, a), resp, a);
        }
      }
      op.AddMember("responses", responses, a);
      Value security(rapidjson::kArrayType);
      std::string auth_id = json::GetStr(m->value, "authorizerId");
      if (json::GetStr(m->value, "authorizationType") == "CUSTOM" &&
          authorizer_names.count(auth_id)) {
        Value req(rapidjson::kObjectType);
        req.AddMember(Str(authorizer_names[auth_id], a), Value(rapidjson::kArrayType), a);
        security.PushBack(req, a);
      }
      if (json::GetBool(m->value, "apiKeyRequired")) {
        any_api_key = true;
        Value req(rapidjson::kObjectType);
        req.AddMember("api_key", Value(rapidjson::kArrayType), a);
        security.PushBack(req, a);
      }
      if (!security.Empty()) {
        op.AddMember("security", security, a);
      }
      if (extensions) {
        if (const Value* integ = json::Get(m->value, "methodIntegration")) {
          Value x(rapidjson::kObjectType);
          x.AddMember("type", Str(Lower(json::GetStr(*integ, "type")), a), a);
          json::CopyMembers(*integ, x,
                            {"httpMethod", "uri", "credentials", "requestParameters",
                             "requestTemplates", "passthroughBehavior", "contentHandling",
                             "timeoutInMillis", "cacheNamespace", "cacheKeyParameters"},
                            a);
          if (json::Get(x, "passthroughBehavior")) {
            json::SetStr(x, "passthroughBehavior",
                         Lower(json::GetStr(x, "passthroughBehavior")), a);
          }
          if (const Value* ir = json::Get(*integ, "integrationResponses"); ir && ir->IsObject()) {
            Value xr(rapidjson::kObjectType);
            for (auto r = ir->MemberBegin(); r != ir->MemberEnd(); ++r) {
              Value resp(rapidjson::kObjectType);
              resp.AddMember("statusCode", Value(r->name, a), a);
              json::CopyMembers(r->value, resp,
                                {"responseParameters", "responseTemplates", "contentHandling"},
                                a);
              std::string pattern = json::GetStr(r->value, "selectionPattern", "default");
              json::Set(xr, pattern.empty() ? "default" : pattern, std::move(resp), a);
            }
            x.AddMember("responses", xr, a);
          }
          op.AddMember("x-amazon-apigateway-integration", x, a);
        }
      }
      std::string key = method == "ANY" ? "x-amazon-apigateway-any-method" : Lower(method);
      item.AddMember(Str(key, a), op, a);
    }
    paths.AddMember(Str(path, a), item, a);
  }
  out.AddMember("paths", paths, a);
  if (any_api_key) {
    Value scheme(rapidjson::kObjectType);
    scheme.AddMember("type", "apiKey", a);
    scheme.AddMember("name", "x-api-key", a);
    scheme.AddMember("in", "header", a);
    schemes.AddMember("api_key", scheme, a);
  }
  Value models(rapidjson::kObjectType);
  if (const Value* m = json::Get(snapshot, "models"); m && m->IsObject()) {
    for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
      if (auto schema = json::Parse(json::GetStr(it->value, "schema")); schema && schema->IsObject()) {
        schema->RemoveMember("$schema");
        models.AddMember(Value(it->name, a), Value(*schema, a), a);
      }
    }
  }
  if (oas3) {
    Value components(rapidjson::kObjectType);
    components.AddMember("schemas", models, a);
    if (schemes.MemberCount() > 0) {
      components.AddMember("securitySchemes", schemes, a);
    }
    out.AddMember("components", components, a);
  } else {
    out.AddMember("definitions", models, a);
    if (schemes.MemberCount() > 0) {
      out.AddMember("securityDefinitions", schemes, a);
    }
  }
  if (const Value* b = json::Get(rest, "binaryMediaTypes"); b && b->IsArray() && !b->Empty() &&
                                                          extensions) {
    out.AddMember("x-amazon-apigateway-binary-media-types", Value(*b, a), a);
  }
  return out;
}

}  // namespace nimbus::apigateway::openapi
