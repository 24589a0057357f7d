#pragma once

#include <string>

#include "services/common/auth.h"
#include "services/common/clock.h"
#include "services/common/scope.h"

namespace nimbus {

// Who is calling: the access key of the request (empty for unsigned requests).
struct Caller {
  std::string access_key_id;
  std::string session_token;
};

// Per-request facts a handler may use. Owned by the caller's coroutine frame; handlers take it
// by reference for the duration of the call.
struct RequestContext {
  Scope scope;
  Caller caller;
  std::string service;     // model name, e.g. "sqs"
  std::string operation;   // AWS operation name, e.g. "SendMessage"
  std::string request_id;
  std::string host;        // Host header of the request, for URLs handed out (queue URLs)
  bool internal = false;   // true for ServiceClient calls from another service
  // The authenticated caller when the edge resolved the access key (IAM-issued keys, or any
  // key under SIGV4_VERIFY/ENFORCE_IAM); kAnonymous otherwise.
  Principal principal;
  const Clock* clock = &SystemClock::Instance();
};

}  // namespace nimbus
