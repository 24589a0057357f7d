#include "services/sts/sts_service.h"

namespace nimbus::sts {

void StsService::Register(OperationTable& table) {
  table.Add("GetCallerIdentity", this, &StsService::GetCallerIdentity);
}

Result<Output> StsService::GetCallerIdentity(RequestContext& ctx, ParamReader&) {
  // AWS: root credentials answer with the account id as UserId and the account's root ARN.
  // IAM users and assumed roles get their own identities once IAM keys exist (issue 8).
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  const std::string& account = ctx.scope.account_id;
  out.AddMember("UserId", rapidjson::Value(account.c_str(), a), a);
  out.AddMember("Account", rapidjson::Value(account.c_str(), a), a);
  std::string arn = "arn:aws:iam::" + account + ":root";
  out.AddMember("Arn", rapidjson::Value(arn.c_str(), a), a);
  return out;
}

}  // namespace nimbus::sts
