#include "services/common/aws_error.h"

#include <stdexcept>

namespace nimbus {

void throw_exception_from_error(const AwsError& e, const boost::source_location&) {
  throw std::runtime_error(e.code + ": " + e.message);
}

}  // namespace nimbus
