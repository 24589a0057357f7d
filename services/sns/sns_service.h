#pragma once

#include "services/common/service.h"

namespace nimbus::sns {

// Amazon SNS (issue 6). Operations not yet registered answer 501.
class SnsService final : public Service {
 public:
  std::string_view Name() const override { return "sns"; }
  void Register(OperationTable& table) override;
};

}  // namespace nimbus::sns
