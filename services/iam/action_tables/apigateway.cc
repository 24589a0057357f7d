// API Gateway (v1 and v2): AWS names its control-plane actions by HTTP method
// (apigateway:GET, apigateway:POST, ...) on arn:aws:apigateway:<region>::<path>.
#include "services/iam/action_tables/action_table.h"

namespace nimbus::iam {
namespace {

std::string PathResource(const ActionInput& in) {
  return "arn:aws:apigateway:" + in.scope.region + "::" + (in.path.empty() ? "/" : in.path);
}

}  // namespace

// Every operation maps through the HTTP method; the table has no per-operation rows.
const ServiceActionTable& ApiGatewayActions() {
  static const ServiceActionTable kTable{"apigateway", "apigateway", {}, PathResource};
  return kTable;
}

const ServiceActionTable& ApiGatewayV2Actions() {
  static const ServiceActionTable kTable{"apigatewayv2", "apigateway", {}, PathResource};
  return kTable;
}

}  // namespace nimbus::iam
