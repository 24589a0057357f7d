#include "services/lambda/runtime/environment_pool.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/ids.h"
#include "services/lambda/runtime/embedded_bootstraps.h"

extern char** environ;

namespace nimbus::lambda::runtime {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kInitAllowance{10};  // AWS: the init phase has its own 10 s
constexpr size_t kTailBytes = 4096;
// AWS: a synchronous response may be 6 MB plus 100 bytes; more fails the invocation with
// Function.ResponseSizeTooLarge.
constexpr uint64_t kMaxResponseBytes = 6291556;
// Bodies up to this are read whole, so an oversized response still gets its 413 on a connection
// the runtime can keep using; beyond it the connection is dropped.
constexpr uint64_t kRuntimeApiBodyCap = 64 * 1024 * 1024;
constexpr char kApiPrefix[] = "/2018-06-01/runtime/";

int64_t EpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoNow() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  time_t secs = ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string ErrorJson(const std::string& type, const std::string& message) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("errorType");
  w.String(type.c_str());
  w.Key("errorMessage");
  w.String(message.c_str());
  w.EndObject();
  return sb.GetString();
}

// What an invocation whose response is over the limit returns (FunctionError Unhandled).
std::string ResponseTooLargeError() {
  return ErrorJson("Function.ResponseSizeTooLarge",
                   "Response payload size exceeded maximum allowed payload size (" +
                       std::to_string(kMaxResponseBytes) + " bytes).");
}

std::string LogStreamName(const std::string& version) {
  time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y/%m/%d", &tm);
  return std::string(date) + "/[" + version + "]" + RandomHex(32);
}

int64_t ReadStatusKb(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0) {
      return std::atoll(line.c_str() + n + 1);
    }
  }
  return 0;
}

// Resident memory of a process and its descendants, in KiB.
int64_t TreeRssKb(pid_t pid, int depth = 0) {
  int64_t total = ReadStatusKb(pid, "VmRSS");
  if (depth > 8) {
    return total;
  }
  std::ifstream children("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                         "/children");
  pid_t child;
  while (children >> child) {
    total += TreeRssKb(child, depth + 1);
  }
  return total;
}

std::string TraceId() {
  return "Root=1-" + RandomHex(8) + "-" + RandomHex(24) + ";Parent=" + RandomHex(16) +
         ";Sampled=0";
}

}  // namespace

EnvironmentPool::EnvironmentPool(asio::io_context& ioc, ExecutorOptions options)
    : ioc_(ioc),
      strand_(asio::make_strand(ioc)),
      options_(std::move(options)),
      interpreters_(options_.work_dir + "/bootstrap"),
      sigchld_(strand_, SIGCHLD) {
  WaitChildren();
}

void EnvironmentPool::WriteBootstraps() {
  // On the first spawn rather than at startup: startup touches no disk.
  if (bootstraps_written_) {
    return;
  }
  fs::create_directories(options_.work_dir + "/bootstrap");
  for (const auto& [name, content] : EmbeddedBootstraps()) {
    std::ofstream(options_.work_dir + "/bootstrap/" + std::string(name), std::ios::trunc)
        << content;
  }
  bootstraps_written_ = true;
}

EnvironmentPool::~EnvironmentPool() { Shutdown(); }

void EnvironmentPool::WaitChildren() {
  sigchld_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) {
      return;
    }
    // Only this pool's own children are reaped: the process runs others (init hooks, popen)
    // whose owners wait for them by pid.
    std::vector<pid_t> pids;
    pids.reserve(by_pid_.size());
    for (const auto& [pid, env] : by_pid_) {
      pids.push_back(pid);
    }
    for (pid_t pid : pids) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        OnExit(pid, status);
      }
    }
    WaitChildren();
  });
}

