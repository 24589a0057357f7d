#include "services/lambda/runtime/local_executor.h"

#include <cstdlib>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "services/lambda/runtime/environment_pool.h"

namespace nimbus::lambda::runtime {
namespace asio = boost::asio;

ExecutorOptions ExecutorOptions::FromEnvironment(std::string work_dir, std::string endpoint_url) {
  ExecutorOptions o;
  o.work_dir = std::move(work_dir);
  o.endpoint_url = std::move(endpoint_url);
  if (const char* v = std::getenv("LAMBDA_KEEPALIVE_MS"); v != nullptr && *v != '\0') {
    o.keepalive = std::chrono::milliseconds(std::strtoll(v, nullptr, 10));
  }
  return o;
}

LocalExecutor::LocalExecutor(asio::io_context& ioc, ExecutorOptions options)
    : pool_(std::make_unique<EnvironmentPool>(ioc, std::move(options))) {}

LocalExecutor::~LocalExecutor() = default;

asio::awaitable<Result<InvokeResult>> LocalExecutor::Invoke(const FunctionConfig& function,
                                                            InvokeRequest request) {
  // Environments live on the pool's strand; the caller resumes on its own executor.
  co_return co_await asio::co_spawn(pool_->strand(), pool_->Invoke(function, std::move(request)),
                                    asio::use_awaitable);
}

void LocalExecutor::Retire(const std::string& function_arn) {
  asio::post(pool_->strand(), [pool = pool_.get(), function_arn] { pool->Retire(function_arn); });
}

namespace {

// Run on the pool's strand. Free coroutines rather than lambdas: GCC 12 destroys a lambda's
// captures twice when the lambda is a temporary in a co_await's arguments.
asio::awaitable<void> ProvisionOnStrand(EnvironmentPool* pool, FunctionConfig function,
                                        int count) {
  pool->Provision(function, count);
  co_return;
}

asio::awaitable<ProvisionedState> ProvisionedOnStrand(const EnvironmentPool* pool,
                                                      std::string key) {
  co_return pool->Provisioned(key);
}

}  // namespace

asio::awaitable<void> LocalExecutor::Provision(const FunctionConfig& function, int count) {
  auto work = ProvisionOnStrand(pool_.get(), function, count);
  co_await asio::co_spawn(pool_->strand(), std::move(work), asio::use_awaitable);
}

asio::awaitable<ProvisionedState> LocalExecutor::Provisioned(const std::string& function_arn,
                                                             const std::string& version) {
  auto work = ProvisionedOnStrand(pool_.get(), function_arn + ":" + version);
  co_return co_await asio::co_spawn(pool_->strand(), std::move(work), asio::use_awaitable);
}

void LocalExecutor::Shutdown() {
  asio::post(pool_->strand(), [pool = pool_.get()] { pool->Shutdown(); });
}

}  // namespace nimbus::lambda::runtime
