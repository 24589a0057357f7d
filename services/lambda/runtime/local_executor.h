#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "services/lambda/runtime/executor.h"

namespace nimbus::lambda::runtime {

struct ExecutorOptions {
  std::string work_dir;  // scratch space: environments' /tmp and the shipped bootstraps
  // AWS_ENDPOINT_URL handed to functions so their SDK calls come back to Nimbus.
  std::string endpoint_url = "http://127.0.0.1:4566";
  std::chrono::milliseconds keepalive{10 * 60 * 1000};  // LAMBDA_KEEPALIVE_MS
  LogSink* log_sink = nullptr;

  // Reads LAMBDA_KEEPALIVE_MS; `work_dir` and `endpoint_url` come from the caller.
  static ExecutorOptions FromEnvironment(std::string work_dir, std::string endpoint_url);
};

class EnvironmentPool;

// The default executor ("local"): each execution environment is a child process group (the
// runtime's interpreter with a bootstrap Nimbus ships, or the function's own bootstrap/binary)
// with its own Runtime API listener on 127.0.0.1. Environments are reused while warm, scale out
// up to the function's concurrency, and are killed on timeout, memory overrun or crash.
class LocalExecutor final : public Executor {
 public:
  LocalExecutor(boost::asio::io_context& ioc, ExecutorOptions options);
  ~LocalExecutor() override;

  boost::asio::awaitable<Result<InvokeResult>> Invoke(const FunctionConfig& function,
                                                      InvokeRequest request) override;
  void Retire(const std::string& function_arn) override;
  boost::asio::awaitable<void> Provision(const FunctionConfig& function, int count) override;
  boost::asio::awaitable<ProvisionedState> Provisioned(const std::string& function_arn,
                                                       const std::string& version) override;
  void Shutdown() override;

 private:
  std::unique_ptr<EnvironmentPool> pool_;
};

}  // namespace nimbus::lambda::runtime
