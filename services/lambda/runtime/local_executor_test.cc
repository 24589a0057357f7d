// The local executor against real interpreters: python and node handlers, a shell bootstrap,
// errors, timeouts, crashes, memory limits and concurrency.
#include "services/lambda/runtime/local_executor.h"

#include <filesystem>
#include <fstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "services/common/ids.h"

namespace nimbus::lambda::runtime {
namespace {

namespace fs = std::filesystem;

class LocalExecutorTest : public ::testing::Test {
 protected:
  LocalExecutorTest()
      : root_(fs::temp_directory_path() / ("nimbus-exec-test-" + RandomHex(8))),
        executor_(ioc_, ExecutorOptions::FromEnvironment((root_ / "work").string(),
                                                         "http://127.0.0.1:1")) {
    fs::create_directories(root_);
  }
  ~LocalExecutorTest() override {
    executor_.Shutdown();
    ioc_.run_for(std::chrono::milliseconds(50));
    fs::remove_all(root_);
  }

  FunctionConfig Function(const std::string& runtime, const std::string& handler,
                          const std::map<std::string, std::string>& files) {
    fs::path dir = root_ / ("code-" + RandomHex(6));
    fs::create_directories(dir);
    for (const auto& [name, content] : files) {
      std::ofstream(dir / name) << content;
      if (name == "bootstrap") {
        fs::permissions(dir / name, fs::perms::owner_all);
      }
    }
    FunctionConfig f;
    f.account = "000000000000";
    f.region = "us-east-1";
    f.function_name = "fn-" + RandomHex(6);
    f.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:" + f.function_name;
    f.runtime = runtime;
    f.handler = handler;
    f.code_dir = dir.string();
    f.revision_id = "r1";
    f.log_group = "/aws/lambda/" + f.function_name;
    return f;
  }

  Result<InvokeResult> Invoke(const FunctionConfig& f, const std::string& payload,
                              bool tail = true) {
    InvokeRequest req;
    req.request_id = NewUuid();
    req.payload = payload;
    req.tail_log = tail;
    auto future = boost::asio::co_spawn(ioc_, executor_.Invoke(f, req), boost::asio::use_future);
    ioc_.restart();
    while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      ioc_.run_for(std::chrono::milliseconds(5));
    }
    return future.get();
  }

