#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <rapidjson/document.h>

#include "services/common/aws_error.h"
#include "services/common/param_reader.h"
#include "services/common/request_context.h"

namespace nimbus {

// A handler's output: a JSON document shaped like the operation's output shape.
using Output = rapidjson::Document;

// Handlers come in two forms. Most are synchronous; long polls and cross-service calls are
// coroutines. Both run on the owning service's strand.
using SyncHandler = std::function<Result<Output>(RequestContext&, ParamReader&)>;
using AsyncHandler =
    std::function<boost::asio::awaitable<Result<Output>>(RequestContext&, ParamReader&)>;

struct OperationHandler {
  SyncHandler sync;
  AsyncHandler async;
};

// A service's operation surface: AWS operation name → handler. Built once by
// Service::Register() and immutable afterwards; the dispatcher checks every name against the
// service model at startup so a typo fails fast (style G3).
class OperationTable {
 public:
  template <class Svc>
  void Add(std::string name, Svc* svc, Result<Output> (Svc::*fn)(RequestContext&, ParamReader&)) {
    handlers_[std::move(name)].sync = [svc, fn](RequestContext& ctx, ParamReader& in) {
      return (svc->*fn)(ctx, in);
    };
  }

  template <class Svc>
  void Add(std::string name, Svc* svc,
           boost::asio::awaitable<Result<Output>> (Svc::*fn)(RequestContext&, ParamReader&)) {
    // Not a coroutine itself: it only forwards to the member coroutine, so nothing captured
    // here has to outlive this call.
    handlers_[std::move(name)].async = [svc, fn](RequestContext& ctx, ParamReader& in) {
      return (svc->*fn)(ctx, in);
    };
  }

  const OperationHandler* Find(std::string_view name) const {
    auto it = handlers_.find(std::string(name));
    return it == handlers_.end() ? nullptr : &it->second;
  }
  const std::unordered_map<std::string, OperationHandler>& handlers() const { return handlers_; }

 private:
  std::unordered_map<std::string, OperationHandler> handlers_;
};

}  // namespace nimbus
