// Unit tests of the command line's pure pieces: YAML → JSON, ${VAR} expansion, NDJSON events,
// the harness's log line form, lambda.json, init hook discovery and status documents.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cli/declarative_config.h"
#include "cli/function_folder.h"
#include "cli/harness_log.h"
#include "cli/init_hooks.h"
#include "cli/payload_source.h"
#include "cli/yaml_document.h"

namespace nimbus::cli {
namespace {
namespace fs = std::filesystem;

std::string Json(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("nimbus-cli-test-" + name + "-" +
                                              std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(Yaml, ScalarsMappingsSequences) {
  auto doc = ParseYaml(
      "a: 1\nb: -2.5\nc: true\nd: ~\ne: \"1\"\nf: hello world\n"
      "g: [x, 'y', 3]\nh:\n  - k: v\n  - null\ni: {}\n");
  EXPECT_EQ(Json(doc),
            R"({"a":1,"b":-2.5,"c":true,"d":null,"e":"1","f":"hello world","g":["x","y",3],)"
            R"("h":[{"k":"v"},null],"i":{}})");
}

TEST(Yaml, EmptyFileIsAnEmptyMapping) { EXPECT_EQ(Json(ParseYaml("")), "{}"); }

TEST(Yaml, ErrorsNameTheLine) {
  try {
    ParseYaml("a:\n  - b\n - c\n");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseYaml("a: &x 1\nb: *x\n"), std::invalid_argument);
  EXPECT_THROW(ParseYaml("a: 1\n---\nb: 2\n"), std::invalid_argument);
}

TEST(ExpandVariables, DefaultsAndLiterals) {
  ::setenv("NIMBUS_CLI_TEST_SET", "value", 1);
  ::unsetenv("NIMBUS_CLI_TEST_UNSET");
  EXPECT_EQ(ExpandVariables("a ${NIMBUS_CLI_TEST_SET} b"), "a value b");
  EXPECT_EQ(ExpandVariables("${NIMBUS_CLI_TEST_UNSET:-fallback}"), "fallback");
  EXPECT_EQ(ExpandVariables("${NIMBUS_CLI_TEST_SET:-fallback}"), "value");
  EXPECT_EQ(ExpandVariables("$$HOME and $x"), "$HOME and $x");
  EXPECT_THROW(ExpandVariables("${NIMBUS_CLI_TEST_UNSET}"), std::invalid_argument);
  EXPECT_THROW(ExpandVariables("${OPEN"), std::invalid_argument);
}

TEST(Payloads, NdjsonLinesAndErrors) {
  EXPECT_EQ(SplitNdjson("{\"a\":1}\n\n  \n[2]\r\n\"s\"", "f"),
            (std::vector<std::string>{"{\"a\":1}", "[2]", "\"s\""}));
  try {
    SplitNdjson("{}\n{oops\n", "events.ndjson");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("events.ndjson line 2: invalid JSON"), std::string::npos);
  }
  EXPECT_THROW(SplitNdjson("\n\n", "f"), std::invalid_argument);
  EXPECT_EQ(LoadPayloads(""), (std::vector<std::string>{"{}"}));
  EXPECT_EQ(LoadPayloads("{\"k\": [1]}"), (std::vector<std::string>{"{\"k\": [1]}"}));
  EXPECT_THROW(LoadPayloads("{"), std::invalid_argument);
}

TEST(HarnessLog, FunctionLinesCarryTimeRequestIdAndLevel) {
  const std::string id = "8f0e2d5c-1111-4222-8333-944455556666";
  const int64_t ts = 1700000000123;  // 2023-11-14T22:13:20.123Z
  EXPECT_EQ(FormatFunctionLine("hello", id, ts),
            "2023-11-14T22:13:20.123Z\t" + id + "\tINFO\thello");
  EXPECT_EQ(FormatFunctionLine("[ERROR] ValueError: x\rTraceback", id, ts),
            "2023-11-14T22:13:20.123Z\t" + id + "\tERROR\t[ERROR] ValueError: x\nTraceback");
  // Python's logging form and Node's console form keep their own fields.
  EXPECT_EQ(FormatFunctionLine("[WARNING]\t2024-01-01T00:00:00.000Z\t" + id + "\tcareful", "-", ts),
            "2024-01-01T00:00:00.000Z\t" + id + "\tWARNING\tcareful");
  EXPECT_EQ(FormatFunctionLine("2024-01-01T00:00:00.000Z\t" + id + "\tWARN\tnode", "-", ts),
            "2024-01-01T00:00:00.000Z\t" + id + "\tWARN\tnode");
  EXPECT_TRUE(IsPlatformLine("START RequestId: " + id + " Version: $LATEST"));
  EXPECT_TRUE(IsPlatformLine("REPORT RequestId: " + id + "\tDuration: 1.00 ms\t"));
  EXPECT_TRUE(IsPlatformLine("2024-01-01T00:00:00.000Z " + id + " Task timed out after 1.00 seconds"));
  EXPECT_FALSE(IsPlatformLine("hello"));
}

TEST(FunctionFolder, LambdaUploaderFormat) {
  fs::path dir = TempDir("folder");
  std::ofstream(dir / "handler.py") << "def run(e, c):\n    return 1\n";
  std::ofstream(dir / "lambda.json")
      << R"({"name": "fn", "description": "d", "region": "eu-west-1", "handler": "handler.run",
             "role": "arn:aws:iam::123456789012:role/r", "timeout": 30, "memory": 512,
             "variables": {"A": "1", "B": 2, "C": true}, "requirements": ["x"],
             "ignore": ["*.pyc"], "vpc": null})";
  FunctionFolder f = LoadFunctionFolder(dir.string());
  EXPECT_EQ(f.name, "fn");
  EXPECT_EQ(f.runtime, "python3.12");  // inferred from handler.py
  EXPECT_EQ(f.timeout, 30);
  EXPECT_EQ(f.memory, 512);
  EXPECT_EQ(f.variables, (std::map<std::string, std::string>{{"A", "1"}, {"B", "2"},
                                                             {"C", "true"}}));
  std::ofstream(dir / "lambda.json", std::ios::trunc) << R"({"handler": "h.x", "memory": 64})";
  EXPECT_THROW(LoadFunctionFolder(dir.string()), std::invalid_argument);  // no runtime, memory
  fs::remove_all(dir);
}

TEST(InitHooks, DiscoveryOrderAndStatus) {
  fs::path root = TempDir("hooks");
  for (const char* f : {"ready.d/b.sh", "ready.d/a.py", "ready.d/sub/c.sh", "ready.d/z.sh",
                        "ready.d/readme.txt", "boot.d/x.sh"}) {
    fs::create_directories((root / f).parent_path());
    std::ofstream(root / f) << "#!/bin/sh\nexit 0\n";
    fs::permissions(root / f, fs::perms::owner_all);
  }
  InitHooks hooks({root.string()});
  EXPECT_EQ(hooks.StageStatusJson(InitHooks::Stage::kReady),
            R"({"completed":false,"scripts":[)"
            R"({"stage":"READY","name":"a.py","state":"UNKNOWN"},)"
            R"({"stage":"READY","name":"b.sh","state":"UNKNOWN"},)"
            R"({"stage":"READY","name":"z.sh","state":"UNKNOWN"},)"
            R"({"stage":"READY","name":"c.sh","state":"UNKNOWN"}]})");
  hooks.SetEndpointUrl("http://127.0.0.1:1");
  hooks.RunStageBlocking(InitHooks::Stage::kBoot);
  EXPECT_EQ(hooks.StatusJson().substr(0, 81),
            R"({"completed":{"BOOT":true,"START":false,"READY":false,"SHUTDOWN":false},"scripts")");
  EXPECT_EQ(InitHooks::ParseStage("ready"), InitHooks::Stage::kReady);
  EXPECT_EQ(InitHooks::ParseStage("Shutdown"), InitHooks::Stage::kShutdown);
  EXPECT_FALSE(InitHooks::ParseStage("later").has_value());
  fs::remove_all(root);
}

}  // namespace
}  // namespace nimbus::cli