std::vector<std::string> EnvironmentPool::BuildEnvironment(const Environment& env,
                                                           uint16_t api_port) const {
  const FunctionConfig& f = env.config;
  std::map<std::string, std::string> vars;
  const char* parent_path = std::getenv("PATH");
  std::string path = parent_path ? parent_path : "/usr/local/bin:/usr/bin:/bin";
  std::string ld_path;
  std::string python_path;
  std::string node_path;
  // AWS merges layers into /opt with later layers on top; here each keeps its folder, and later
  // layers come first on every search path.
  for (auto it = f.layer_dirs.rbegin(); it != f.layer_dirs.rend(); ++it) {
    const std::string& l = *it;
    path = l + "/bin:" + path;
    ld_path += (ld_path.empty() ? "" : ":") + l + "/lib";
    python_path += (python_path.empty() ? "" : ":") + l + "/python";
    if (f.runtime.rfind("python", 0) == 0) {
      python_path += ":" + l + "/python/lib/" + f.runtime + "/site-packages";
    }
    node_path += (node_path.empty() ? "" : ":") + l + "/nodejs/node_modules";
    if (f.runtime.rfind("nodejs", 0) == 0) {
      std::string major = f.runtime.substr(6, f.runtime.find('.') - 6);
      node_path += ":" + l + "/nodejs/node" + major + "/node_modules";
    }
  }
  fs::path tmp = fs::path(options_.work_dir) / "tmp" / env.log_stream.substr(env.log_stream.size() - 32);
  fs::create_directories(tmp);

  vars["PATH"] = path;
  vars["LD_LIBRARY_PATH"] = ld_path;
  vars["LANG"] = "en_US.UTF-8";
  vars["TZ"] = ":UTC";
  vars["HOME"] = std::getenv("HOME") ? std::getenv("HOME") : tmp.string();
  vars["TMPDIR"] = tmp.string();
  vars["_HANDLER"] = f.handler;
  vars["AWS_REGION"] = f.region;
  vars["AWS_DEFAULT_REGION"] = f.region;
  if (f.runtime.rfind("provided", 0) != 0 && !f.runtime.empty()) {
    vars["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + f.runtime;
  }
  vars["AWS_LAMBDA_FUNCTION_NAME"] = f.function_name;
  vars["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(f.memory_mb);
  vars["AWS_LAMBDA_FUNCTION_VERSION"] = f.version;
  vars["AWS_LAMBDA_FUNCTION_TIMEOUT"] = std::to_string(f.timeout_seconds);
  vars["AWS_LAMBDA_INITIALIZATION_TYPE"] =
      env.provisioned ? "provisioned-concurrency" : "on-demand";
  vars["AWS_LAMBDA_LOG_GROUP_NAME"] = f.log_group;
  vars["AWS_LAMBDA_LOG_STREAM_NAME"] = env.log_stream;
  vars["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + std::to_string(api_port);
  // Credentials: a 12-digit key id makes Nimbus scope the function's own calls to its account
  // (execution-role sessions arrive with IAM, issue 8).
  vars["AWS_ACCESS_KEY_ID"] = f.account;
  vars["AWS_SECRET_ACCESS_KEY"] = "test";
  vars["AWS_SESSION_TOKEN"] = "test";
  vars["AWS_ENDPOINT_URL"] = options_.endpoint_url;
  auto host = options_.endpoint_url.substr(options_.endpoint_url.find("://") + 3);
  vars["LOCALSTACK_HOSTNAME"] = host.substr(0, host.rfind(':'));
  vars["EDGE_PORT"] = host.substr(host.rfind(':') + 1);
  vars["LAMBDA_TASK_ROOT"] = f.code_dir;
  vars["LAMBDA_RUNTIME_DIR"] = options_.work_dir + "/bootstrap";
  vars["AWS_XRAY_CONTEXT_MISSING"] = "LOG_ERROR";
  vars["AWS_XRAY_DAEMON_ADDRESS"] = "127.0.0.1:2000";
  if (!python_path.empty()) {
    vars["PYTHONPATH"] = python_path;
  }
  if (!node_path.empty()) {
    vars["NODE_PATH"] = node_path;
  }
  vars["PYTHONUNBUFFERED"] = "1";
  // AWS's /var/task is read-only, so no bytecode is written beside the function's code (hot
  // reload folders stay clean; no stale .pyc). The interpreter's own cached stdlib bytecode is
  // still read: a cache prefix would recompile the stdlib in every new environment (~200 ms).
  vars["PYTHONDONTWRITEBYTECODE"] = "1";
  for (const auto& [k, v] : f.environment) {  // the function's own variables win
    vars[k] = v;
  }
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (const auto& [k, v] : vars) {
    out.push_back(k + "=" + v);
  }
  return out;
}

Result<std::shared_ptr<Environment>> EnvironmentPool::Spawn(const FunctionConfig& function,
                                                            bool provisioned) {
  WriteBootstraps();
  auto env = std::make_shared<Environment>(strand_, function);
  env->provisioned = provisioned;
  env->key = function.function_arn + ":" + function.version;
  env->log_stream = LogStreamName(function.version);
  LaunchPlan plan = interpreters_.Plan(function.runtime, function.handler, function.code_dir,
                                       function.layer_dirs);
  if (!plan.error.empty()) {
    return AwsError::Sender("Runtime.InvalidEntrypoint", plan.error);
  }
  boost::system::error_code ec;
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  env->acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    env->acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    env->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return AwsError::Receiver("ServiceException",
                              "Cannot open a Runtime API listener: " + ec.message());
  }
  uint16_t port = env->acceptor.local_endpoint().port();

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return AwsError::Receiver("ServiceException", "Cannot create a log pipe");
  }
  std::vector<std::string> env_strings = BuildEnvironment(*env, port);
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (auto& a : plan.argv) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // stdout and stderr share one pipe so lines keep the order the function printed them in.
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, function.code_dir.c_str());
  // Nothing else of Nimbus's (listening sockets, databases, other environments' pipes) leaks
  // into the function: a lingering child must not keep the edge port bound.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // its own process group, killed as a whole
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return AwsError::Sender("Runtime.InvalidEntrypoint",
                            "fork/exec " + plan.argv[0] + ": " + std::strerror(rc));
  }
  env->pid = pid;
  env->log_pipe.assign(fds[0]);
  env->log_pipe.non_blocking(true);
  by_pid_[pid] = env;
  pools_[env->key].push_back(env);
  asio::co_spawn(strand_, AcceptRuntimeApi(env), asio::detached);
  asio::co_spawn(strand_, ReadLogs(env), asio::detached);
  return env;
}

