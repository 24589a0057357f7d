#include "services/apigateway/apigateway_service.h"

namespace nimbus::apigateway {

void ApiGatewayService::Register(OperationTable& /*table*/) {}

}  // namespace nimbus::apigateway
