#include "cli/start_command.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "cli/localstack_env.h"
#include "cli/server_lifecycle.h"
#include "edge/config.h"
#include "edge/dispatcher.h"
#include "edge/gateway.h"
#include "edge/server.h"
#include "services/apigateway/apigateway_service.h"
#include "services/apigateway/apigatewayv2_service.h"
#include "services/apigateway/execute/execute_data_plane.h"
#include "services/iam/access_control.h"
#include "services/iam/iam_service.h"
#include "services/lambda/function_url/function_url_data_plane.h"
#include "services/lambda/lambda_service.h"
#include "services/lambda/runtime/local_executor.h"
#include "services/logs/lambda_log_sink.h"
#include "services/logs/logs_service.h"
#include "services/sns/signing_cert_data_plane.h"
#include "services/sns/sns_service.h"
#include "services/sqs/sqs_service.h"
#include "services/sts/sts_service.h"
#include "storage/database.h"

namespace nimbus::cli {
namespace asio = boost::asio;

namespace {

// Every service the process serves, listed explicitly (no static self-registration: the
// linker drops it from static libraries).
lambda::LambdaService* RegisterServices(edge::Dispatcher& dispatcher,
                                        lambda::runtime::Executor& executor,
                                        lambda::runtime::CodeStore& code_store,
                                        std::unique_ptr<logs::LogsService> logs_service,
                                        const std::shared_ptr<iam::IamState>& iam_state,
                                        std::shared_ptr<sns::SnsShared> sns_shared) {
  dispatcher.Add(std::make_unique<sqs::SqsService>(sqs::QueueUrlConfig::FromEnvironment()));
  dispatcher.Add(std::make_unique<sts::StsService>(iam_state));
  dispatcher.Add(std::make_unique<iam::IamService>(iam_state));
  dispatcher.Add(std::make_unique<sns::SnsService>(std::move(sns_shared)));
  auto lambda_service = std::make_unique<lambda::LambdaService>(executor, code_store);
  lambda::LambdaService* lambda = lambda_service.get();
  dispatcher.Add(std::move(lambda_service));
  dispatcher.Add(std::move(logs_service));
  return lambda;
}

// Lambda's files: code packages and the executor's scratch space. Kept under DATA_DIR with
// PERSISTENCE=1 (functions survive a restart), else in a per-process temporary folder that is
// removed at exit.
struct LambdaDirs {
  std::string root;
  bool temporary = false;

  static LambdaDirs For(const edge::Config& config) {
    if (config.persistence) {
      return {config.data_dir + "/lambda", false};
    }
    auto dir = std::filesystem::temp_directory_path() / ("nimbus-" + std::to_string(::getpid()));
    return {dir.string(), true};
  }
  ~LambdaDirs() {
    if (temporary) {
      std::error_code ec;
      std::filesystem::remove_all(root, ec);
    }
  }
};

// The URL functions use to call back into Nimbus: the first listener, on loopback when it
// listens on every address.
std::string EndpointUrl(const boost::asio::ip::tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  std::string url = "http://";
  if (address.is_unspecified()) {
    url += "127.0.0.1";
  } else if (address.is_v6()) {
    url.append("[").append(address.to_string()).append("]");
  } else {
    url += address.to_string();
  }
  return url + ":" + std::to_string(endpoint.port());
}

ServiceEnv MakeEnv(const edge::Config& config) {
  ServiceEnv env;
  env.data_dir = config.data_dir;
  env.persistence = config.persistence;
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
  // Init hooks, NIMBUS_CONFIG and LocalStack's settings (cli/server_lifecycle.h).
  std::optional<ServerLifecycle> lifecycle;
  try {
    ApplyLocalStackAliases();
    config = edge::Config::FromEnvironment();
    lifecycle.emplace(config);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "nimbus: %s\n", e.what());
    return 2;
  }