bool EnvironmentPool::HasFinishing(const FunctionConfig& function) const {
  auto it = pools_.find(function.function_arn + ":" + function.version);
  if (it == pools_.end()) {
    return false;
  }
  bool finishing = false;
  for (const auto& env : it->second) {
    if (env->state == Environment::State::kIdle && !env->retired &&
        env->config.revision_id == function.revision_id) {
      return false;  // one is free already
    }
    finishing = finishing || (env->state == Environment::State::kFinishing && !env->retired &&
                              env->config.revision_id == function.revision_id);
  }
  return finishing;
}

Result<std::shared_ptr<Environment>> EnvironmentPool::Acquire(const FunctionConfig& function) {
  auto& pool = pools_[function.function_arn + ":" + function.version];
  // An update applies to the next invocation: environments of another revision retire.
  std::vector<std::shared_ptr<Environment>> stale;
  if (auto p = provisions_.find(function.function_arn + ":" + function.version);
      p != provisions_.end() && p->second.config.revision_id != function.revision_id) {
    p->second.config = function;  // replacements start with what is invoked now
  }
  for (const auto& env : pool) {
    if (env->config.revision_id != function.revision_id) {
      env->retired = true;
      if (env->state == Environment::State::kIdle) {
        stale.push_back(env);
      }
    }
  }
  for (const auto& env : stale) {
    Kill(*env);
    Remove(env);
  }
  for (const auto& env : pools_[function.function_arn + ":" + function.version]) {
    if (env->state == Environment::State::kIdle && !env->retired) {
      env->idle_timer.cancel();
      return env;
    }
  }
  if (function.reserved_concurrency) {
    int busy = 0;
    for (const auto& [key, envs] : pools_) {
      if (key.rfind(function.function_arn + ":", 0) != 0) {
        continue;
      }
      for (const auto& env : envs) {
        busy += env->state == Environment::State::kBusy ||
                env->state == Environment::State::kStarting ||
                env->state == Environment::State::kFinishing;
      }
    }
    if (busy >= *function.reserved_concurrency) {
      AwsError throttled = AwsError::Sender("TooManyRequestsException", "Rate Exceeded.", 429);
      throttled.fields = {{"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"}};
      return throttled;
    }
  }
  return Spawn(function);
}

