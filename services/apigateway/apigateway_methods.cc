// Methods, method responses, integrations and integration responses of a resource.
#include <set>

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/apigateway_internal.h"
#include "services/apigateway/apigateway_service.h"

namespace nimbus::apigateway {
using internal::Copy;
using internal::Empty;
using json::Str;
using rapidjson::Value;

namespace {

const std::set<std::string, std::less<>> kHttpMethods = {"GET",  "POST",    "PUT", "PATCH",
                                                         "DELETE", "HEAD", "OPTIONS", "ANY"};
const std::set<std::string, std::less<>> kAuthTypes = {"NONE", "AWS_IAM", "CUSTOM",
                                                       "COGNITO_USER_POOLS"};
const std::set<std::string, std::less<>> kIntegrationTypes = {"HTTP", "AWS", "MOCK",
                                                              "HTTP_PROXY", "AWS_PROXY"};

Value* Member(Value& obj, const std::string& key) {
  if (!obj.IsObject()) {
    return nullptr;
  }
  auto it = obj.FindMember(key.c_str());
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

}  // namespace

Result<Value*> ApiGatewayService::MethodIn(rapidjson::Document& api, ParamReader& in) {
  auto r = ResourceIn(api, in.String("resourceId"));
  if (!r) {
    return r.error();
  }
  Value* methods = Member(**r, "resourceMethods");
  Value* m = methods ? Member(*methods, in.String("httpMethod")) : nullptr;
  if (m == nullptr) {
    return errors::InvalidMethod();
  }
  return m;
}

Result<ApiGatewayService::MethodRef> ApiGatewayService::MethodOf(const RequestContext& ctx,
                                                                 ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto m = MethodIn(**api, in);
  if (!m) {
    return m.error();
  }
  return MethodRef{std::move(api_id), *api, *m};
}

Result<Output> ApiGatewayService::PutMethod(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto& a = (*api)->GetAllocator();
  auto r = ResourceIn(**api, in.String("resourceId"));
  if (!r) {
    return r.error();
  }
  std::string method = in.String("httpMethod");
  if (kHttpMethods.count(method) == 0) {
    return errors::BadRequest("Invalid HttpMethod specified. Valid options are GET,PUT,POST,"
                              "DELETE,PATCH,OPTIONS,HEAD,ANY");
  }
  std::string auth = in.String("authorizationType");
  if (kAuthTypes.count(auth) == 0) {
    return errors::BadRequest("Invalid authorization type specified. Valid options are NONE, "
                              "AWS_IAM, CUSTOM, COGNITO_USER_POOLS");
  }
  std::string authorizer = in.String("authorizerId");
  if ((auth == "CUSTOM" || auth == "COGNITO_USER_POOLS") &&
      json::Get((**api)["authorizers"], authorizer) == nullptr) {
    return errors::BadRequest("Invalid authorizer ID specified. Setting the authorization type "
                              "to " + auth + " requires a valid authorizer.");
  }
  std::string validator = in.String("requestValidatorId");
  if (!validator.empty() && json::Get((**api)["requestValidators"], validator) == nullptr) {
    return errors::BadRequest("Invalid Request Validator identifier specified");
  }
  Value& methods = json::Child(**r, "resourceMethods", a);
  if (json::Get(methods, method) != nullptr) {
    return errors::Conflict("Method already exists for this resource");
  }
  Value m(rapidjson::kObjectType);
  m.AddMember("httpMethod", Str(method, a), a);
  m.AddMember("authorizationType", Str(auth, a), a);
  m.AddMember("apiKeyRequired", in.Bool("apiKeyRequired"), a);
  json::CopyMembers(in.params(), m,
                    {"authorizerId", "operationName", "requestParameters", "requestModels",
                     "requestValidatorId", "authorizationScopes"},
                    a);
  json::Set(methods, method, std::move(m), a);
  Save(ctx, api_id);
  return Copy(methods[method.c_str()]);
}

Result<Output> ApiGatewayService::GetMethod(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  return Copy(*m);
}

Result<Output> ApiGatewayService::UpdateMethod(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  if (auto err = json::ApplyPatch(*m, in.Value("patchOperations"), api->GetAllocator())) {
    return *err;
  }
  Save(ctx, api_id);
  return Copy(*m);
}

Result<Output> ApiGatewayService::DeleteMethod(RequestContext& ctx, ParamReader& in) {
  std::string api_id = in.String("restApiId");
  auto api = Api(ctx, api_id);
  if (!api) {
    return api.error();
  }
  auto r = ResourceIn(**api, in.String("resourceId"));
  if (!r) {
    return r.error();
  }
  Value* methods = Member(**r, "resourceMethods");
  if (methods == nullptr || !methods->RemoveMember(in.String("httpMethod").c_str())) {
    return errors::InvalidMethod();
  }
  Save(ctx, api_id);
  return Empty();
}

// ---- Method responses ---------------------------------------------------------------------------

Result<Output> ApiGatewayService::PutMethodResponse(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  auto& a = api->GetAllocator();
  std::string status = in.String("statusCode");
  if (status.size() != 3 || status[0] < '1' || status[0] > '5') {
    return errors::BadRequest("Invalid status code specified");
  }
  Value resp(rapidjson::kObjectType);
  resp.AddMember("statusCode", Str(status, a), a);
  json::CopyMembers(in.params(), resp, {"responseParameters", "responseModels"}, a);
  Value& responses = json::Child(*m, "methodResponses", a);
  json::Set(responses, status, std::move(resp), a);
  Save(ctx, api_id);
  return Copy(responses[status.c_str()]);
}

Result<Output> ApiGatewayService::GetMethodResponse(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  Value* responses = Member(*m, "methodResponses");
  Value* r = responses ? Member(*responses, in.String("statusCode")) : nullptr;
  if (r == nullptr) {
    return errors::InvalidResponseStatus();
  }
  return Copy(*r);
}

Result<Output> ApiGatewayService::UpdateMethodResponse(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  Value* responses = Member(*m, "methodResponses");
  Value* r = responses ? Member(*responses, in.String("statusCode")) : nullptr;
  if (r == nullptr) {
    return errors::InvalidResponseStatus();
  }
  if (auto err = json::ApplyPatch(*r, in.Value("patchOperations"), api->GetAllocator())) {
    return *err;
  }
  Save(ctx, api_id);
  return Copy(*r);
}

Result<Output> ApiGatewayService::DeleteMethodResponse(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  Value* responses = Member(*m, "methodResponses");
  if (responses == nullptr || !responses->RemoveMember(in.String("statusCode").c_str())) {
    return errors::InvalidResponseStatus();
  }
  Save(ctx, api_id);
  return Empty();
}

// ---- Integrations -------------------------------------------------------------------------------

Result<Output> ApiGatewayService::PutIntegration(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  auto& a = api->GetAllocator();
  std::string type = in.String("type");
  if (kIntegrationTypes.count(type) == 0) {
    return errors::BadRequest("Invalid integration type specified. Valid values are HTTP, "
                              "HTTP_PROXY, AWS, AWS_PROXY, MOCK");
  }
  std::string uri = in.String("uri");
  std::string http_method = in.String("integrationHttpMethod");
  if (type != "MOCK") {
    if (http_method.empty()) {
      return errors::BadRequest("Enumeration value for HttpMethod must be non-empty");
    }
    if (uri.empty()) {
      return errors::BadRequest("Invalid ARN specified in the request");
    }
  }
  if ((type == "AWS" || type == "AWS_PROXY") && uri.rfind("arn:", 0) != 0) {
    return errors::BadRequest("AWS ARN for integration must contain path or action");
  }
  if ((type == "HTTP" || type == "HTTP_PROXY") && uri.rfind("http://", 0) != 0 &&
      uri.rfind("https://", 0) != 0) {
    return errors::BadRequest("Invalid HTTP endpoint specified for URI");
  }
  Value integ(rapidjson::kObjectType);
  integ.AddMember("type", Str(type, a), a);
  if (!http_method.empty()) {
    integ.AddMember("httpMethod", Str(http_method, a), a);
  }
  if (!uri.empty()) {
    integ.AddMember("uri", Str(uri, a), a);
  }
  json::CopyMembers(in.params(), integ,
                    {"connectionType", "connectionId", "credentials", "requestParameters",
                     "requestTemplates", "contentHandling", "tlsConfig"},
                    a);
  integ.AddMember("passthroughBehavior",
                  Str(in.String("passthroughBehavior", "WHEN_NO_MATCH"), a), a);
  integ.AddMember("timeoutInMillis", Value(in.Int("timeoutInMillis", 29000)), a);
  integ.AddMember("cacheNamespace", Str(in.String("cacheNamespace", in.String("resourceId")), a),
                  a);
  Value keys(rapidjson::kArrayType);
  if (const Value* k = in.Value("cacheKeyParameters"); k != nullptr && k->IsArray()) {
    keys.CopyFrom(*k, a);
  }
  integ.AddMember("cacheKeyParameters", keys, a);
  // A replaced integration keeps its responses, as AWS does.
  if (Value* old = Member(*m, "methodIntegration")) {
    if (Value* responses = Member(*old, "integrationResponses")) {
      integ.AddMember("integrationResponses", Value(*responses, a), a);
    }
  }
  json::Set(*m, "methodIntegration", std::move(integ), a);
  Save(ctx, api_id);
  return Copy((*m)["methodIntegration"]);
}

Result<Output> ApiGatewayService::GetIntegration(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  Value* integ = Member(*m, "methodIntegration");
  if (integ == nullptr) {
    return errors::NoIntegration();
  }
  return Copy(*integ);
}

Result<Output> ApiGatewayService::UpdateIntegration(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  Value* integ = Member(*m, "methodIntegration");
  if (integ == nullptr) {
    return errors::NoIntegration();
  }
  if (auto err = json::ApplyPatch(*integ, in.Value("patchOperations"), api->GetAllocator())) {
    return *err;
  }
  Save(ctx, api_id);
  return Copy(*integ);
}

Result<Output> ApiGatewayService::DeleteIntegration(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  if (!m->RemoveMember("methodIntegration")) {
    return errors::NoIntegration();
  }
  Save(ctx, api_id);
  return Empty();
}

// ---- Integration responses ----------------------------------------------------------------------

Result<Output> ApiGatewayService::PutIntegrationResponse(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  auto& a = api->GetAllocator();
  Value* integ = Member(*m, "methodIntegration");
  if (integ == nullptr) {
    return errors::NoIntegration();
  }
  std::string status = in.String("statusCode");
  Value resp(rapidjson::kObjectType);
  resp.AddMember("statusCode", Str(status, a), a);
  json::CopyMembers(in.params(), resp,
                    {"selectionPattern", "responseParameters", "responseTemplates",
                     "contentHandling"},
                    a);
  if (!resp.HasMember("responseTemplates")) {
    // AWS: an integration response without templates reports {"application/json": null}.
    Value templates(rapidjson::kObjectType);
    templates.AddMember("application/json", Value(rapidjson::kNullType), a);
    resp.AddMember("responseTemplates", templates, a);
  }
  Value& responses = json::Child(*integ, "integrationResponses", a);
  json::Set(responses, status, std::move(resp), a);
  Save(ctx, api_id);
  return Copy(responses[status.c_str()]);
}

Result<Output> ApiGatewayService::GetIntegrationResponse(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  Value* integ = Member(*m, "methodIntegration");
  if (integ == nullptr) {
    return errors::NoIntegration();
  }
  Value* responses = Member(*integ, "integrationResponses");
  Value* r = responses ? Member(*responses, in.String("statusCode")) : nullptr;
  if (r == nullptr) {
    return errors::InvalidResponseStatus();
  }
  return Copy(*r);
}

Result<Output> ApiGatewayService::UpdateIntegrationResponse(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  Value* integ = Member(*m, "methodIntegration");
  Value* responses = integ ? Member(*integ, "integrationResponses") : nullptr;
  Value* r = responses ? Member(*responses, in.String("statusCode")) : nullptr;
  if (r == nullptr) {
    return errors::InvalidResponseStatus();
  }
  if (auto err = json::ApplyPatch(*r, in.Value("patchOperations"), api->GetAllocator())) {
    return *err;
  }
  Save(ctx, api_id);
  return Copy(*r);
}

Result<Output> ApiGatewayService::DeleteIntegrationResponse(RequestContext& ctx, ParamReader& in) {
  auto target = MethodOf(ctx, in);
  if (!target) {
    return target.error();
  }
  auto& [api_id, api, m] = *target;
  Value* integ = Member(*m, "methodIntegration");
  Value* responses = integ ? Member(*integ, "integrationResponses") : nullptr;
  if (responses == nullptr || !responses->RemoveMember(in.String("statusCode").c_str())) {
    return errors::InvalidResponseStatus();
  }
  Save(ctx, api_id);
  return Empty();
}

}  // namespace nimbus::apigateway
