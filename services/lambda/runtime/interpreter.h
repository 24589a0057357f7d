#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nimbus::lambda::runtime {

// How to start a runtime's process: argv, and the runtime's own environment additions.
struct LaunchPlan {
  std::vector<std::string> argv;
  std::string error;  // non-empty: the runtime cannot start (e.g. no interpreter on this machine)
};

// Resolves interpreters once per process (a pyenv shim costs ~60 ms per spawn, so the real
// binary behind it is found once and cached) and builds the launch plan for a runtime.
// `bootstrap_dir` holds the bootstraps Nimbus ships; `code_dir` the function's code.
class InterpreterResolver {
 public:
  explicit InterpreterResolver(std::string bootstrap_dir) : bootstrap_dir_(std::move(bootstrap_dir)) {}

  LaunchPlan Plan(const std::string& runtime, const std::string& handler,
                  const std::string& code_dir, const std::vector<std::string>& layer_dirs);

 private:
  struct Interpreter {
    std::string path;
    std::string version;  // "3.11", "20"
  };
  std::optional<Interpreter> Python(const std::string& wanted);
  std::optional<Interpreter> Node();

  std::string bootstrap_dir_;
  std::vector<std::pair<std::string, std::optional<Interpreter>>> cache_;
  std::set<std::string> warned_;  // runtimes whose version mismatch was reported once
};

// The first executable named `name` on PATH, or empty.
std::string FindOnPath(const std::string& name);

}  // namespace nimbus::lambda::runtime