asio::awaitable<Result<InvokeResult>> EnvironmentPool::Invoke(FunctionConfig function,
                                                              InvokeRequest request) {
  if (shut_down_) {
    co_return AwsError::Receiver("ServiceException", "Nimbus is shutting down");
  }
  // An environment that has answered but not yet asked for its next event is about to be free:
  // wait for it briefly rather than cold-starting another (AWS reuses it).
  for (int i = 0; i < 50 && HasFinishing(function); ++i) {
    asio::steady_timer pause(strand_, std::chrono::milliseconds(2));
    co_await pause.async_wait(kUseTuple);
  }
  auto acquired = Acquire(function);
  if (!acquired) {
    if (acquired.error().code != "Runtime.InvalidEntrypoint") {
      co_return acquired.error();
    }
    // AWS: an unstartable runtime is the function's failure, reported like any other.
    InvokeResult r;
    r.function_error = "Unhandled";
    r.executed_version = function.version;
    r.payload = ErrorJson("Runtime.InvalidEntrypoint",
                          "RequestId: " + request.request_id + " Error: " + acquired.error().message);
    r.log_tail = "START RequestId: " + request.request_id + " Version: " + function.version +
                 "\n" + r.payload + "\nEND RequestId: " + request.request_id +
                 "\nREPORT RequestId: " + request.request_id +
                 "\tDuration: 0.00 ms\tBilled Duration: 0 ms\tMemory Size: " +
                 std::to_string(function.memory_mb) + " MB\tMax Memory Used: 1 MB\t\n";
    co_return r;
  }
  std::shared_ptr<Environment> env = *acquired;
  auto inv = std::make_shared<Invocation>(strand_);
  inv->request = std::move(request);
  inv->env = env;
  inv->deadline = SteadyClock::now() + kInitAllowance + std::chrono::seconds(function.timeout_seconds);
  env->current = inv;
  if (env->state == Environment::State::kIdle) {
    env->state = Environment::State::kBusy;
  }
  env->next_signal.cancel();  // a parked GET /next takes it now
  ArmWatchdog(env);

  while (!inv->done) {
    inv->signal.expires_at(inv->deadline);
    co_await inv->signal.async_wait(kUseTuple);
    if (inv->done) {
      break;
    }
    if (SteadyClock::now() >= inv->deadline) {
      char msg[96];
      std::snprintf(msg, sizeof msg, "Task timed out after %.2f seconds",
                    static_cast<double>(function.timeout_seconds));
      env->timed_out = true;
      EmitLine(*env, IsoNow() + " " + inv->request.request_id + " " + msg);
      Complete(*env, ErrorJson("Sandbox.Timedout",
                               "RequestId: " + inv->request.request_id + " Error: " + msg),
               true);
      Kill(*env);
      Remove(env);
    }
  }
  co_return inv->result;
}

void EnvironmentPool::ArmWatchdog(const std::shared_ptr<Environment>& env) {
  env->watchdog.expires_after(std::chrono::milliseconds(50));
  env->watchdog.async_wait([this, weak = std::weak_ptr<Environment>(env)](
                               const boost::system::error_code& ec) {
    auto e = weak.lock();
    if (ec || !e || e->state == Environment::State::kDead || !e->current) {
      return;
    }
    int64_t rss = TreeRssKb(e->pid);
    e->max_rss_kb = std::max(e->max_rss_kb, rss);
    if (rss > static_cast<int64_t>(e->config.memory_mb) * 1024) {
      // AWS: exceeding the memory size kills the runtime: Runtime.OutOfMemory.
      e->oom = true;
      ::kill(-e->pid, SIGKILL);
      return;
    }
    ArmWatchdog(e);
  });
}

void EnvironmentPool::Deliver(Environment& env) {
  auto& inv = *env.current;
  inv.delivered = true;
  inv.started = SteadyClock::now();
  inv.deadline = inv.started + std::chrono::seconds(env.config.timeout_seconds);
  env.state = Environment::State::kBusy;
  inv.log_open = true;
  EmitLine(env, "START RequestId: " + inv.request.request_id + " Version: " + env.config.version);
  inv.signal.cancel();  // the waiting Invoke re-arms with the invocation's own deadline
}

