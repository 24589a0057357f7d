#include "cli/init_hooks.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/lambda/runtime/interpreter.h"

extern char** environ;

namespace nimbus::cli {
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(10);
const char* const kStageDirs[] = {"boot.d", "start.d", "ready.d", "shutdown.d"};

bool IsScript(const fs::path& p) { return p.extension() == ".sh" || p.extension() == ".py"; }

// A folder's scripts in name order, then its subfolders' (name order, depth first): LocalStack's
// order.
void Collect(const fs::path& dir, std::vector<std::string>& out) {
  std::vector<fs::path> files;
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      dirs.push_back(entry.path());
    } else if (entry.is_regular_file(type_ec) && IsScript(entry.path())) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& f : files) {
    out.push_back(f.string());
  }
  for (const auto& d : dirs) {
    Collect(d, out);
  }
}

void WriteScripts(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::string& stage,
                  const std::string& path, const std::string& state) {
  w.StartObject();
  w.Key("stage");
  w.String(stage.c_str());
  w.Key("name");
  w.String(fs::path(path).filename().string().c_str());
  w.Key("state");
  w.String(state.c_str());
  w.EndObject();
}

}  // namespace

std::vector<std::string> InitHooks::RootsFromEnvironment() {
  std::vector<std::string> roots;
  const char* v = std::getenv("NIMBUS_INIT_DIR");
  if (v == nullptr || *v == '\0') {
    return {"/etc/localstack/init", "/etc/nimbus/init"};
  }
  std::string text(v);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t colon = text.find(':', pos);
    std::string item = text.substr(pos, colon == std::string::npos ? std::string::npos
                                                                    : colon - pos);
    if (!item.empty()) {
      roots.push_back(item);
    }
    if (colon == std::string::npos) {
      break;
    }
    pos = colon + 1;
  }
  return roots;
}

InitHooks::InitHooks(std::vector<std::string> roots) {
  for (size_t s = 0; s < kStageNames.size(); ++s) {
    for (const auto& root : roots) {
      std::vector<std::string> paths;
      Collect(fs::path(root) / kStageDirs[s], paths);
      for (auto& p : paths) {
        scripts_.push_back(Script{static_cast<Stage>(s), std::move(p)});
      }
    }
  }
}

std::optional<InitHooks::Stage> InitHooks::ParseStage(std::string name) {
  for (char& c : name) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  for (size_t s = 0; s < kStageNames.size(); ++s) {
    if (name == kStageNames[s]) {
      return static_cast<Stage>(s);
    }
  }
  return std::nullopt;
}

std::vector<size_t> InitHooks::ScriptsOf(Stage stage) const {
  std::vector<size_t> out;
  for (size_t i = 0; i < scripts_.size(); ++i) {
    if (scripts_[i].stage == stage) {
      out.push_back(i);
    }
  }
  return out;
}

pid_t InitHooks::Spawn(const Script& script) const {
  std::vector<std::string> argv;
  if (fs::path(script.path).extension() == ".py") {
    std::string python = lambda::runtime::FindOnPath("python3");
    argv = {python.empty() ? "/usr/bin/python3" : python, script.path};
  } else {
    argv = {script.path};
  }
  // The parent's environment, with the endpoint and defaults a script calling AWS needs.
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) {
      vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  vars["AWS_ENDPOINT_URL"] = endpoint_url_;
  for (const auto& [k, v] : {std::pair<const char*, const char*>{"AWS_DEFAULT_REGION", "us-east-1"},
                             {"AWS_ACCESS_KEY_ID", "test"},
                             {"AWS_SECRET_ACCESS_KEY", "test"}}) {
    if (vars[k].empty()) {
      vars[k] = v;
    }
  }
  if (vars["AWS_REGION"].empty()) {
    vars["AWS_REGION"] = vars["AWS_DEFAULT_REGION"];
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : vars) {
    env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (auto& a : argv) {
    args.push_back(a.data());
  }
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // stdout belongs to the server's startup protocol ("Ready."): scripts print to stderr.
  posix_spawn_file_actions_adddup2(&actions, 2, 1);
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
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    std::fprintf(stderr, "nimbus: init: cannot run %s: %s\n", script.path.c_str(),
                 std::strerror(rc));
    return -1;
  }
  return pid;
}

