#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "edge/protocol/codec.h"

namespace nimbus::edge {

// A data plane served on the edge port beside the AWS APIs: function URLs, API Gateway
// invocations, code downloads. Consulted in registration order before service detection
// (design.md §2: data-plane hosts and paths first). Implementations live with their service
// and are registered by main; the edge knows only this interface.
class DataPlane {
 public:
  virtual ~DataPlane() = default;
  virtual std::string_view Name() const = 0;  // the "service" of DEBUG lines
  // True if the request is addressed to this data plane. Reads the request line and headers.
  virtual bool Matches(const protocol::HttpRequest& request) const = 0;
  virtual boost::asio::awaitable<protocol::HttpResponse> Handle(protocol::HttpRequest& request,
                                                                const std::string& request_id) = 0;
};

}  // namespace nimbus::edge
