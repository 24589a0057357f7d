#pragma once

#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <rapidjson/document.h>

#include "services/common/aws_error.h"
#include "services/common/scope.h"

namespace nimbus {

// In-process calls from one service to another (SNS → SQS, API Gateway → Lambda, ...). They
// enter at the dispatcher with `internal = true`, skipping HTTP and the codecs; params and the
// result are shaped like the target operation's input and output.
class ServiceClient {
 public:
  virtual ~ServiceClient() = default;
  virtual boost::asio::awaitable<Result<rapidjson::Document>> Call(std::string_view service,
                                                                   std::string_view operation,
                                                                   const Scope& scope,
                                                                   rapidjson::Document params) = 0;
};

}  // namespace nimbus
