#include "services/iam/action_tables/action_table.h"

namespace nimbus::iam {

std::string Param(const ActionInput& in, const char* name) {
  if (in.params == nullptr || !in.params->IsObject()) {
    return {};
  }
  auto it = in.params->FindMember(name);
  if (it == in.params->MemberEnd() || !it->value.IsString()) {
    return {};
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string AnyResource(const ActionInput&) { return "*"; }

ResolvedAction ResolveAction(std::string_view service, std::string_view operation,
                             const ActionInput& in) {
  static const ServiceActionTable* const kTables[] = {
      &SqsActions(),  &SnsActions(),  &LambdaActions(),     &IamActions(),
      &StsActions(),  &LogsActions(), &ApiGatewayActions(), &ApiGatewayV2Actions()};
  for (const auto* table : kTables) {
    if (table->service != service) {
      continue;
    }
    for (const auto& e : table->entries) {
      if (e.operation == operation) {
        if (e.action.empty()) {
          return {};
        }
        return {std::string(e.action), e.resource(in)};
      }
    }
    if (table->prefix == "apigateway") {
      return {"apigateway:" + in.http_method, table->fallback(in)};
    }
    return {std::string(table->prefix) + ":" + std::string(operation), table->fallback(in)};
  }
  return {std::string(service) + ":" + std::string(operation), "*"};
}

}  // namespace nimbus::iam