void EnvironmentPool::Complete(Environment& env, std::string payload, bool error) {
  auto inv = env.current;
  if (!inv || inv->done) {
    return;
  }
  DrainLogs(env);
  const std::string& id = inv->request.request_id;
  double ms = inv->delivered ? std::chrono::duration<double, std::milli>(SteadyClock::now() -
                                                                         inv->started)
                                   .count()
                             : 0.0;
  if (env.pid > 0 && env.state != Environment::State::kDead) {
    env.max_rss_kb = std::max(env.max_rss_kb, TreeRssKb(env.pid));
  }
  char report[256];
  int n = std::snprintf(report, sizeof report,
                        "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %lld ms\t"
                        "Memory Size: %d MB\tMax Memory Used: %lld MB\t",
                        id.c_str(), ms, static_cast<long long>(std::ceil(ms)), env.config.memory_mb,
                        // AWS never reports more than the memory size (the watchdog samples).
                        std::clamp<long long>((env.max_rss_kb + 1023) / 1024, 1,
                                              env.config.memory_mb));
  std::string report_line(report, static_cast<size_t>(n));
  if (env.init_ms) {
    char init[64];
    std::snprintf(init, sizeof init, "Init Duration: %.2f ms\t", *env.init_ms);
    report_line += init;
    env.init_ms.reset();
  }
  if (!inv->log_open) {
    inv->log_open = true;
    EmitLine(env, "START RequestId: " + id + " Version: " + env.config.version);
  }
  EmitLine(env, "END RequestId: " + id);
  EmitLine(env, report_line);
  inv->result.payload = std::move(payload);
  inv->result.function_error = error ? "Unhandled" : "";
  inv->result.executed_version = env.config.version;
  inv->result.log_tail = inv->log.size() > kTailBytes ? inv->log.substr(inv->log.size() - kTailBytes)
                                                      : inv->log;
  inv->done = true;
  inv->signal.cancel();
  env.current.reset();
  env.watchdog.cancel();
  if (env.state != Environment::State::kDead && !env.timed_out) {
    auto self = env.shared_from_this();
    if (env.retired || !env.init_error.empty()) {
      Kill(env);  // an environment whose init failed is never reused
      Remove(self);
    } else {
      env.state = Environment::State::kFinishing;  // idle at its next GET /next
      Release(self);  // bounds a runtime that never asks again
    }
  }
}

void EnvironmentPool::Release(const std::shared_ptr<Environment>& env) {
  if (env->provisioned) {
    return;  // kept warm for as long as it stays provisioned
  }
  env->idle_timer.expires_after(options_.keepalive);
  env->idle_timer.async_wait([this, weak = std::weak_ptr<Environment>(env)](
                                 const boost::system::error_code& ec) {
    auto e = weak.lock();
    if (!ec && e && (e->state == Environment::State::kIdle ||
                     e->state == Environment::State::kFinishing)) {
      Kill(*e);
      Remove(e);
    }
  });
}

void EnvironmentPool::Kill(Environment& env) {
  if (env.pid > 0 && env.state != Environment::State::kDead) {
    ::kill(-env.pid, SIGKILL);
  }
  env.state = Environment::State::kDead;
}

void EnvironmentPool::Remove(const std::shared_ptr<Environment>& env) {
  auto it = pools_.find(env->key);
  if (it != pools_.end()) {
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), env), v.end());
    if (v.empty()) {
      pools_.erase(it);
    }
  }
  boost::system::error_code ec;
  env->acceptor.close(ec);
  env->next_signal.cancel();
  env->idle_timer.cancel();
  env->watchdog.cancel();
  if (env->provisioned) {
    env->provisioned = false;
    if (auto p = provisions_.find(env->key); p != provisions_.end()) {
      if (!env->initialized && !env->retired) {
        // AWS: the configuration fails and stops allocating when the function's init fails.
        p->second.failure = "FUNCTION_ERROR_INIT_FAILURE";
      }
      Reconcile(env->key);  // a provisioned environment that dies is replaced
    }
  }
}

