#pragma once

#include "services/common/service.h"

namespace nimbus::iam {

// AWS Identity and Access Management (issue 8). Operations not yet registered answer 501.
class IamService final : public Service {
 public:
  std::string_view Name() const override { return "iam"; }
  void Register(OperationTable& table) override;
};

}  // namespace nimbus::iam
