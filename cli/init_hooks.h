#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace nimbus::cli {

// LocalStack's init hooks: scripts in <root>/{boot,start,ready,shutdown}.d run at those moments
// of the server's life. Roots: /etc/localstack/init and /etc/nimbus/init, or the folders listed
// in NIMBUS_INIT_DIR (colon-separated). Within a stage folder scripts run in name order, those of
// a folder before its subfolders (visited in name order, depth first); `*.sh` must be executable
// and runs as itself, `*.py` runs with python3. A failing script is recorded and the next runs.
// Scripts see AWS_ENDPOINT_URL (this server), AWS_DEFAULT_REGION and dummy credentials where the
// environment has none; their output goes to the server's stderr.
// Status reads may come from any thread (the data plane); runs update it under a mutex.
class InitHooks {
 public:
  enum class Stage { kBoot = 0, kStart, kReady, kShutdown };
  static constexpr std::array<const char*, 4> kStageNames = {"BOOT", "START", "READY",
                                                             "SHUTDOWN"};

  // Finds the scripts of every stage (state UNKNOWN until they run).
  explicit InitHooks(std::vector<std::string> roots);
  // Roots from NIMBUS_INIT_DIR, else the two default folders.
  static std::vector<std::string> RootsFromEnvironment();

  void SetEndpointUrl(std::string url) { endpoint_url_ = std::move(url); }

  // Runs a stage's scripts one after another, blocking (BOOT: before the server exists).
  void RunStageBlocking(Stage stage);
  // Runs a stage's scripts one after another without blocking the io threads. `limit`
  // bounds the whole stage (scripts still running then are killed); nullopt = none.
  boost::asio::awaitable<void> RunStage(Stage stage,
                                        std::optional<std::chrono::milliseconds> limit = {});

  // Ends a START/READY script still running when the server stops (SIGTERM to its group).
  void KillRunning();

  // LocalStack's /_localstack/init document: {"completed": {"BOOT": true, ...},
  // "scripts": [{"stage", "name", "state"}]}; for one stage {"completed": b, "scripts": [...]}.
  std::string StatusJson() const;
  std::string StageStatusJson(Stage stage) const;
  static std::optional<Stage> ParseStage(std::string name);

 private:
  struct Script {
    Stage stage;
    std::string path;
    std::string state = "UNKNOWN";  // UNKNOWN, RUNNING, SUCCESSFUL, ERROR
  };

  pid_t Spawn(const Script& script) const;
  void SetState(size_t index, const char* state);
  void Finish(size_t index, int status);
  std::vector<size_t> ScriptsOf(Stage stage) const;

  std::string endpoint_url_;
  mutable std::mutex mu_;
  std::vector<Script> scripts_;
  std::array<bool, 4> completed_{};
  pid_t running_ = -1;  // the script RunStage waits for
};

}  // namespace nimbus::cli
