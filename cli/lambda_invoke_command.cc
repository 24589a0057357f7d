#include "cli/lambda_invoke_command.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <rapidjson/document.h>

#include "cli/function_folder.h"
#include "cli/harness_log.h"
#include "cli/payload_source.h"
#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/lambda/runtime/local_executor.h"

namespace nimbus::cli {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using lambda::runtime::FunctionConfig;
using lambda::runtime::InvokeRequest;

const char kLambdaInvokeUsage[] =
    "Usage: nimbus lambda invoke --path DIR [--payload JSON|file://F|http(s)://U]\n"
    "                            [--client-context B64] [--variables JSON] [--qualifier Q]\n"
    "                            [--interval MS] [--timeout S] [--memory MB]\n"
    "\n"
    "Runs the function in DIR (its code and a lambda.json in lambda-uploader's format) without\n"
    "a server. A file:// or http(s):// payload holds one JSON event per line; each is one\n"
    "invocation, --interval milliseconds apart. --variables, --timeout and --memory override\n"
    "lambda.json. Exit status: 0 if every invocation succeeded, 1 if one failed, 2 on bad input.\n";

namespace {

struct Options {
  std::string path;
  std::string payload;
  std::string client_context;  // decoded JSON text
  std::map<std::string, std::string> variables;
  std::string qualifier;
  int interval_ms = 0;
  std::optional<int> timeout;
  std::optional<int> memory;
};

int ParseInt(const std::string& flag, const std::string& value) {
  char* end = nullptr;
  long n = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || n < 0 || n > 1'000'000'000) {
    throw std::invalid_argument(flag + " must be a non-negative integer, got '" + value + "'");
  }
  return static_cast<int>(n);
}

std::map<std::string, std::string> ParseVariables(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError() || !doc.IsObject()) {
    throw std::invalid_argument("--variables must be a JSON object of strings");
  }
  std::map<std::string, std::string> out;
  for (const auto& m : doc.GetObject()) {
    if (!m.value.IsString()) {
      throw std::invalid_argument(std::string("--variables: \"") + m.name.GetString() +
                                  "\" must be a string");
    }
    out[m.name.GetString()] = m.value.GetString();
  }
  return out;
}

std::string DecodeClientContext(const std::string& b64) {
  auto text = Base64Decode(b64);
  rapidjson::Document doc;
  if (text) {
    doc.Parse(text->c_str(), text->size());
  }
  // AWS: X-Amz-Client-Context is base64 of a JSON object.
  if (!text || doc.HasParseError() || !doc.IsObject()) {
    throw std::invalid_argument("--client-context must be base64-encoded JSON object text");
  }
  return *text;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      throw std::invalid_argument(flag + " needs a value");
    }
    if (flag == "--path") {
      o.path = value;
    } else if (flag == "--payload") {
      o.payload = value;
    } else if (flag == "--client-context") {
      o.client_context = DecodeClientContext(value);
    } else if (flag == "--variables") {
      o.variables = ParseVariables(value);
    } else if (flag == "--qualifier") {
      o.qualifier = value;
    } else if (flag == "--interval") {
      o.interval_ms = ParseInt(flag, value);
    } else if (flag == "--timeout") {
      o.timeout = ParseInt(flag, value);
    } else if (flag == "--memory") {
      o.memory = ParseInt(flag, value);
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  if (o.path.empty()) {
    throw std::invalid_argument("--path DIR is required");
  }
  return o;
}

// The account a role ARN names (arn:aws:iam::<account>:role/...), else the default one.
std::string AccountOf(const std::string& role) {
  std::string account = "000000000000";
  if (role.rfind("arn:", 0) == 0) {
    size_t start = 0;
    for (int i = 0; i < 4 && start != std::string::npos; ++i) {
      start = role.find(':', start + 1);
    }
    if (start != std::string::npos) {
      std::string candidate = role.substr(start + 1, role.find(':', start + 1) - start - 1);
      if (candidate.size() == 12 &&
          std::all_of(candidate.begin(), candidate.end(), [](unsigned char c) {
            return std::isdigit(c) != 0;
          })) {
        account = candidate;
      }
    }
  }
  return account;
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  });
}

struct Run {
  FunctionConfig function;
  std::string invoked_arn;
  std::vector<std::string> payloads;
  Options options;
  HarnessLog* log = nullptr;
  lambda::runtime::Executor* executor = nullptr;
  bool interrupted = false;
  int failures = 0;
};

