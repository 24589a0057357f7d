#pragma once

#include "services/common/service.h"

namespace nimbus::apigateway {

// API Gateway REST APIs, v1 (issue 9). Operations not yet registered answer 501.
class ApiGatewayService final : public Service {
 public:
  std::string_view Name() const override { return "apigateway"; }
  void Register(OperationTable& table) override;
};

}  // namespace nimbus::apigateway
