#include "cli/start_command.h"

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "edge/config.h"
#include "edge/dispatcher.h"
#include "edge/gateway.h"
#include "edge/server.h"
#include "services/sqs/sqs_service.h"
#include "services/sts/sts_service.h"
#include "storage/database.h"

namespace nimbus::cli {
namespace asio = boost::asio;

namespace {

// Every service the process serves, listed explicitly (no static self-registration: the
// linker drops it from static libraries).
void RegisterServices(edge::Dispatcher& dispatcher) {
  dispatcher.Add(std::make_unique<sqs::SqsService>(sqs::QueueUrlConfig::FromEnvironment()));
  dispatcher.Add(std::make_unique<sts::StsService>());
}

ServiceEnv MakeEnv(const edge::Config& config) {
  ServiceEnv env;
  if (config.persistence) {
    std::filesystem::create_directories(config.data_dir + "/state");
    env.open_database = [dir = config.data_dir](std::string_view service) {
      return storage::Database::Open(dir + "/state/" + std::string(service) + ".sqlite");
    };
  } else {
    env.open_database = [](std::string_view) { return storage::Database::Open(":memory:"); };
  }
  return env;
}

}  // namespace

int RunServer() {
  edge::Config config;
  try {
    config = edge::Config::FromEnvironment();
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "nimbus: %s\n", e.what());
    return 2;
  }

  asio::io_context ioc(config.io_threads);
  edge::Dispatcher dispatcher(ioc);
  edge::Gateway gateway(config, dispatcher);
  edge::Server server(ioc, config, gateway);
  try {
    RegisterServices(dispatcher);
    dispatcher.StartAll(MakeEnv(config));
    for (const auto& endpoint : server.Listen()) {
      std::printf("Listening on %s:%u\n", endpoint.address().to_string().c_str(),
                  endpoint.port());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nimbus: cannot start: %s\n", e.what());
    return 1;
  }
  std::printf("Ready.\n");
  std::fflush(stdout);

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) {
      return;
    }
    // Services end their long polls first; in-flight requests then get up to 1.5 s; the
    // process must be gone within 2 s.
    dispatcher.StopAll();
    server.Stop([&] { ioc.stop(); }, std::chrono::milliseconds(1500));
  });

  std::vector<std::thread> threads;
  for (int i = 1; i < config.io_threads; ++i) {
    threads.emplace_back([&ioc] { ioc.run(); });
  }
  ioc.run();
  for (auto& t : threads) {
    t.join();
  }
  return 0;
}

}  // namespace nimbus::cli