  // Declared before the io_context so that it is destroyed (and the folder removed) last.
  LambdaDirs lambda_dirs = LambdaDirs::For(config);
  asio::io_context ioc(config.io_threads);
  // CloudWatch Logs, and the sink through which Lambda writes function output into it. The
  // sink outlives the executor (environments stopped at its destruction still write) and
  // keeps no pointer into the service, which the dispatcher owns.
  auto logs_service = std::make_unique<logs::LogsService>();
  logs::LambdaLogSink lambda_log_sink(*logs_service);
  // The Lambda engine outlives the dispatcher that owns the service using it.
  std::optional<lambda::runtime::CodeStore> code_store;
  std::optional<lambda::runtime::LocalExecutor> executor;
  // IAM's state, shared by IAM, STS and the edge's access control (SigV4, ENFORCE_IAM).
  auto iam_state = std::make_shared<iam::IamState>();
  iam::IamAccessControl access_control(iam_state);
  edge::Dispatcher dispatcher(ioc, config.io_threads);
  edge::Gateway gateway(config, dispatcher);
  gateway.SetAccessControl(&access_control);
  std::optional<lambda::FunctionUrlDataPlane> function_urls;
  std::optional<lambda::CodeDownloadDataPlane> code_downloads;
  std::optional<apigateway::ExecuteApiDataPlane> execute_api;
  // SNS state the edge serves too: the signing certificate, captured SMS/email/push messages.
  auto sns_shared = std::make_shared<sns::SnsShared>();
  std::optional<sns::SigningCertDataPlane> sns_certs;
  edge::Server server(ioc, config, gateway);
  try {
    // Listen first: the executor hands functions the bound port (GATEWAY_LISTEN may ask for 0).
    auto endpoints = server.Listen();
    lifecycle->Boot(EndpointUrl(endpoints.front()));
    code_store.emplace(lambda_dirs.root + "/code");
    auto executor_options = lambda::runtime::ExecutorOptions::FromEnvironment(
        lambda_dirs.root + "/work", EndpointUrl(endpoints.front()));
    executor_options.log_sink = &lambda_log_sink;
    executor.emplace(ioc, std::move(executor_options));
    // API Gateway v1 and v2; the execute-api data plane reads their deployed APIs.
    auto api_gateway = std::make_unique<apigateway::ApiGatewayService>();
    auto api_gateway_v2 = std::make_unique<apigateway::ApiGatewayV2Service>();
    apigateway::ApiGatewayService& apigw_v1 = *api_gateway;
    apigateway::ApiGatewayV2Service& apigw_v2 = *api_gateway_v2;
    dispatcher.Add(std::move(api_gateway));
    dispatcher.Add(std::move(api_gateway_v2));
    lambda::LambdaService* lambda =
        RegisterServices(dispatcher, *executor, *code_store, std::move(logs_service), iam_state,
                         sns_shared);
    dispatcher.StartAll(MakeEnv(config));
    // Data planes on the edge port, consulted before the AWS APIs.
    function_urls.emplace(*lambda, dispatcher.StrandOf("lambda"), dispatcher);
    code_downloads.emplace(*code_store);
    gateway.AddDataPlane(&*function_urls);
    gateway.AddDataPlane(&*code_downloads);
    execute_api.emplace(apigw_v1, dispatcher.StrandOf("apigateway"), apigw_v2,
                        dispatcher.StrandOf("apigatewayv2"), dispatcher);
    gateway.AddDataPlane(&*execute_api);
    sns_certs.emplace(sns_shared);
    gateway.AddDataPlane(&*sns_certs);
    lifecycle->AddDataPlanes(gateway, dispatcher);
    for (const auto& endpoint : endpoints) {
      std::printf("Listening on %s:%u\n", endpoint.address().to_string().c_str(),
                  endpoint.port());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nimbus: cannot start: %s\n", e.what());
    return 1;
  }
  int exit_code = 0;
  bool stopping = false;
  // Services end their long polls first and Lambda environments are stopped; in-flight
  // requests then get up to 1.5 s; the process must be gone within 2 s (after SHUTDOWN hooks).
  auto stop = [&] {
    executor->Shutdown();
    dispatcher.StopAll();
    server.Stop([&] { ioc.stop(); }, std::chrono::milliseconds(1500));
  };
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec || stopping) {
      return;
    }
    stopping = true;
    asio::co_spawn(ioc, lifecycle->Shutdown(), [&](std::exception_ptr) { stop(); });
  });
  // START hooks, NIMBUS_CONFIG, "Ready.", READY hooks; a config that cannot be applied stops
  // the server with a non-zero status.
  asio::co_spawn(ioc,
                 lifecycle->Run(dispatcher,
                                [&](int code) {
                                  exit_code = code;
                                  if (!stopping) {
                                    stopping = true;
                                    signals.cancel();
                                    stop();
                                  }
                                }),
                 asio::detached);

  std::vector<std::thread> threads;
  for (int i = 1; i < config.io_threads; ++i) {
    threads.emplace_back([&ioc] { ioc.run(); });
  }
  ioc.run();
  for (auto& t : threads) {
    t.join();
  }
  return exit_code;
}

}  // namespace nimbus::cli
