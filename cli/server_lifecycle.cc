#include "cli/server_lifecycle.h"

#include <cstdio>

#include "cli/declarative_config.h"
#include "cli/localstack_env.h"

namespace nimbus::cli {

namespace {
// SHUTDOWN scripts get this long in all; the stop must stay prompt for orchestrators.
constexpr std::chrono::milliseconds kShutdownHooksLimit{10000};
}  // namespace

ServerLifecycle::ServerLifecycle(const edge::Config& config)
    : hooks_(InitHooks::RootsFromEnvironment()),
      init_plane_(hooks_),
      services_filter_(ServicesFilter::FromEnvironment()) {
  ReportEnvironment(config.debug);
  declarative_ = DeclarativeConfig::FromEnvironment();
}

ServerLifecycle::~ServerLifecycle() = default;

void ServerLifecycle::Boot(const std::string& endpoint_url) {
  endpoint_url_ = endpoint_url;
  hooks_.SetEndpointUrl(endpoint_url);
  hooks_.RunStageBlocking(InitHooks::Stage::kBoot);
}

void ServerLifecycle::AddDataPlanes(edge::Gateway& gateway, const edge::Dispatcher& dispatcher) {
  gateway.AddDataPlane(&init_plane_);
  if (services_filter_.Enabled()) {
    services_filter_.SetDispatcher(&dispatcher);
    gateway.AddDataPlane(&services_filter_);
  }
}

boost::asio::awaitable<void> ServerLifecycle::Run(edge::Dispatcher& dispatcher,
                                                  std::function<void(int)> fail) {
  co_await hooks_.RunStage(InitHooks::Stage::kStart);
  if (declarative_) {
    std::string error = co_await declarative_->Apply(dispatcher);
    if (!error.empty()) {
      std::fprintf(stderr, "nimbus: NIMBUS_CONFIG: %s\n", error.c_str());
      fail(1);
      co_return;
    }
  }
  if (stopping_) {
    co_return;
  }
  std::printf("Ready.\n");
  std::fflush(stdout);
  co_await hooks_.RunStage(InitHooks::Stage::kReady);
}

boost::asio::awaitable<void> ServerLifecycle::Shutdown() {
  stopping_ = true;
  hooks_.KillRunning();
  co_await hooks_.RunStage(InitHooks::Stage::kShutdown, kShutdownHooksLimit);
}

}  // namespace nimbus::cli
