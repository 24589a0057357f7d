#include "services/apigateway/apigatewayv2_service.h"

namespace nimbus::apigateway {

void ApiGatewayV2Service::Register(OperationTable& /*table*/) {}

}  // namespace nimbus::apigateway
