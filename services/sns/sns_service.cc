#include "services/sns/sns_service.h"

namespace nimbus::sns {

void SnsService::Register(OperationTable& /*table*/) {}

}  // namespace nimbus::sns
