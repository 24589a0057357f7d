// Lambda operations → IAM actions and function/layer ARNs.
#include <algorithm>

#include "services/iam/action_tables/action_table.h"

namespace nimbus::iam {
namespace {

// FunctionName may be a name, a partial ARN (<account>:function:<name>) or a full ARN, each
// possibly with a ":qualifier"; Qualifier may also come separately.
std::string FunctionArn(const ActionInput& in) {
  std::string name = Param(in, "FunctionName");
  if (name.empty()) {
    return "*";
  }
  std::string prefix = "arn:aws:lambda:" + in.scope.region + ":";
  std::string arn;
  if (name.rfind("arn:", 0) == 0) {
    arn = name;
  } else if (name.find(":function:") != std::string::npos) {
    arn = prefix + name;
  } else {
    arn = prefix + in.scope.account_id + ":function:" + name;
  }
  std::string qualifier = Param(in, "Qualifier");
  // arn:aws:lambda:r:a:function:name has 7 fields; an 8th is a qualifier.
  size_t colons = static_cast<size_t>(std::count(arn.begin(), arn.end(), ':'));
  if (!qualifier.empty() && colons == 6) {
    arn += ":" + qualifier;
  }
  return arn;
}

std::string LayerArn(const ActionInput& in) {
  std::string name = Param(in, "LayerName");
  if (name.empty()) {
    return "*";
  }
  if (name.rfind("arn:", 0) == 0) {
    return name;
  }
  return "arn:aws:lambda:" + in.scope.region + ":" + in.scope.account_id + ":layer:" + name;
}

std::string MappingArn(const ActionInput& in) {
  std::string uuid = Param(in, "UUID");
  if (uuid.empty()) {
    return "*";
  }
  return "arn:aws:lambda:" + in.scope.region + ":" + in.scope.account_id +
         ":event-source-mapping:" + uuid;
}

std::string TaggedResource(const ActionInput& in) {
  std::string arn = Param(in, "Resource");
  return arn.empty() ? "*" : arn;
}

std::string FunctionOrAny(const ActionInput& in) {
  return Param(in, "FunctionName").empty() ? "*" : FunctionArn(in);
}

constexpr ActionEntry kEntries[] = {
    {"Invoke", "lambda:InvokeFunction", FunctionArn},
    {"InvokeAsync", "lambda:InvokeFunction", FunctionArn},
    {"InvokeWithResponseStream", "lambda:InvokeFunction", FunctionArn},
    {"CreateFunction", "lambda:CreateFunction", FunctionArn},
    {"DeleteFunction", "lambda:DeleteFunction", FunctionArn},
    {"GetFunction", "lambda:GetFunction", FunctionArn},
    {"GetFunctionConfiguration", "lambda:GetFunctionConfiguration", FunctionArn},
    {"UpdateFunctionCode", "lambda:UpdateFunctionCode", FunctionArn},
    {"UpdateFunctionConfiguration", "lambda:UpdateFunctionConfiguration", FunctionArn},
    {"ListFunctions", "lambda:ListFunctions", AnyResource},
    {"AddPermission", "lambda:AddPermission", FunctionArn},
    {"RemovePermission", "lambda:RemovePermission", FunctionArn},
    {"GetPolicy", "lambda:GetPolicy", FunctionArn},
    {"PublishVersion", "lambda:PublishVersion", FunctionArn},
    {"ListVersionsByFunction", "lambda:ListVersionsByFunction", FunctionArn},
    {"CreateAlias", "lambda:CreateAlias", FunctionArn},
    {"GetAlias", "lambda:GetAlias", FunctionArn},
    {"UpdateAlias", "lambda:UpdateAlias", FunctionArn},
    {"DeleteAlias", "lambda:DeleteAlias", FunctionArn},
    {"ListAliases", "lambda:ListAliases", FunctionArn},
    {"CreateEventSourceMapping", "lambda:CreateEventSourceMapping", AnyResource},
    {"GetEventSourceMapping", "lambda:GetEventSourceMapping", MappingArn},
    {"UpdateEventSourceMapping", "lambda:UpdateEventSourceMapping", MappingArn},
    {"DeleteEventSourceMapping", "lambda:DeleteEventSourceMapping", MappingArn},
    {"ListEventSourceMappings", "lambda:ListEventSourceMappings", AnyResource},
    {"PublishLayerVersion", "lambda:PublishLayerVersion", LayerArn},
    {"GetLayerVersion", "lambda:GetLayerVersion", LayerArn},
    {"DeleteLayerVersion", "lambda:DeleteLayerVersion", LayerArn},
    {"ListLayerVersions", "lambda:ListLayerVersions", AnyResource},
    {"ListLayers", "lambda:ListLayers", AnyResource},
    {"TagResource", "lambda:TagResource", TaggedResource},
    {"UntagResource", "lambda:UntagResource", TaggedResource},
    {"ListTags", "lambda:ListTags", TaggedResource},
    {"GetAccountSettings", "lambda:GetAccountSettings", AnyResource},
};

}  // namespace

const ServiceActionTable& LambdaActions() {
  static const ServiceActionTable kTable{"lambda", "lambda", kEntries, FunctionOrAny};
  return kTable;
}

}  // namespace nimbus::iam
