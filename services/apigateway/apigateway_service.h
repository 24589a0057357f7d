#pragma once

#include <memory>
#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "services/apigateway/doc_store.h"
#include "services/apigateway/execute/targets.h"
#include "services/common/lazy.h"
#include "services/common/service.h"

namespace nimbus::apigateway {

// API Gateway REST APIs (v1): the control plane. Each REST API is one JSON document (see
// doc_store.h) holding its resources (with methods, integrations and their responses),
// deployments (each with a frozen snapshot of the resources, as AWS serves a stage from its
// deployment, not from the working copy), stages, models, request validators, authorizers and
// gateway responses; API keys and usage plans are documents of their own. The stored objects
// are shaped like the model's output shapes, so Get* answers are copies. All handlers run on
// the service's strand.
class ApiGatewayService final : public Service {
 public:
  std::string_view Name() const override { return "apigateway"; }
  void Register(OperationTable& table) override;
  void Start(const ServiceEnv& env) override;
  void Reset() override;

  // For the execute-api data plane (on this service's strand): the deployed API behind
  // `api_id`/`stage`, or nullptr. Cached until the API changes.
  std::shared_ptr<const RestTarget> FindTarget(const std::string& api_id,
                                               const std::string& stage);
  // Whether `key_value` is an enabled API key of a usage plan that covers the API stage, and
  // whether the plan's throttle (token bucket: rateLimit per second, burstLimit) and quota
  // (limit per DAY/WEEK/MONTH) let this request through; counts the request.
  struct KeyCheck {
    enum class Verdict { kOk, kForbidden, kThrottled, kQuotaExceeded } verdict =
        Verdict::kForbidden;
    std::string key_id;
  };
  KeyCheck CheckApiKey(const Scope& scope, const std::string& api_id, const std::string& stage,
                       const std::string& key_value);
  // The data plane's cache of Lambda authorizer answers (key: api, stage, authorizer,
  // identity), each kept for the authorizer's TTL.
  std::optional<std::string> CachedAuthorization(const std::string& key, int64_t now_ms);
  void CacheAuthorization(const std::string& key, std::string payload, int64_t expires_ms);

