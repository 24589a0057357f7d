#pragma once

#include "services/common/service.h"

namespace nimbus::sts {

// AWS Security Token Service. For now the caller's identity; AssumeRole and friends arrive with
// IAM (issue 8).
class StsService final : public Service {
 public:
  std::string_view Name() const override { return "sts"; }
  void Register(OperationTable& table) override;

  Result<Output> GetCallerIdentity(RequestContext& ctx, ParamReader& in);
};

}  // namespace nimbus::sts