void EnvironmentPool::OnExit(pid_t pid, int status) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) {
    return;
  }
  auto env = it->second;
  by_pid_.erase(it);
  DrainLogs(*env);
  std::string reason = WIFSIGNALED(status)
                           ? std::string("signal: ") + (WTERMSIG(status) == SIGKILL ? "killed"
                                                                                     : strsignal(WTERMSIG(status)))
                           : "exit status " + std::to_string(WEXITSTATUS(status));
  bool was_running = env->state != Environment::State::kDead;
  env->state = Environment::State::kDead;
  if (env->current && !env->current->done && !env->timed_out) {
    const std::string& id = env->current->request.request_id;
    std::string payload;
    if (env->oom) {
      payload = ErrorJson("Runtime.OutOfMemory",
                          "RequestId: " + id + " Error: Runtime exited with error: signal: killed");
    } else if (!env->init_error.empty()) {
      payload = env->init_error;
    } else {
      payload = ErrorJson("Runtime.ExitError",
                          "RequestId: " + id + " Error: Runtime exited with error: " + reason);
    }
    if (was_running || env->oom) {
      EmitLine(*env, "RequestId: " + id + " Error: Runtime exited with error: " + reason);
    }
    Complete(*env, std::move(payload), true);
  }
  Remove(env);
  boost::system::error_code ec;
  env->log_pipe.close(ec);
}

void EnvironmentPool::EmitLine(Environment& env, std::string line) {
  if (env.current && env.current->log_open) {
    env.current->log += line;
    env.current->log += '\n';
  }
  if (options_.log_sink != nullptr) {
    options_.log_sink->Write(env.config, env.log_stream, EpochMs(), std::move(line));
  }
}

void EnvironmentPool::HandleLogBytes(Environment& env, std::string_view bytes) {
  env.partial_line.append(bytes);
  size_t start = 0;
  size_t nl;
  while ((nl = env.partial_line.find('\n', start)) != std::string::npos) {
    EmitLine(env, env.partial_line.substr(start, nl - start));
    start = nl + 1;
  }
  env.partial_line.erase(0, start);
}

void EnvironmentPool::DrainLogs(Environment& env) {
  // The runtime wrote its output before it answered the Runtime API, so it is already in the
  // pipe: read it now so the invocation's log is complete before END/REPORT.
  if (!env.log_pipe.is_open()) {
    return;
  }
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(env.log_pipe.native_handle(), buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    HandleLogBytes(env, std::string_view(buf, static_cast<size_t>(n)));
  }
  if (!env.partial_line.empty() && env.state == Environment::State::kDead) {
    EmitLine(env, std::exchange(env.partial_line, {}));
  }
}

asio::awaitable<void> EnvironmentPool::ReadLogs(std::shared_ptr<Environment> env) {
  char buf[16384];
  for (;;) {
    auto [ec, n] = co_await env->log_pipe.async_read_some(asio::buffer(buf), kUseTuple);
    if (ec) {
      if (!env->partial_line.empty()) {
        EmitLine(*env, std::exchange(env->partial_line, {}));
      }
      co_return;
    }
    HandleLogBytes(*env, std::string_view(buf, n));
  }
}