  // REST APIs
  Result<Output> CreateRestApi(RequestContext& ctx, ParamReader& in);
  Result<Output> GetRestApi(RequestContext& ctx, ParamReader& in);
  Result<Output> GetRestApis(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateRestApi(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteRestApi(RequestContext& ctx, ParamReader& in);
  Result<Output> ImportRestApi(RequestContext& ctx, ParamReader& in);
  Result<Output> PutRestApi(RequestContext& ctx, ParamReader& in);
  Result<Output> GetExport(RequestContext& ctx, ParamReader& in);
  // Resources, methods, integrations
  Result<Output> CreateResource(RequestContext& ctx, ParamReader& in);
  Result<Output> GetResource(RequestContext& ctx, ParamReader& in);
  Result<Output> GetResources(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateResource(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteResource(RequestContext& ctx, ParamReader& in);
  Result<Output> PutMethod(RequestContext& ctx, ParamReader& in);
  Result<Output> GetMethod(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateMethod(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteMethod(RequestContext& ctx, ParamReader& in);
  Result<Output> PutMethodResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> GetMethodResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateMethodResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteMethodResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> PutIntegration(RequestContext& ctx, ParamReader& in);
  Result<Output> GetIntegration(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateIntegration(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteIntegration(RequestContext& ctx, ParamReader& in);
  Result<Output> PutIntegrationResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> GetIntegrationResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateIntegrationResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteIntegrationResponse(RequestContext& ctx, ParamReader& in);
  // Deployments and stages
  Result<Output> CreateDeployment(RequestContext& ctx, ParamReader& in);
  Result<Output> GetDeployment(RequestContext& ctx, ParamReader& in);
  Result<Output> GetDeployments(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateDeployment(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteDeployment(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateStage(RequestContext& ctx, ParamReader& in);
  Result<Output> GetStage(RequestContext& ctx, ParamReader& in);
  Result<Output> GetStages(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateStage(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteStage(RequestContext& ctx, ParamReader& in);
  Result<Output> FlushStageAuthorizersCache(RequestContext& ctx, ParamReader& in);
  Result<Output> FlushStageCache(RequestContext& ctx, ParamReader& in);
  // Models, validators, authorizers, gateway responses
  Result<Output> CreateModel(RequestContext& ctx, ParamReader& in);
  Result<Output> GetModel(RequestContext& ctx, ParamReader& in);
  Result<Output> GetModels(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateModel(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteModel(RequestContext& ctx, ParamReader& in);
  Result<Output> GetModelTemplate(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateRequestValidator(RequestContext& ctx, ParamReader& in);
  Result<Output> GetRequestValidator(RequestContext& ctx, ParamReader& in);
  Result<Output> GetRequestValidators(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateRequestValidator(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteRequestValidator(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateAuthorizer(RequestContext& ctx, ParamReader& in);
  Result<Output> GetAuthorizer(RequestContext& ctx, ParamReader& in);
  Result<Output> GetAuthorizers(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateAuthorizer(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteAuthorizer(RequestContext& ctx, ParamReader& in);
  Result<Output> PutGatewayResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> GetGatewayResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> GetGatewayResponses(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateGatewayResponse(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteGatewayResponse(RequestContext& ctx, ParamReader& in);
  // API keys, usage plans, tags, account
  Result<Output> CreateApiKey(RequestContext& ctx, ParamReader& in);
  Result<Output> GetApiKey(RequestContext& ctx, ParamReader& in);
  Result<Output> GetApiKeys(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateApiKey(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteApiKey(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateUsagePlan(RequestContext& ctx, ParamReader& in);
  Result<Output> GetUsagePlan(RequestContext& ctx, ParamReader& in);
  Result<Output> GetUsagePlans(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateUsagePlan(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteUsagePlan(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateUsagePlanKey(RequestContext& ctx, ParamReader& in);
  Result<Output> GetUsagePlanKey(RequestContext& ctx, ParamReader& in);
  Result<Output> GetUsagePlanKeys(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteUsagePlanKey(RequestContext& ctx, ParamReader& in);
  Result<Output> TagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> GetTags(RequestContext& ctx, ParamReader& in);
  Result<Output> GetAccount(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateAccount(RequestContext& ctx, ParamReader& in);

 private:
  // The REST API document named by the request's restApiId.
  Result<rapidjson::Document*> Api(const RequestContext& ctx, const std::string& id);
  void Save(const RequestContext& ctx, const std::string& id);
  // A new REST API document (shared by CreateRestApi and ImportRestApi).
  rapidjson::Document& NewApi(const RequestContext& ctx, const std::string& id,
                              rapidjson::Document rest_api);
  // Replaces an API's resources with those of an OpenAPI/Swagger definition.
  std::optional<AwsError> LoadDefinition(const RequestContext& ctx, const std::string& id,
                                         const std::string& body, bool merge);
  Result<rapidjson::Value*> ResourceIn(rapidjson::Document& api, const std::string& id);
  Result<rapidjson::Value*> MethodIn(rapidjson::Document& api, ParamReader& in);
  // The method named by the request's restApiId, resourceId and httpMethod, with its API.
  struct MethodRef {
    std::string api_id;
    rapidjson::Document* api;
    rapidjson::Value* method;
  };
  Result<MethodRef> MethodOf(const RequestContext& ctx, ParamReader& in);
  // The child collection `kind` ("models", "stages", ...) of an API.
  Result<Output> ListChildren(const RequestContext& ctx, ParamReader& in, const char* kind,
                              bool paged);
  Result<Output> GetChild(const RequestContext& ctx, ParamReader& in, const char* kind,
                          const char* id_param, AwsError not_found);
  Result<Output> UpdateChild(const RequestContext& ctx, ParamReader& in, const char* kind,
                             const char* id_param, AwsError not_found);
  Result<Output> DeleteChild(const RequestContext& ctx, ParamReader& in, const char* kind,
                             const char* id_param, AwsError not_found);
  Result<Output> UsagePlanKeyOutput(const RequestContext& ctx, const std::string& key_id);
  double Now() const { return static_cast<double>(clock_->NowMillis() / 1000); }

  Lazy<DocStore> store_;
  const Clock* clock_ = &SystemClock::Instance();
  std::map<std::string, std::shared_ptr<const RestTarget>> targets_;  // api \x1f stage
  rapidjson::Document account_;
  std::map<std::string, std::pair<std::string, int64_t>> authorizations_;  // → payload, expiry
  // Usage per plan and key (plan \x1f key): the throttle's bucket and the quota's count.
  struct Usage {
    double tokens = -1;  // < 0: not started (a full bucket)
    int64_t refilled_ms = 0;
    int64_t period = -1;
    int64_t used = 0;
  };
  std::map<std::string, Usage> usage_;
};

}  // namespace nimbus::apigateway
