#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "services/common/aws_error.h"

namespace nimbus::lambda::runtime {

// Everything the execution engine needs to run one version of a function. Built by the control
// plane from its stored configuration at invoke time.
struct FunctionConfig {
  std::string account;
  std::string region;
  std::string function_name;
  std::string function_arn;  // unqualified: arn:aws:lambda:<region>:<account>:function:<name>
  std::string version = "$LATEST";
  std::string runtime;  // "python3.12", "nodejs20.x", "provided.al2023", "go1.x", ...
  std::string handler;
  std::string code_dir;  // unpacked code, or the user's folder for hot reload
  std::vector<std::string> layer_dirs;  // unpacked layers, in the function's layer order
  std::map<std::string, std::string> environment;  // the function's own variables
  int timeout_seconds = 3;
  int memory_mb = 128;
  std::optional<int> reserved_concurrency;  // nullopt = unreserved
  // Identifies the code + configuration: environments created for another revision are
  // retired instead of reused (an update applies to the next invocation).
  std::string revision_id;
  std::string role;  // execution role ARN
  std::string log_group;  // "/aws/lambda/<name>" unless LoggingConfig says otherwise
};

struct InvokeRequest {
  std::string request_id;  // a UUID chosen by the caller
  std::string payload;
  std::string client_context;  // JSON text (decoded from X-Amz-Client-Context), may be empty
  bool tail_log = false;       // LogType=Tail: return the last 4 KB of the log
  // The ARN the caller invoked (with an alias or version qualifier), handed to the runtime as
  // Lambda-Runtime-Invoked-Function-Arn; empty = the function ARN plus the executed version.
  std::string invoked_function_arn;
};

struct InvokeResult {
  std::string payload;         // the function's result, or its error document
  std::string function_error;  // "" on success, else "Unhandled"
  std::string log_tail;        // last 4 KB of this invocation's log text (START..REPORT)
  std::string executed_version;
};

// Provisioned concurrency of one published version, as the executor sees it right now.
struct ProvisionedState {
  int requested = 0;  // what Provision asked for
  int ready = 0;      // environments initialized (idle or running an invocation)
  std::string failure;  // set when an environment failed to initialize: no more are started
};

// Receives every log line a function environment produces, as it is produced (issue 5 routes
// them to CloudWatch Logs). Called on the executor's strand.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Write(const FunctionConfig& function, const std::string& log_stream,
                     int64_t timestamp_ms, std::string line) = 0;
};

// Runs invocations in local execution environments (child processes speaking the Lambda
// Runtime API). Errors are AwsErrors the Invoke operation returns as they are:
// TooManyRequestsException (429) beyond reserved concurrency, ServiceException (500) when an
// environment cannot start at all. Function failures (errors, timeouts, crashes, OOM) are not
// errors here: they come back as an InvokeResult with function_error = "Unhandled".
class Executor {
 public:
  virtual ~Executor() = default;
  virtual boost::asio::awaitable<Result<InvokeResult>> Invoke(const FunctionConfig& function,
                                                              InvokeRequest request) = 0;
  // Stops and removes every environment of the function (all versions): DeleteFunction.
  virtual void Retire(const std::string& function_arn) = 0;
  // Provisioned concurrency: keeps `count` environments of this published version started,
  // initialized and warm, outside the keep-alive, replacing any that die; 0 hands them back
  // to the keep-alive. Starts them at once and returns.
  virtual boost::asio::awaitable<void> Provision(const FunctionConfig& function, int count) = 0;
  virtual boost::asio::awaitable<ProvisionedState> Provisioned(const std::string& function_arn,
                                                               const std::string& version) = 0;
  // Stops everything (process shutdown).
  virtual void Shutdown() = 0;
};

// A code package unpacked on disk.
struct StoredCode {
  std::string sha256_base64;  // CodeSha256 as AWS reports it
  int64_t size = 0;           // CodeSize: bytes of the zip
  std::string dir;            // where it is unpacked
};

// Stores zip packages (functions and layers) content-addressed under a root directory and
// unpacks them with libzip. Refuses zip-slip paths and symlinks that escape the package; keeps
// executable bits. Errors: InvalidParameterValueException ("Could not unzip uploaded file...")
// for a corrupt or hostile zip, CodeStorageExceededException beyond the size limit.
class CodeStore {
 public:
  explicit CodeStore(std::string root);
  Result<StoredCode> Put(const std::string& zip_bytes);
  // The zip bytes of a stored package (GetFunction's Code.Location download, layers).
  std::optional<std::string> ReadZip(const std::string& sha256_base64) const;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

}  // namespace nimbus::lambda::runtime