  fs::path root_;
  boost::asio::io_context ioc_;
  LocalExecutor executor_;
};

TEST_F(LocalExecutorTest, PythonHandlerRoundTripAndWarmReuse) {
  auto f = Function("python3.12", "app.handler",
                    {{"app.py", "import os\n"
                                "def handler(event, context):\n"
                                "    print('hello from', context.function_name)\n"
                                "    return {'echo': event, 'pid': os.getpid(),\n"
                                "            'remaining': context.get_remaining_time_in_millis() > 0}\n"}});
  auto r1 = Invoke(f, R"({"a": 1})");
  ASSERT_TRUE(r1.has_value()) << r1.error().message;
  EXPECT_EQ(r1->function_error, "");
  EXPECT_NE(r1->payload.find(R"("echo": {"a": 1})"), std::string::npos) << r1->payload;
  EXPECT_NE(r1->log_tail.find("START RequestId:"), std::string::npos) << r1->log_tail;
  EXPECT_NE(r1->log_tail.find("hello from " + f.function_name), std::string::npos) << r1->log_tail;
  EXPECT_NE(r1->log_tail.find("Init Duration:"), std::string::npos) << r1->log_tail;
  auto r2 = Invoke(f, "{}");
  ASSERT_TRUE(r2.has_value());
  auto pid_of = [](const std::string& p) { return p.substr(p.find("\"pid\"")); };
  EXPECT_EQ(pid_of(r1->payload).substr(0, 14), pid_of(r2->payload).substr(0, 14));  // warm
  EXPECT_EQ(r2->log_tail.find("Init Duration:"), std::string::npos) << r2->log_tail;
}

TEST_F(LocalExecutorTest, PythonErrorsAreUnhandledWithAwsShape) {
  auto f = Function("python3.12", "app.handler",
                    {{"app.py", "def handler(event, context):\n    raise ValueError('boom')\n"}});
  auto r = Invoke(f, "{}");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_NE(r->payload.find(R"("errorType": "ValueError")"), std::string::npos) << r->payload;
  EXPECT_NE(r->payload.find(R"("errorMessage": "boom")"), std::string::npos) << r->payload;
  EXPECT_NE(r->log_tail.find("[ERROR] ValueError: boom"), std::string::npos) << r->log_tail;
}

TEST_F(LocalExecutorTest, MissingModuleIsImportModuleError) {
  auto f = Function("python3.12", "nope.handler", {{"app.py", "x = 1\n"}});
  auto r = Invoke(f, "{}");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_NE(r->payload.find("Runtime.ImportModuleError"), std::string::npos) << r->payload;
}

TEST_F(LocalExecutorTest, NodeHandlerAsyncAndConsoleFormat) {
  auto f = Function("nodejs20.x", "index.handler",
                    {{"index.js", "exports.handler = async (event, context) => {\n"
                                  "  console.log('hi', event.n);\n"
                                  "  return { doubled: event.n * 2, id: context.awsRequestId };\n"
                                  "};\n"}});
  auto r = Invoke(f, R"({"n": 21})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->function_error, "") << r->payload;
  EXPECT_NE(r->payload.find(R"("doubled":42)"), std::string::npos) << r->payload;
  EXPECT_NE(r->log_tail.find("\tINFO\thi 21"), std::string::npos) << r->log_tail;
}

TEST_F(LocalExecutorTest, NodeErrorShape) {
  auto f = Function("nodejs20.x", "index.handler",
                    {{"index.js", "exports.handler = async () => { throw new TypeError('bad'); };\n"}});
  auto r = Invoke(f, "{}");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_NE(r->payload.find(R"("errorType":"TypeError")"), std::string::npos) << r->payload;
}

TEST_F(LocalExecutorTest, ProvidedShellBootstrapSpeaksRuntimeApi) {
  auto f = Function("provided.al2023", "unused",
                    {{"bootstrap",
                      "#!/bin/sh\n"
                      "set -e\n"
                      "while true; do\n"
                      "  H=$(mktemp); B=$(curl -sS -D $H http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next)\n"
                      "  ID=$(grep -i Lambda-Runtime-Aws-Request-Id $H | tr -d '\\r' | cut -d' ' -f2)\n"
                      "  echo \"shell got $B\"\n"
                      "  curl -sS -X POST -d \"{\\\"shell\\\": $B}\" http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$ID/response >/dev/null\n"
                      "done\n"}});
  auto r = Invoke(f, R"({"x":1})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->function_error, "") << r->payload;
  EXPECT_EQ(r->payload, R"({"shell": {"x":1}})");
  EXPECT_NE(r->log_tail.find("shell got {\"x\":1}"), std::string::npos) << r->log_tail;
}

TEST_F(LocalExecutorTest, MissingBootstrapIsAnInvalidEntrypointNotAHang) {
  auto f = Function("provided.al2", "x", {{"readme.txt", "no bootstrap"}});
  auto r = Invoke(f, "{}");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_NE(r->payload.find("Runtime.InvalidEntrypoint"), std::string::npos) << r->payload;
}

TEST_F(LocalExecutorTest, TimeoutKillsAndReports) {
  auto f = Function("python3.12", "app.handler",
                    {{"app.py", "import time\ndef handler(e, c):\n    time.sleep(30)\n"}});
  f.timeout_seconds = 1;
  auto start = std::chrono::steady_clock::now();
  auto r = Invoke(f, "{}");
  ASSERT_TRUE(r.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_NE(r->payload.find("Task timed out after 1.00 seconds"), std::string::npos) << r->payload;
  // The environment was replaced: the next call starts a new one and succeeds quickly.
  auto f2 = f;
  std::ofstream(fs::path(f.code_dir) / "app.py") << "def handler(e, c):\n    return 'ok'\n";
  f2.revision_id = "r2";
  auto again = Invoke(f2, "{}");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->payload, "\"ok\"");
}

TEST_F(LocalExecutorTest, CrashIsRuntimeExitError) {
  auto f = Function("python3.12", "app.handler",
                    {{"app.py", "import os\ndef handler(e, c):\n    os._exit(3)\n"}});
  auto r = Invoke(f, "{}");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_NE(r->payload.find("Runtime.ExitError"), std::string::npos) << r->payload;
  EXPECT_NE(r->payload.find("exit status 3"), std::string::npos) << r->payload;
}

TEST_F(LocalExecutorTest, MemoryLimitIsRuntimeOutOfMemory) {
  auto f = Function("python3.12", "app.handler",
                    {{"app.py", "import time\ndef handler(e, c):\n"
                                "    b = bytearray(300 * 1024 * 1024)\n"
                                "    for i in range(0, len(b), 4096): b[i] = 1\n"
                                "    time.sleep(5)\n"}});
  f.memory_mb = 128;
  f.timeout_seconds = 10;
  auto r = Invoke(f, "{}");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_NE(r->payload.find("Runtime.OutOfMemory"), std::string::npos) << r->payload;
}

TEST_F(LocalExecutorTest, ReservedConcurrencyZeroThrottles) {
  auto f = Function("python3.12", "app.handler", {{"app.py", "def handler(e, c):\n    return 1\n"}});
  f.reserved_concurrency = 0;
  auto r = Invoke(f, "{}");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "TooManyRequestsException");
  EXPECT_EQ(r.error().http_status, 429);
}

}  // namespace
}  // namespace nimbus::lambda::runtime
