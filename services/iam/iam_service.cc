#include "services/iam/iam_service.h"

namespace nimbus::iam {

void IamService::Register(OperationTable& /*table*/) {}

}  // namespace nimbus::iam