void InitHooks::SetState(size_t index, const char* state) {
  std::lock_guard lock(mu_);
  scripts_[index].state = state;
}

void InitHooks::Finish(size_t index, int status) {
  bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  SetState(index, ok ? "SUCCESSFUL" : "ERROR");
  const Script& s = scripts_[index];
  std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                      : std::string("signal ") + strsignal(WTERMSIG(status));
  std::fprintf(stderr, "nimbus: init: %s %s: %s%s\n", kStageNames[static_cast<size_t>(s.stage)],
               s.path.c_str(), ok ? "SUCCESSFUL" : "ERROR", ok ? "" : (" (" + how + ")").c_str());
}

void InitHooks::RunStageBlocking(Stage stage) {
  for (size_t i : ScriptsOf(stage)) {
    SetState(i, "RUNNING");
    pid_t pid = Spawn(scripts_[i]);
    if (pid < 0) {
      SetState(i, "ERROR");
      continue;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    Finish(i, status);
  }
  std::lock_guard lock(mu_);
  completed_[static_cast<size_t>(stage)] = true;
}

asio::awaitable<void> InitHooks::RunStage(Stage stage,
                                          std::optional<std::chrono::milliseconds> limit) {
  auto ex = co_await asio::this_coro::executor;
  auto deadline = std::chrono::steady_clock::now() +
                  limit.value_or(std::chrono::hours(24 * 365));
  for (size_t i : ScriptsOf(stage)) {
    SetState(i, "RUNNING");
    pid_t pid = Spawn(scripts_[i]);
    if (pid < 0) {
      SetState(i, "ERROR");
      continue;
    }
    {
      std::lock_guard lock(mu_);
      running_ = pid;
    }
    // Polled rather than waited on a SIGCHLD: the Lambda engine owns that signal's handler.
    int status = 0;
    bool killed = false;
    for (;;) {
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid || (r < 0 && errno != EINTR)) {
        break;
      }
      if (!killed && std::chrono::steady_clock::now() >= deadline) {
        ::kill(-pid, SIGKILL);
        killed = true;
      }
      asio::steady_timer pause(ex, kPollInterval);
      co_await pause.async_wait(asio::use_awaitable);
    }
    {
      std::lock_guard lock(mu_);
      running_ = -1;
    }
    Finish(i, status);
  }
  std::lock_guard lock(mu_);
  completed_[static_cast<size_t>(stage)] = true;
}

void InitHooks::KillRunning() {
  std::lock_guard lock(mu_);
  if (running_ > 0) {
    ::kill(-running_, SIGTERM);
  }
}

std::string InitHooks::StatusJson() const {
  std::lock_guard lock(mu_);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("completed");
  w.StartObject();
  for (size_t s = 0; s < kStageNames.size(); ++s) {
    w.Key(kStageNames[s]);
    w.Bool(completed_[s]);
  }
  w.EndObject();
  w.Key("scripts");
  w.StartArray();
  for (const auto& script : scripts_) {
    WriteScripts(w, kStageNames[static_cast<size_t>(script.stage)], script.path, script.state);
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

std::string InitHooks::StageStatusJson(Stage stage) const {
  std::lock_guard lock(mu_);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("completed");
  w.Bool(completed_[static_cast<size_t>(stage)]);
  w.Key("scripts");
  w.StartArray();
  for (const auto& script : scripts_) {
    if (script.stage == stage) {
      WriteScripts(w, kStageNames[static_cast<size_t>(stage)], script.path, script.state);
    }
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

}  // namespace nimbus::cli
