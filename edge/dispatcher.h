#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "edge/protocol/codec.h"
#include "services/common/service.h"

namespace nimbus::edge {

// Routes decoded calls to service handlers. Each service runs on its own strand; spec-level
// checks (required members) run here once, never in handlers. Also the in-process
// ServiceClient for cross-service calls.
class Dispatcher final : public ServiceClient {
 public:
  // `io_threads`: how many threads run `ioc`. With one, every strand's work already runs on
  // that thread in order, so handlers run inline in the caller's coroutine instead of hopping
  // to the service's strand and back (two queue round trips per request).
  Dispatcher(boost::asio::io_context& ioc, int io_threads)
      : ioc_(ioc), inline_handlers_(io_threads == 1) {}

  // Registers a service and checks its operation table against its model: an operation name
  // that isn't in the model throws std::logic_error (a typo must fail at startup).
  void Add(std::unique_ptr<Service> service);
  void StartAll(const ServiceEnv& base_env);
  // Posts Stop() to every service's strand (long polls end, timers are cancelled).
  void StopAll();

  boost::asio::awaitable<Result<rapidjson::Document>> Dispatch(const protocol::ServiceSpec& spec,
                                                               protocol::OperationCall& call,
                                                               RequestContext& ctx);

  boost::asio::awaitable<Result<rapidjson::Document>> Call(std::string_view service,
                                                           std::string_view operation,
                                                           const Scope& scope,
                                                           rapidjson::Document params) override;

  // Clears every service's state, each on its own strand.
  boost::asio::awaitable<void> ResetAll();

  // The strand a service's handlers run on (data planes reach service state through it).
  boost::asio::any_io_executor StrandOf(std::string_view service);

  // Health: "running" once the service has served a request, else "available".
  std::map<std::string, std::string> Statuses() const;

 private:
  struct Entry {
    Entry(std::unique_ptr<Service> s, boost::asio::strand<boost::asio::io_context::executor_type> st)
        : service(std::move(s)), strand(std::move(st)) {}
    std::unique_ptr<Service> service;
    OperationTable table;
    boost::asio::strand<boost::asio::io_context::executor_type> strand;
    std::atomic<bool> used{false};
  };

  Entry* Find(std::string_view service);

  boost::asio::io_context& ioc_;
  const bool inline_handlers_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
};

// The name a model is reported under in health (API Gateway v1 and v2 are one service there).
std::string HealthName(std::string_view model);

}  // namespace nimbus::edge
