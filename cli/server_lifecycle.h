#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "cli/init_data_plane.h"
#include "cli/init_hooks.h"
#include "cli/services_filter.h"
#include "edge/config.h"
#include "edge/dispatcher.h"
#include "edge/gateway.h"

namespace nimbus::cli {

class DeclarativeConfig;

// What `nimbus start` does around serving, in LocalStack's order:
//   BOOT hooks (blocking, nothing served yet) → services start → START hooks → NIMBUS_CONFIG
//   resources → "Ready." → READY hooks; on SIGTERM/SIGINT: SHUTDOWN hooks, then the stop.
// Construction reads the environment (init roots, NIMBUS_CONFIG, LocalStack variables) and
// throws std::invalid_argument on a bad NIMBUS_CONFIG file, before anything listens.
class ServerLifecycle {
 public:
  explicit ServerLifecycle(const edge::Config& config);
  ~ServerLifecycle();

  // After the listeners are bound: the URL scripts and functions call back on; runs BOOT.
  void Boot(const std::string& endpoint_url);
  // Registers /_localstack/init and /_nimbus/init on the edge port, and the SERVICES filter.
  void AddDataPlanes(edge::Gateway& gateway, const edge::Dispatcher& dispatcher);
  // START hooks, NIMBUS_CONFIG, "Ready.", READY hooks. `fail(code)` is called instead of
  // printing "Ready." when NIMBUS_CONFIG cannot be applied.
  boost::asio::awaitable<void> Run(edge::Dispatcher& dispatcher, std::function<void(int)> fail);
  // SHUTDOWN hooks, bounded so that a stop stays prompt.
  boost::asio::awaitable<void> Shutdown();

 private:
  InitHooks hooks_;
  InitDataPlane init_plane_;
  ServicesFilter services_filter_;
  std::unique_ptr<DeclarativeConfig> declarative_;
  std::string endpoint_url_;
  std::atomic<bool> stopping_{false};  // a stop began: no "Ready.", no READY hooks
};

}  // namespace nimbus::cli
