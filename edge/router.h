#pragma once

#include <string>

#include "edge/protocol/codec.h"
#include "services/common/request_context.h"

namespace nimbus::edge {

struct RouteTarget {
  enum class Kind { kInternal, kAws, kNone };
  Kind kind = Kind::kNone;
  std::string service;  // model name for kAws
  protocol::Protocol protocol = protocol::Protocol::kQuery;
  Scope scope;
  Caller caller;
};

// Service detection (design.md §2): internal endpoints, then X-Amz-Target, the SigV4 credential
// scope, the form's Action + Version, and finally path prefixes. Reads only the request line
// and headers, except for unsigned form posts, whose Version is in the body.
RouteTarget Route(const protocol::HttpRequest& request);

}  // namespace nimbus::edge