asio::awaitable<void> InvokeAll(Run& run) {
  auto ex = co_await asio::this_coro::executor;
  const FunctionConfig& f = run.function;
  for (size_t i = 0; i < run.payloads.size() && !run.interrupted; ++i) {
    if (i > 0 && run.options.interval_ms > 0) {
      asio::steady_timer pause(ex, std::chrono::milliseconds(run.options.interval_ms));
      co_await pause.async_wait(asio::use_awaitable);
      if (run.interrupted) {
        break;
      }
    }
    InvokeRequest request;
    request.request_id = NewUuid();
    request.payload = run.payloads[i];
    request.client_context = run.options.client_context;
    request.invoked_function_arn = run.invoked_arn;
    run.log->SetRequestId(request.request_id);
    run.log->Lifecycle("[run] " + std::to_string(i + 1) + "/" +
                       std::to_string(run.payloads.size()) +
                       " mode=RequestResponse handler=" + f.handler + " runtime=" + f.runtime +
                       " request=" + request.request_id);
    auto result = co_await run.executor->Invoke(f, std::move(request));
    if (!result) {
      run.log->Lifecycle("[error] " + result.error().code + ": " + result.error().message);
      ++run.failures;
      continue;
    }
    if (!result->function_error.empty()) {
      ++run.failures;
      run.log->Lifecycle("[result] error (" + result->function_error + "): " + result->payload);
    } else {
      run.log->Lifecycle("[result] " + result->payload);
    }
  }
}

}  // namespace

int RunLambdaInvoke(int argc, char** argv) {
  Options options;
  FunctionFolder folder;
  std::vector<std::string> payloads;
  try {
    options = ParseArgs(argc, argv);
    folder = LoadFunctionFolder(options.path);
    for (const auto& [k, v] : options.variables) {
      folder.variables[k] = v;
    }
    folder.timeout = options.timeout.value_or(folder.timeout);
    folder.memory = options.memory.value_or(folder.memory);
    CheckLimits(folder.timeout, folder.memory);
    payloads = LoadPayloads(options.payload);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nimbus lambda invoke: %s\n\n%s", e.what(), kLambdaInvokeUsage);
    return 2;
  }

  Run run;
  FunctionConfig& f = run.function;
  f.account = AccountOf(folder.role);
  f.region = !folder.region.empty() ? folder.region
                                    : EnvOr("AWS_REGION", EnvOr("AWS_DEFAULT_REGION", "us-east-1"));
  f.function_name = folder.name;
  f.function_arn = "arn:aws:lambda:" + f.region + ":" + f.account + ":function:" + folder.name;
  f.runtime = folder.runtime;
  f.handler = folder.handler;
  f.code_dir = folder.dir;
  f.environment = folder.variables;
  f.timeout_seconds = folder.timeout;
  f.memory_mb = folder.memory;
  f.revision_id = NewUuid();
  f.role = !folder.role.empty() ? folder.role
                                : "arn:aws:iam::" + f.account + ":role/lambda_basic_execution";
  f.log_group = "/aws/lambda/" + folder.name;
  // AWS: a numeric qualifier runs that version; an alias runs its version ($LATEST here, there
  // being no published versions) and the function sees the alias in its invoked ARN.
  if (!options.qualifier.empty() && options.qualifier != "$LATEST") {
    if (AllDigits(options.qualifier)) {
      f.version = options.qualifier;
    } else {
      run.invoked_arn = f.function_arn + ":" + options.qualifier;
    }
  }
  run.payloads = std::move(payloads);
  run.options = options;

  fs::path work = fs::temp_directory_path() / ("nimbus-invoke-" + std::to_string(::getpid()));
  HarnessLog log(stdout);
  run.log = &log;
  int exit_code = 0;
  {
    asio::io_context ioc(1);
    lambda::runtime::ExecutorOptions executor_options;
    executor_options.work_dir = work.string();
    // Calls the function makes to AWS go where the caller points them (a running Nimbus or
    // LocalStack on the default port otherwise).
    executor_options.endpoint_url = EnvOr("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
    executor_options.keepalive = std::chrono::hours(24);
    executor_options.log_sink = &log;
    lambda::runtime::LocalExecutor executor(ioc, std::move(executor_options));
    run.executor = &executor;

    log.Lifecycle("[create] function " + f.function_name + " runtime=" + f.runtime +
                  " handler=" + f.handler + " memory=" + std::to_string(f.memory_mb) +
                  "MB timeout=" + std::to_string(f.timeout_seconds) + "s code=" + f.code_dir +
                  " arn=" + f.function_arn);
    asio::steady_timer stop_timer(ioc);
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
      if (!ec) {
        // Environments are killed at once; the invocation in flight is abandoned.
        run.interrupted = true;
        run.failures += 1;
        log.Lifecycle("[terminate] function " + f.function_name + " (interrupted)");
        executor.Shutdown();
        stop_timer.expires_after(std::chrono::milliseconds(100));
        stop_timer.async_wait([&](const boost::system::error_code&) { ioc.stop(); });
      }
    });
    asio::co_spawn(ioc, InvokeAll(run), [&](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log.Lifecycle(std::string("[error] ") + ex.what());
        }
        run.failures += 1;
      }
      if (run.interrupted) {
        return;
      }
      log.Lifecycle("[terminate] function " + f.function_name);
      signals.cancel();
      executor.Shutdown();
    });
    ioc.run();
    exit_code = run.failures > 0 ? 1 : 0;
  }
  std::error_code ec;
  fs::remove_all(work, ec);
  return exit_code;
}

}  // namespace nimbus::cli
