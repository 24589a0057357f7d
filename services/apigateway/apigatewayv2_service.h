#pragma once

#include "services/common/service.h"

namespace nimbus::apigateway {

// API Gateway HTTP APIs, v2 (issue 9). Operations not yet registered answer 501.
class ApiGatewayV2Service final : public Service {
 public:
  std::string_view Name() const override { return "apigatewayv2"; }
  void Register(OperationTable& table) override;
};

}  // namespace nimbus::apigateway
