#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "services/lambda/runtime/interpreter.h"
#include "services/lambda/runtime/local_executor.h"

namespace nimbus::lambda::runtime {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
using SteadyClock = std::chrono::steady_clock;

struct Environment;

// One invocation on its way through an environment.
struct Invocation {
  explicit Invocation(const Strand& strand) : signal(strand) {}
  InvokeRequest request;
  std::shared_ptr<Environment> env;
  bool delivered = false;  // the runtime has it (GET /next answered)
  bool log_open = false;   // START was written: lines belong to this invocation's log
  bool done = false;
  SteadyClock::time_point deadline;
  SteadyClock::time_point started;
  std::string log;  // START..REPORT, for LogType=Tail
  InvokeResult result;
  boost::asio::steady_timer signal;  // cancelled to wake the waiting Invoke
};

// One execution environment: a child process group and its Runtime API listener.
struct Environment : std::enable_shared_from_this<Environment> {
  Environment(const Strand& strand, FunctionConfig config)
      : config(std::move(config)), acceptor(strand), log_pipe(strand), next_signal(strand),
        idle_timer(strand), watchdog(strand) {}

  // kFinishing: the invocation is answered but the runtime has not asked for the next one yet;
  // AWS counts the environment busy until its next GET /next (a runtime may exit right after
  // posting its result).
  enum class State { kStarting, kIdle, kBusy, kFinishing, kDead };

  FunctionConfig config;
  std::string log_stream;
  std::string key;  // pool key: function ARN + version
  pid_t pid = -1;
  State state = State::kStarting;
  bool retired = false;   // configuration changed: discard once the current invocation ends
  bool provisioned = false;  // provisioned concurrency: kept warm, never expired
  bool initialized = false;  // has asked for its first event (its init phase is over)
  bool oom = false;       // killed by the memory watchdog
  bool timed_out = false;
  std::string init_error;  // body of POST /runtime/init/error
  std::string exit_reason;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::posix::stream_descriptor log_pipe;
  std::string partial_line;
  boost::asio::steady_timer next_signal;  // wakes a parked GET /next
  boost::asio::steady_timer idle_timer;   // keep-alive expiry
  boost::asio::steady_timer watchdog;     // memory limit checks while busy
  std::shared_ptr<Invocation> current;
  SteadyClock::time_point created = SteadyClock::now();
  std::optional<double> init_ms;  // spawn → first GET /next, reported once (cold start)
  int64_t max_rss_kb = 0;
};

// Owns every environment of the executor. All state and all I/O live on one strand, so nothing
// here locks. Invoke() must be co_spawned onto that strand (LocalExecutor does).
class EnvironmentPool {
 public:
  EnvironmentPool(boost::asio::io_context& ioc, ExecutorOptions options);
  ~EnvironmentPool();

  const Strand& strand() const { return strand_; }
  boost::asio::awaitable<Result<InvokeResult>> Invoke(FunctionConfig function,
                                                      InvokeRequest request);
  void Retire(const std::string& function_arn);
  void Shutdown();
  // Provisioned concurrency of one version (LocalExecutor::Provision / Provisioned).
  void Provision(const FunctionConfig& function, int count);
  ProvisionedState Provisioned(const std::string& key) const;

 private:
  struct Provisioning {
    FunctionConfig config;
    int count = 0;
    std::string failure;
  };
  // Starts or releases provisioned environments of `key` until they match its Provisioning.
  void Reconcile(const std::string& key);
  Result<std::shared_ptr<Environment>> Acquire(const FunctionConfig& function);
  bool HasFinishing(const FunctionConfig& function) const;
  Result<std::shared_ptr<Environment>> Spawn(const FunctionConfig& function,
                                             bool provisioned = false);
  std::vector<std::string> BuildEnvironment(const Environment& env, uint16_t api_port) const;

  boost::asio::awaitable<void> AcceptRuntimeApi(std::shared_ptr<Environment> env);
  boost::asio::awaitable<void> ServeRuntimeApi(std::shared_ptr<Environment> env,
                                               boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> ReadLogs(std::shared_ptr<Environment> env);
  void ArmWatchdog(const std::shared_ptr<Environment>& env);

  void Deliver(Environment& env);
  void Complete(Environment& env, std::string payload, bool error);
  void OnExit(pid_t pid, int status);
  void Kill(Environment& env);
  void Remove(const std::shared_ptr<Environment>& env);
  void Release(const std::shared_ptr<Environment>& env);

  void DrainLogs(Environment& env);
  void HandleLogBytes(Environment& env, std::string_view bytes);
  void EmitLine(Environment& env, std::string line);
  void WaitChildren();
  void WriteBootstraps();

  boost::asio::io_context& ioc_;
  Strand strand_;
  ExecutorOptions options_;
  InterpreterResolver interpreters_;
  boost::asio::signal_set sigchld_;
  std::map<std::string, std::vector<std::shared_ptr<Environment>>> pools_;
  std::map<pid_t, std::shared_ptr<Environment>> by_pid_;
  std::map<std::string, Provisioning> provisions_;  // by pool key (function ARN:version)
  bool shut_down_ = false;
  bool bootstraps_written_ = false;
};

}  // namespace nimbus::lambda::runtime
