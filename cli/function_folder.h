#pragma once

#include <map>
#include <string>

namespace nimbus::cli {

// A function kept in a local folder with a `lambda.json` in lambda-uploader's format:
//   {"name", "description", "region", "handler", "role", "runtime", "timeout", "memory",
//    "variables": {...}}
// Keys lambda-uploader uses for packaging (requirements, ignore, vpc, ...) are accepted and
// ignored. Used by `nimbus lambda invoke` and by NIMBUS_CONFIG functions.
struct FunctionFolder {
  std::string dir;  // absolute
  std::string name;
  std::string description;
  std::string region;  // empty: the caller's default
  std::string handler;
  std::string role;
  std::string runtime;
  int timeout = 3;    // seconds, AWS default
  int memory = 128;   // MB, AWS default
  std::map<std::string, std::string> variables;
};

// Reads DIR/lambda.json. A missing runtime is inferred from the handler's file (python3.12 for
// a .py module, nodejs20.x for .js/.mjs/.cjs, provided.al2023 for a `bootstrap` executable); a
// missing name is the folder's name. Throws std::invalid_argument with a one-line reason.
FunctionFolder LoadFunctionFolder(const std::string& dir);

// The runtime a handler's code in `dir` implies (see LoadFunctionFolder), or "".
std::string InferRuntime(const std::string& dir, const std::string& handler);

// AWS's limits: timeout 1..900 s, memory 128..10240 MB. Throws std::invalid_argument.
void CheckLimits(int timeout, int memory);

}  // namespace nimbus::cli