asio::awaitable<void> EnvironmentPool::AcceptRuntimeApi(std::shared_ptr<Environment> env) {
  for (;;) {
    auto [ec, socket] = co_await env->acceptor.async_accept(strand_, kUseTuple);
    if (ec) {
      co_return;
    }
    asio::co_spawn(strand_, ServeRuntimeApi(env, std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> EnvironmentPool::ServeRuntimeApi(std::shared_ptr<Environment> env,
                                                       asio::ip::tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kRuntimeApiBodyCap);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    if (ec == http::error::body_limit && env->current && env->current->delivered &&
        parser.get().target() ==
            std::string(kApiPrefix) + "invocation/" + env->current->request.request_id +
                "/response") {
      // Beyond even the read cap the body stays unread and the connection closes, but the
      // invocation still fails as AWS reports an oversized response.
      Complete(*env, ResponseTooLargeError(), true);
      co_return;
    }
    if (ec) {
      co_return;
    }
    auto req = parser.release();
    std::string target(req.target());
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, "application/json");
    auto reply = [&](unsigned status, std::string body) {
      res.result(status);
      res.body() = std::move(body);
      res.prepare_payload();
    };
    if (target.rfind(kApiPrefix, 0) != 0) {
      reply(404, ErrorJson("InvalidRequest", "Unknown Runtime API path"));
    } else if (target == std::string(kApiPrefix) + "invocation/next" &&
               req.method() == http::verb::get) {
      if (!env->init_ms) {
        if (env->state == Environment::State::kStarting) {
          env->init_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() -
                                                                  env->created)
                             .count();
        }
      }
      if (env->state == Environment::State::kStarting && env->provisioned) {
        env->init_ms.reset();  // AWS reports no Init Duration for provisioned environments
      }
      env->initialized = true;
      if (env->state == Environment::State::kStarting ||
          env->state == Environment::State::kFinishing) {
        env->state = env->current ? Environment::State::kBusy : Environment::State::kIdle;
      }
      // Park until an invocation is waiting for this environment (AWS: /next blocks).
      while (env->state != Environment::State::kDead && (!env->current || env->current->delivered)) {
        env->next_signal.expires_at(SteadyClock::time_point::max());
        co_await env->next_signal.async_wait(kUseTuple);
      }
      if (env->state == Environment::State::kDead) {
        co_return;
      }
      Deliver(*env);
      const auto& inv = *env->current;
      res.set("Lambda-Runtime-Aws-Request-Id", inv.request.request_id);
      res.set("Lambda-Runtime-Deadline-Ms",
              std::to_string(EpochMs() + 1000LL * env->config.timeout_seconds));
      std::string arn = inv.request.invoked_function_arn;
      if (arn.empty()) {
        arn = env->config.function_arn;
        if (env->config.version != "$LATEST") {
          arn += ":" + env->config.version;
        }
      }
      res.set("Lambda-Runtime-Invoked-Function-Arn", arn);
      res.set("Lambda-Runtime-Trace-Id", TraceId());
      if (!inv.request.client_context.empty()) {
        res.set("Lambda-Runtime-Client-Context", inv.request.client_context);
      }
      reply(200, inv.request.payload);
    } else if (target == std::string(kApiPrefix) + "init/error" &&
               req.method() == http::verb::post) {
      env->init_error = req.body().empty() ? ErrorJson("Runtime.Unknown", "init error")
                                           : req.body();
      reply(202, R"({"status":"OK"})");
      if (env->current) {
        Complete(*env, env->init_error, true);
      }
    } else if (target.rfind(std::string(kApiPrefix) + "invocation/", 0) == 0 &&
               req.method() == http::verb::post) {
      std::string rest = target.substr(std::strlen(kApiPrefix) + 11);  // "<id>/response"
      auto slash = rest.find('/');
      std::string id = rest.substr(0, slash);
      std::string action = slash == std::string::npos ? "" : rest.substr(slash + 1);
      if (!env->current || env->current->request.request_id != id ||
          (action != "response" && action != "error")) {
        reply(400, ErrorJson("InvalidRequestID", "Invalid request ID"));
      } else if (!env->current->delivered || env->current->done) {
        reply(403, ErrorJson("InvalidStateTransition", "Invalid state transition"));
      } else if (action == "response" && req.body().size() > kMaxResponseBytes) {
        reply(413, ErrorJson("RequestEntityTooLarge",
                             "Exceeded maximum allowed payload size (" +
                                 std::to_string(kMaxResponseBytes) + " bytes)."));
        Complete(*env, ResponseTooLargeError(), true);
      } else if (action == "response") {
        // aws-lambda-go reports failures mid-stream in trailers.
        std::string trailer_type(req["Lambda-Runtime-Function-Error-Type"]);
        std::string body = std::move(req.body());
        reply(202, R"({"status":"OK"})");
        if (!trailer_type.empty()) {
          Complete(*env, ErrorJson(trailer_type, "response stream failed"), true);
        } else {
          Complete(*env, std::move(body), false);
        }
      } else {
        std::string type(req["Lambda-Runtime-Function-Error-Type"]);
        std::string body = req.body().empty()
                               ? ErrorJson(type.empty() ? "Unhandled" : type, "Unhandled error")
                               : std::move(req.body());
        reply(202, R"({"status":"OK"})");
        Complete(*env, std::move(body), true);
      }
    } else {
      reply(404, ErrorJson("InvalidRequest", "Unknown Runtime API path"));
    }
    auto [wec, wn] = co_await http::async_write(stream, res, kUseTuple);
    if (wec || !res.keep_alive()) {
      co_return;
    }
  }
}

