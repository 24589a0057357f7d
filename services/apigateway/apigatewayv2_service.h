#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "services/apigateway/doc_store.h"
#include "services/apigateway/execute/targets.h"
#include "services/common/lazy.h"
#include "services/common/service.h"

namespace nimbus::apigateway {

// API Gateway HTTP APIs (v2): APIs, routes, integrations, stages (with auto-deploy),
// deployments, authorizers, CORS configuration, OpenAPI import. Each API is one JSON document
// (see doc_store.h) whose children are shaped like the model's outputs (PascalCase member
// names). A deployment freezes the routes, integrations and authorizers; stages with
// AutoDeploy get a new deployment after every change. Handlers run on the service's strand.
class ApiGatewayV2Service final : public Service {
 public:
  std::string_view Name() const override { return "apigatewayv2"; }
  void Register(OperationTable& table) override;
  void Start(const ServiceEnv& env) override;
  void Reset() override;

  // For the execute-api data plane (on this strand): the deployed API for a request whose
  // first path segment is `first_segment`: that stage if it exists (`*stage_in_path` true),
  // else the $default stage. nullptr when neither is deployed; `*api_exists` then tells an
  // undeployed HTTP API from no HTTP API at all.
  std::shared_ptr<const DeployedApi> FindTarget(const std::string& api_id,
                                                const std::string& first_segment,
                                                bool* stage_in_path,
                                                bool* api_exists = nullptr);

  Result<Output> CreateApi(RequestContext& ctx, ParamReader& in);
  Result<Output> GetApi(RequestContext& ctx, ParamReader& in);
  Result<Output> GetApis(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateApi(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteApi(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteCorsConfiguration(RequestContext& ctx, ParamReader& in);
  Result<Output> ImportApi(RequestContext& ctx, ParamReader& in);
  Result<Output> ReimportApi(RequestContext& ctx, ParamReader& in);
  Result<Output> ExportApi(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateRoute(RequestContext& ctx, ParamReader& in);
  Result<Output> GetRoute(RequestContext& ctx, ParamReader& in);
  Result<Output> GetRoutes(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateRoute(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteRoute(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateIntegration(RequestContext& ctx, ParamReader& in);
  Result<Output> GetIntegration(RequestContext& ctx, ParamReader& in);
  Result<Output> GetIntegrations(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateIntegration(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteIntegration(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateStage(RequestContext& ctx, ParamReader& in);
  Result<Output> GetStage(RequestContext& ctx, ParamReader& in);
  Result<Output> GetStages(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateStage(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteStage(RequestContext& ctx, ParamReader& in);
  Result<Output> ResetAuthorizersCache(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateDeployment(RequestContext& ctx, ParamReader& in);
  Result<Output> GetDeployment(RequestContext& ctx, ParamReader& in);
  Result<Output> GetDeployments(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateDeployment(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteDeployment(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateAuthorizer(RequestContext& ctx, ParamReader& in);
  Result<Output> GetAuthorizer(RequestContext& ctx, ParamReader& in);
  Result<Output> GetAuthorizers(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateAuthorizer(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteAuthorizer(RequestContext& ctx, ParamReader& in);
  Result<Output> TagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> GetTags(RequestContext& ctx, ParamReader& in);

 private:
  Result<rapidjson::Document*> Api(const RequestContext& ctx, const std::string& id);
  // Persists an API after a change, auto-deploying the stages that ask for it.
  void Changed(const RequestContext& ctx, const std::string& id);
  std::string Deploy(rapidjson::Document& api, const std::string& description, bool automatic);
  Result<Output> GetChild(const RequestContext& ctx, ParamReader& in, const char* kind,
                          const char* id_member);
  Result<Output> ListChildren(const RequestContext& ctx, ParamReader& in, const char* kind);
  Result<Output> DeleteChild(const RequestContext& ctx, ParamReader& in, const char* kind,
                             const char* id_member);
  // Copies the request's members (but the ids) into `target`.
  void Merge(const ParamReader& in, rapidjson::Value& target, rapidjson::Document& api,
             std::initializer_list<const char*> skip);
  std::optional<AwsError> ImportDefinition(const RequestContext& ctx, rapidjson::Document& api,
                                           const std::string& body);
  double Now() const { return static_cast<double>(clock_->NowMillis() / 1000); }

  Lazy<DocStore> store_;
  const Clock* clock_ = &SystemClock::Instance();
  std::map<std::string, std::shared_ptr<const DeployedApi>> targets_;
};

}  // namespace nimbus::apigateway