void EnvironmentPool::Retire(const std::string& function_arn) {
  std::erase_if(provisions_, [&](const auto& entry) {
    return entry.first.rfind(function_arn + ":", 0) == 0;
  });
  std::vector<std::shared_ptr<Environment>> victims;
  for (const auto& [key, envs] : pools_) {
    if (key.rfind(function_arn + ":", 0) == 0) {
      victims.insert(victims.end(), envs.begin(), envs.end());
    }
  }
  for (const auto& env : victims) {
    if (env->current && !env->current->done) {
      env->retired = true;  // finishes its invocation first
    } else {
      Kill(*env);
      Remove(env);
    }
  }
}

void EnvironmentPool::Provision(const FunctionConfig& function, int count) {
  std::string key = function.function_arn + ":" + function.version;
  if (count <= 0) {
    provisions_.erase(key);
    if (auto it = pools_.find(key); it != pools_.end()) {
      for (const auto& env : it->second) {
        if (env->provisioned) {
          env->provisioned = false;
          if (env->state == Environment::State::kIdle) {
            Release(env);  // an ordinary warm environment from now on
          }
        }
      }
    }
    return;
  }
  provisions_[key] = Provisioning{function, count, ""};
  Reconcile(key);
}

void EnvironmentPool::Reconcile(const std::string& key) {
  auto p = provisions_.find(key);
  if (shut_down_ || p == provisions_.end() || !p->second.failure.empty()) {
    return;
  }
  std::vector<std::shared_ptr<Environment>> mine;
  if (auto it = pools_.find(key); it != pools_.end()) {
    for (const auto& env : it->second) {
      if (env->provisioned && !env->retired && env->state != Environment::State::kDead) {
        mine.push_back(env);
      }
    }
  }
  for (size_t i = static_cast<size_t>(p->second.count); i < mine.size(); ++i) {
    mine[i]->provisioned = false;  // fewer asked for: the extra ones expire as usual
    if (mine[i]->state == Environment::State::kIdle) {
      Release(mine[i]);
    }
  }
  for (size_t n = mine.size(); n < static_cast<size_t>(p->second.count); ++n) {
    auto spawned = Spawn(p->second.config, /*provisioned=*/true);
    if (!spawned) {
      p->second.failure = "FUNCTION_ERROR_INIT_FAILURE";
      std::fprintf(stderr, "nimbus: provisioned concurrency for %s failed: %s\n", key.c_str(),
                   spawned.error().message.c_str());
      return;
    }
  }
}

ProvisionedState EnvironmentPool::Provisioned(const std::string& key) const {
  ProvisionedState state;
  auto p = provisions_.find(key);
  if (p == provisions_.end()) {
    return state;
  }
  state.requested = p->second.count;
  state.failure = p->second.failure;
  if (auto it = pools_.find(key); it != pools_.end()) {
    for (const auto& env : it->second) {
      state.ready += env->provisioned && env->initialized && !env->retired &&
                     env->state != Environment::State::kDead;
    }
  }
  return state;
}

void EnvironmentPool::Shutdown() {
  if (shut_down_) {
    return;
  }
  shut_down_ = true;
  std::vector<std::shared_ptr<Environment>> all;
  for (const auto& [key, envs] : pools_) {
    all.insert(all.end(), envs.begin(), envs.end());
  }
  for (const auto& env : all) {
    Kill(*env);
    Remove(env);
  }
  for (const auto& [pid, env] : by_pid_) {
    ::kill(-pid, SIGKILL);
  }
  boost::system::error_code ec;
  sigchld_.cancel(ec);
}

}  // namespace nimbus::lambda::runtime
