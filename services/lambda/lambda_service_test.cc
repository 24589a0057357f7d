#include "services/lambda/lambda_service.h"

#include <zip.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/common/testing/service_test_base.h"

namespace nimbus::lambda {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char kRole[] = "arn:aws:iam::000000000000:role/lambda-role";
constexpr char kArnPrefix[] = "arn:aws:lambda:us-east-1:000000000000:function:";

// Records what the control plane hands the execution engine and answers with a canned result.
class FakeExecutor final : public runtime::Executor {
 public:
  boost::asio::awaitable<Result<runtime::InvokeResult>> Invoke(
      const runtime::FunctionConfig& function, runtime::InvokeRequest request) override {
    configs.push_back(function);
    requests.push_back(request);
    if (!errors.empty()) {
      AwsError e = errors.front();
      errors.erase(errors.begin());
      co_return e;
    }
    runtime::InvokeResult r;
    r.payload = reply;
    r.function_error = function_error;
    r.log_tail = "START RequestId: " + request.request_id + "\nEND\n";
    co_return r;
  }
  void Retire(const std::string& function_arn) override { retired.push_back(function_arn); }
  // Provisioned concurrency: every asked-for environment is ready at once.
  boost::asio::awaitable<void> Provision(const runtime::FunctionConfig& function,
                                         int count) override {
    provisioned[function.function_arn + ":" + function.version] = count;
    co_return;
  }
  boost::asio::awaitable<runtime::ProvisionedState> Provisioned(
      const std::string& function_arn, const std::string& version) override {
    int n = provisioned[function_arn + ":" + version];
    co_return runtime::ProvisionedState{n, n, ""};
  }
  void Shutdown() override {}

  std::map<std::string, int> provisioned;  // function ARN:version → environments
  std::vector<runtime::FunctionConfig> configs;
  std::vector<runtime::InvokeRequest> requests;
  std::vector<std::string> retired;
  std::vector<AwsError> errors;  // returned (in order) before any result
  std::string reply = R"({"ok":true})";
  std::string function_error;
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A .zip holding `files` (name → content), built with libzip.
std::string MakeZip(const std::map<std::string, std::string>& files) {
  fs::path path = fs::temp_directory_path() / ("nimbus-lambda-test-" + RandomHex(12) + ".zip");
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, content] : files) {
    zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
    zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE);
  }
  zip_close(z);
  std::string bytes = ReadFile(path);
  fs::remove(path);
  return bytes;
}

std::string Sha256Base64(const std::string& bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &n, EVP_sha256(), nullptr);
  return Base64Encode(std::string(reinterpret_cast<char*>(out), n));
}

LambdaOptions TestOptions() {
  LambdaOptions o;
  o.settle_delay = 5ms;
  return o;
}

class LambdaServiceTest : public testing::ServiceTestBase {
 protected:
  LambdaServiceTest()
      : root_(fs::temp_directory_path() / ("nimbus-lambda-test-" + RandomHex(12))),
        code_store_((root_ / "code").string()),
        lambda_(executor_, code_store_, TestOptions()) {
    StartService(lambda_);
    fs::create_directories(root_ / "src");
  }
  ~LambdaServiceTest() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Calls `op` with a params document (for binary members such as ZipFile).
  Result<rapidjson::Document> CallDoc(const std::string& op, const rapidjson::Document& params) {
    const OperationHandler* handler = table_.Find(op);
    EXPECT_NE(handler, nullptr) << op;
    RequestContext ctx;
    ctx.clock = &clock_;
    ctx.operation = op;
    ctx.host = "localhost:4566";
    ctx.request_id = NewUuid();
    ParamReader reader(params);
    if (handler->sync) {
      return handler->sync(ctx, reader);
    }
    auto future =
        boost::asio::co_spawn(ioc_, handler->async(ctx, reader), boost::asio::use_future);
    ioc_.restart();
    ioc_.run();
    return future.get();
  }

  // Lets settle timers and queued events run.
  void RunFor(std::chrono::milliseconds d) {
    ioc_.restart();
    ioc_.run_for(d);
  }

  // A hot-reload python function on a local folder (no zip needed).
  rapidjson::Document CreateHot(const std::string& name, const std::string& extra = "") {
    return Ok("CreateFunction", R"({"FunctionName":")" + name + R"(","Runtime":"python3.12",)" +
                                    R"("Role":")" + kRole + R"(","Handler":"app.handler",)" +
                                    R"("Code":{"S3Bucket":"hot-reload","S3Key":")" +
                                    (root_ / "src").string() + "\"}" + extra + "}");
  }

  rapidjson::Document CreateZip(const std::string& name, const std::string& zip,
                                const std::string& runtime = "python3.12") {
    rapidjson::Document p(rapidjson::kObjectType);
    auto& a = p.GetAllocator();
    p.AddMember("FunctionName", rapidjson::Value(name.c_str(), a), a);
    p.AddMember("Runtime", rapidjson::Value(runtime.c_str(), a), a);
    p.AddMember("Role", rapidjson::StringRef(kRole), a);
    p.AddMember("Handler", "app.handler", a);
    rapidjson::Value code(rapidjson::kObjectType);
    code.AddMember("ZipFile",
                   rapidjson::Value(zip.data(), static_cast<rapidjson::SizeType>(zip.size()), a),
                   a);
    p.AddMember("Code", code, a);
    auto r = CallDoc("CreateFunction", p);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().code + " " + r.error().message);
    return r ? std::move(*r) : rapidjson::Document(rapidjson::kObjectType);
  }

  std::string Get(const std::string& params, const char* member) {
    auto out = Ok("GetFunctionConfiguration", params);
    return out.HasMember(member) && out[member].IsString() ? out[member].GetString() : "";
  }

  rapidjson::Document Invoke(const std::string& params) { return Ok("Invoke", params); }

  fs::path root_;
  FakeExecutor executor_;
  runtime::CodeStore code_store_;
  LambdaService lambda_;
};

// ---------------------------------------------------------------------------------------------
// Create, state machine, validation

TEST_F(LambdaServiceTest, CreateReturnsPendingThenSettlesToActive) {
  auto out = CreateHot("fn");
  EXPECT_STREQ(out["State"].GetString(), "Pending");
  EXPECT_STREQ(out["StateReason"].GetString(), "The function is being created.");
  EXPECT_STREQ(out["StateReasonCode"].GetString(), "Creating");
  EXPECT_EQ(std::string(out["FunctionArn"].GetString()), std::string(kArnPrefix) + "fn");
  EXPECT_STREQ(out["Version"].GetString(), "$LATEST");
  EXPECT_EQ(out["Timeout"].GetInt(), 3);
  EXPECT_EQ(out["MemorySize"].GetInt(), 128);
  EXPECT_STREQ(out["CodeSha256"].GetString(), "hot-reloading-hash-not-available");
  EXPECT_STREQ(out["LoggingConfig"]["LogGroup"].GetString(), "/aws/lambda/fn");
  EXPECT_STREQ(out["LoggingConfig"]["LogFormat"].GetString(), "Text");
  EXPECT_STREQ(out["PackageType"].GetString(), "Zip");
  EXPECT_STREQ(out["Architectures"][0].GetString(), "x86_64");
  EXPECT_EQ(out["EphemeralStorage"]["Size"].GetInt(), 512);
  EXPECT_STREQ(out["TracingConfig"]["Mode"].GetString(), "PassThrough");
  std::string modified = out["LastModified"].GetString();
  EXPECT_EQ(modified.size(), 28u) << modified;
  EXPECT_EQ(modified.substr(23), "+0000");
  std::string revision = out["RevisionId"].GetString();

  RunFor(100ms);
  auto got = Ok("GetFunction", R"({"FunctionName":"fn"})");
  EXPECT_STREQ(got["Configuration"]["State"].GetString(), "Active");
  EXPECT_STREQ(got["Configuration"]["LastUpdateStatus"].GetString(), "Successful");
  EXPECT_FALSE(got["Configuration"].HasMember("StateReason"));
  EXPECT_EQ(got["Configuration"]["RevisionId"].GetString(), revision);
  EXPECT_STREQ(got["Code"]["RepositoryType"].GetString(), "S3");
}

TEST_F(LambdaServiceTest, UpdatesGoInProgressThenSuccessfulWithANewRevision) {
  auto created = CreateHot("fn");
  RunFor(100ms);
  auto out = Ok("UpdateFunctionConfiguration",
                R"({"FunctionName":"fn","Timeout":30,"MemorySize":256,"Description":"d",)"
                R"("Environment":{"Variables":{"A":"1"}}})");
  EXPECT_STREQ(out["LastUpdateStatus"].GetString(), "InProgress");
  EXPECT_STREQ(out["LastUpdateStatusReasonCode"].GetString(), "Creating");
  EXPECT_STREQ(out["State"].GetString(), "Active");
  EXPECT_EQ(out["Timeout"].GetInt(), 30);
  EXPECT_EQ(out["MemorySize"].GetInt(), 256);
  EXPECT_STREQ(out["Environment"]["Variables"]["A"].GetString(), "1");
  EXPECT_STRNE(out["RevisionId"].GetString(), created["RevisionId"].GetString());
  RunFor(100ms);
  EXPECT_EQ(Get(R"({"FunctionName":"fn"})", "LastUpdateStatus"), "Successful");
}

TEST_F(LambdaServiceTest, RevisionIdPreconditionOnUpdates) {
  CreateHot("fn");
  EXPECT_EQ(ErrorCode("UpdateFunctionConfiguration",
                      R"({"FunctionName":"fn","Timeout":5,"RevisionId":"nope"})"),
            "PreconditionFailedException");
  std::string rev = Get(R"({"FunctionName":"fn"})", "RevisionId");
  Ok("UpdateFunctionConfiguration",
     R"({"FunctionName":"fn","Timeout":5,"RevisionId":")" + rev + "\"}");
}

TEST_F(LambdaServiceTest, CreateValidation) {
  std::string code = R"("Code":{"S3Bucket":"hot-reload","S3Key":"/tmp"})";
  auto create = [&](const std::string& fields) {
    return ErrorCode("CreateFunction", "{" + fields + "," + code + "}");
  };
  std::string base = R"("FunctionName":"ok","Role":")" + std::string(kRole) + "\"";
  EXPECT_EQ(create(R"("FunctionName":"bad name","Role":")" + std::string(kRole) +
                   R"(","Runtime":"python3.12","Handler":"h")"),
            "ValidationException");
  EXPECT_EQ(create(base + R"(,"Runtime":"python9","Handler":"h")"),
            "InvalidParameterValueException");
  EXPECT_EQ(create(base + R"(,"Runtime":"python2.7","Handler":"h")"),
            "InvalidParameterValueException");
  EXPECT_EQ(create(R"("FunctionName":"ok","Role":"not-a-role","Runtime":"python3.12","Handler":"h")"),
            "ValidationException");
  EXPECT_EQ(create(base + R"(,"Runtime":"python3.12","Handler":"h","Timeout":901)"),
            "ValidationException");
  EXPECT_EQ(create(base + R"(,"Runtime":"python3.12","Handler":"h","Timeout":0)"),
            "ValidationException");
  EXPECT_EQ(create(base + R"(,"Runtime":"python3.12","Handler":"h","MemorySize":64)"),
            "ValidationException");
  EXPECT_EQ(create(base + R"(,"Runtime":"python3.12","Handler":"h","MemorySize":10241)"),
            "ValidationException");
  EXPECT_EQ(create(base + R"(,"Runtime":"python3.12")"), "InvalidParameterValueException");
  EXPECT_EQ(create(base + R"(,"Runtime":"python3.12","Handler":"h","Architectures":["sparc"])"),
            "ValidationException");
  EXPECT_EQ(ErrorCode("CreateFunction", "{" + base + R"(,"Runtime":"python3.12","Handler":"h",)" +
                                            R"("Code":{"S3Bucket":"my-bucket","S3Key":"k.zip"}})"),
            "InvalidParameterValueException");
  EXPECT_EQ(ErrorCode("CreateFunction", "{" + base + R"(,"Runtime":"python3.12","Handler":"h",)" +
                                            R"("Code":{"S3Bucket":"hot-reload","S3Key":"rel"}})"),
            "InvalidParameterValueException");
  // provided runtimes need no handler.
  Ok("CreateFunction", "{" + base + R"(,"Runtime":"provided.al2023",)" + code + "}");
  auto r = Call("CreateFunction", "{" + base + R"(,"Runtime":"provided.al2023",)" + code + "}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "ResourceConflictException");
  EXPECT_EQ(r.error().http_status, 409);
  EXPECT_EQ(r.error().message, "Function already exist: ok");
}

TEST_F(LambdaServiceTest, ZipCodeIsStoredAndReported) {
  std::string zip = MakeZip({{"app.py", "def handler(e, c):\n  return e\n"}});
  auto out = CreateZip("zipped", zip);
  EXPECT_EQ(std::string(out["CodeSha256"].GetString()), Sha256Base64(zip));
  EXPECT_EQ(out["CodeSize"].GetInt64(), static_cast<int64_t>(zip.size()));
  Invoke(R"({"FunctionName":"zipped"})");
  ASSERT_EQ(executor_.configs.size(), 1u);
  EXPECT_TRUE(fs::exists(fs::path(executor_.configs[0].code_dir) / "app.py"));
  auto got = Ok("GetFunction", R"({"FunctionName":"zipped"})");
  std::string location = got["Code"]["Location"].GetString();
  EXPECT_EQ(location.rfind("http://localhost:4566/", 0), 0u) << location;
}

TEST_F(LambdaServiceTest, CorruptZipIsRejected) {
  rapidjson::Document p;
  p.Parse(R"({"FunctionName":"bad","Runtime":"python3.12","Role":"arn:aws:iam::000000000000:role/r",)"
          R"("Handler":"a.b","Code":{"ZipFile":"not a zip"}})");
  auto r = CallDoc("CreateFunction", p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidParameterValueException");
  EXPECT_EQ(ErrorCode("GetFunction", R"({"FunctionName":"bad"})"), "ResourceNotFoundException");
}

// ---------------------------------------------------------------------------------------------
// Resolution of names, ARNs and qualifiers

TEST_F(LambdaServiceTest, FunctionNameFormsResolve) {
  CreateHot("fn");
  for (const std::string name :
       {"fn", "000000000000:function:fn", "arn:aws:lambda:us-east-1:000000000000:function:fn",
        "fn:$LATEST", "arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST"}) {
    auto out = Ok("GetFunctionConfiguration", R"({"FunctionName":")" + name + "\"}");
    EXPECT_STREQ(out["FunctionName"].GetString(), "fn") << name;
  }
  EXPECT_EQ(Get(R"({"FunctionName":"fn","Qualifier":"$LATEST"})", "FunctionArn"),
            std::string(kArnPrefix) + "fn:$LATEST");
}

TEST_F(LambdaServiceTest, ResolutionErrors) {
  CreateHot("fn");
  auto r = Call("GetFunction", R"({"FunctionName":"nope"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "ResourceNotFoundException");
  EXPECT_EQ(r.error().http_status, 404);
  EXPECT_EQ(r.error().message, std::string("Function not found: ") + kArnPrefix + "nope");
  r = Call("GetFunction", R"({"FunctionName":"fn","Qualifier":"9"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, std::string("Function not found: ") + kArnPrefix + "fn:9");
  EXPECT_EQ(ErrorCode("GetFunction", R"({"FunctionName":"fn:1","Qualifier":"2"})"),
            "InvalidParameterValueException");
  EXPECT_EQ(ErrorCode("GetFunction",
                      R"({"FunctionName":"arn:aws:lambda:eu-west-1:000000000000:function:fn"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("GetFunction", R"({"FunctionName":"bad name"})"), "ValidationException");
  EXPECT_EQ(ErrorCode("GetFunction", R"({"FunctionName":"fn:missing-alias"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("PutFunctionConcurrency",
                      R"({"FunctionName":"fn:live","ReservedConcurrentExecutions":1})"),
            "InvalidParameterValueException");
}

TEST_F(LambdaServiceTest, ListFunctionsPaginates) {
  for (int i = 0; i < 5; ++i) {
    CreateHot("fn" + std::to_string(i));
  }
  auto first = Ok("ListFunctions", R"({"MaxItems":2})");
  ASSERT_EQ(first["Functions"].Size(), 2u);
  EXPECT_STREQ(first["Functions"][0]["FunctionName"].GetString(), "fn0");
  std::set<std::string> seen;
  std::string marker = first["NextMarker"].GetString();
  for (const auto& f : first["Functions"].GetArray()) {
    seen.insert(f["FunctionName"].GetString());
  }
  while (!marker.empty()) {
    auto page = Ok("ListFunctions", R"({"MaxItems":2,"Marker":")" + marker + "\"}");
    for (const auto& f : page["Functions"].GetArray()) {
      seen.insert(f["FunctionName"].GetString());
    }
    marker = page.HasMember("NextMarker") ? page["NextMarker"].GetString() : "";
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(ErrorCode("ListFunctions", R"({"MaxItems":0})"), "ValidationException");
  EXPECT_EQ(Ok("ListFunctions", "{}")["Functions"].Size(), 5u);
}

// ---------------------------------------------------------------------------------------------
// Versions and aliases

TEST_F(LambdaServiceTest, PublishVersionSnapshotsLatest) {
  CreateHot("fn", R"(,"Environment":{"Variables":{"V":"one"}})");
  auto v1 = Ok("PublishVersion", R"({"FunctionName":"fn","Description":"first"})");
  EXPECT_STREQ(v1["Version"].GetString(), "1");
  EXPECT_EQ(std::string(v1["FunctionArn"].GetString()), std::string(kArnPrefix) + "fn:1");
  EXPECT_STREQ(v1["Description"].GetString(), "first");
  // Unchanged $LATEST: the same version comes back.
  EXPECT_STREQ(Ok("PublishVersion", R"({"FunctionName":"fn"})")["Version"].GetString(), "1");
  Ok("UpdateFunctionConfiguration",
     R"({"FunctionName":"fn","Environment":{"Variables":{"V":"two"}}})");
  EXPECT_STREQ(Ok("PublishVersion", R"({"FunctionName":"fn"})")["Version"].GetString(), "2");
  EXPECT_EQ(ErrorCode("PublishVersion", R"({"FunctionName":"fn","CodeSha256":"abc"})"),
            "InvalidParameterValueException");
  EXPECT_EQ(ErrorCode("PublishVersion", R"({"FunctionName":"fn","RevisionId":"abc"})"),
            "PreconditionFailedException");

  auto versions = Ok("ListVersionsByFunction", R"({"FunctionName":"fn"})");
  ASSERT_EQ(versions["Versions"].Size(), 3u);
  EXPECT_STREQ(versions["Versions"][0]["Version"].GetString(), "$LATEST");
  EXPECT_EQ(std::string(versions["Versions"][0]["FunctionArn"].GetString()),
            std::string(kArnPrefix) + "fn:$LATEST");
  EXPECT_STREQ(versions["Versions"][1]["Version"].GetString(), "1");
  EXPECT_STREQ(versions["Versions"][2]["Version"].GetString(), "2");

  // Each version keeps its own configuration.
  Invoke(R"({"FunctionName":"fn","Qualifier":"1"})");
  Invoke(R"({"FunctionName":"fn:2"})");
  Invoke(R"({"FunctionName":"fn"})");
  ASSERT_EQ(executor_.configs.size(), 3u);
  EXPECT_EQ(executor_.configs[0].version, "1");
  EXPECT_EQ(executor_.configs[0].environment.at("V"), "one");
  EXPECT_EQ(executor_.configs[1].version, "2");
  EXPECT_EQ(executor_.configs[1].environment.at("V"), "two");
  EXPECT_EQ(executor_.configs[2].version, "$LATEST");
  EXPECT_EQ(executor_.configs[0].function_arn, std::string(kArnPrefix) + "fn");
}

TEST_F(LambdaServiceTest, CreateAndUpdateWithPublish) {
  auto out = CreateHot("fn", R"(,"Publish":true)");
  EXPECT_STREQ(out["Version"].GetString(), "1");
  std::string zip = MakeZip({{"app.py", "x = 1\n"}});
  rapidjson::Document p(rapidjson::kObjectType);
  auto& a = p.GetAllocator();
  p.AddMember("FunctionName", "fn", a);
  p.AddMember("ZipFile", rapidjson::Value(zip.data(), static_cast<rapidjson::SizeType>(zip.size()), a), a);
  p.AddMember("Publish", true, a);
  auto r = CallDoc("UpdateFunctionCode", p);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_STREQ((*r)["Version"].GetString(), "2");
  EXPECT_EQ(std::string((*r)["CodeSha256"].GetString()), Sha256Base64(zip));
  EXPECT_EQ(Get(R"({"FunctionName":"fn:1"})", "CodeSha256"), "hot-reloading-hash-not-available");
}

TEST_F(LambdaServiceTest, AliasesLifecycle) {
  CreateHot("fn");
  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  auto alias = Ok("CreateAlias", R"({"FunctionName":"fn","Name":"live","FunctionVersion":"1"})");
  EXPECT_EQ(std::string(alias["AliasArn"].GetString()), std::string(kArnPrefix) + "fn:live");
  EXPECT_STREQ(alias["FunctionVersion"].GetString(), "1");
  std::string rev = alias["RevisionId"].GetString();
  EXPECT_EQ(ErrorCode("CreateAlias", R"({"FunctionName":"fn","Name":"live","FunctionVersion":"1"})"),
            "ResourceConflictException");
  EXPECT_EQ(ErrorCode("CreateAlias", R"({"FunctionName":"fn","Name":"x","FunctionVersion":"7"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("CreateAlias", R"({"FunctionName":"fn","Name":"12","FunctionVersion":"1"})"),
            "ValidationException");
  auto r = Call("GetAlias", R"({"FunctionName":"fn","Name":"nope"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, std::string("Cannot find alias arn: ") + kArnPrefix + "fn:nope");

  // The alias resolves to its version; its ARN is what GetFunction reports.
  auto cfg = Ok("GetFunctionConfiguration", R"({"FunctionName":"fn","Qualifier":"live"})");
  EXPECT_STREQ(cfg["Version"].GetString(), "1");
  EXPECT_EQ(std::string(cfg["FunctionArn"].GetString()), std::string(kArnPrefix) + "fn:live");

  EXPECT_EQ(ErrorCode("UpdateAlias", R"({"FunctionName":"fn","Name":"live","RevisionId":"x"})"),
            "PreconditionFailedException");
  auto updated = Ok("UpdateAlias", R"({"FunctionName":"fn","Name":"live","Description":"d",)"
                                   R"("RevisionId":")" + rev + "\"}");
  EXPECT_STREQ(updated["Description"].GetString(), "d");
  EXPECT_STRNE(updated["RevisionId"].GetString(), rev.c_str());

  // A version an alias points at cannot be deleted.
  EXPECT_EQ(ErrorCode("DeleteFunction", R"({"FunctionName":"fn","Qualifier":"1"})"),
            "ResourceConflictException");
  EXPECT_EQ(Ok("ListAliases", R"({"FunctionName":"fn"})")["Aliases"].Size(), 1u);
  Ok("DeleteAlias", R"({"FunctionName":"fn","Name":"live"})");
  Ok("DeleteAlias", R"({"FunctionName":"fn","Name":"live"})");  // idempotent
  EXPECT_EQ(Ok("ListAliases", R"({"FunctionName":"fn"})")["Aliases"].Size(), 0u);
  EXPECT_EQ(Ok("DeleteFunction", R"({"FunctionName":"fn","Qualifier":"1"})")["StatusCode"].GetInt(),
            204);
  EXPECT_EQ(ErrorCode("GetFunction", R"({"FunctionName":"fn:1"})"), "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("DeleteFunction", R"({"FunctionName":"fn","Qualifier":"$LATEST"})"),
            "InvalidParameterValueException");
}

TEST_F(LambdaServiceTest, RoutingConfigValidation) {
  CreateHot("fn");
  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  Ok("UpdateFunctionConfiguration", R"({"FunctionName":"fn","Timeout":9})");
  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  auto create = [&](const std::string& version, const std::string& weights) {
    return ErrorCode("CreateAlias", R"({"FunctionName":"fn","Name":"a","FunctionVersion":")" +
                                        version + R"(","RoutingConfig":{"AdditionalVersionWeights":)" +
                                        weights + "}}");
  };
  EXPECT_EQ(create("1", R"({"2":1.5})"), "ValidationException");
  EXPECT_EQ(create("1", R"({"1":0.5})"), "InvalidParameterValueException");
  EXPECT_EQ(create("1", R"({"9":0.5})"), "ResourceNotFoundException");
  EXPECT_EQ(create("$LATEST", R"({"2":0.5})"), "InvalidParameterValueException");
  EXPECT_EQ(create("1", R"({"2":0.5,"3":0.1})"), "InvalidParameterValueException");
  auto ok = Ok("CreateAlias", R"({"FunctionName":"fn","Name":"a","FunctionVersion":"1",)"
                              R"("RoutingConfig":{"AdditionalVersionWeights":{"2":0.25}}})");
  EXPECT_DOUBLE_EQ(ok["RoutingConfig"]["AdditionalVersionWeights"]["2"].GetDouble(), 0.25);
}

TEST_F(LambdaServiceTest, WeightedAliasRoutesByWeight) {
  CreateHot("fn");
  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  Ok("UpdateFunctionConfiguration", R"({"FunctionName":"fn","Timeout":9})");
  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  Ok("CreateAlias", R"({"FunctionName":"fn","Name":"all2","FunctionVersion":"1",)"
                    R"("RoutingConfig":{"AdditionalVersionWeights":{"2":1.0}}})");
  Ok("CreateAlias", R"({"FunctionName":"fn","Name":"none2","FunctionVersion":"1",)"
                    R"("RoutingConfig":{"AdditionalVersionWeights":{"2":0.0}}})");
  Ok("CreateAlias", R"({"FunctionName":"fn","Name":"half","FunctionVersion":"1",)"
                    R"("RoutingConfig":{"AdditionalVersionWeights":{"2":0.5}}})");
  for (int i = 0; i < 5; ++i) {
    EXPECT_STREQ(Invoke(R"({"FunctionName":"fn:all2"})")["ExecutedVersion"].GetString(), "2");
    EXPECT_STREQ(Invoke(R"({"FunctionName":"fn:none2"})")["ExecutedVersion"].GetString(), "1");
  }
  std::map<std::string, int> counts;
  for (int i = 0; i < 200; ++i) {
    counts[Invoke(R"({"FunctionName":"fn","Qualifier":"half"})")["ExecutedVersion"].GetString()]++;
  }
  EXPECT_GT(counts["1"], 50);
  EXPECT_GT(counts["2"], 50);
  EXPECT_EQ(counts["1"] + counts["2"], 200);
}

// ---------------------------------------------------------------------------------------------
// Invoke

TEST_F(LambdaServiceTest, ClientContextReachesTheRuntimeAsAsciiJson) {
  // Runtimes read the Lambda-Runtime-Client-Context header as Latin-1.
  CreateHot("fn", "");
  executor_.reply = "{}";
  std::string ctx = Base64Encode("{\"custom\": {\"who\": \"js \xE2\x9C\x93\"}}");
  Invoke(R"({"FunctionName":"fn","ClientContext":")" + ctx + "\"}");
  ASSERT_EQ(executor_.requests.size(), 1u);
  EXPECT_EQ(executor_.requests[0].client_context, R"({"custom":{"who":"js \u2713"}})");
}

TEST_F(LambdaServiceTest, InvokeHandsTheExecutorTheFunctionAndMapsTheResult) {
  CreateHot("fn", R"(,"Environment":{"Variables":{"K":"v"}},"Timeout":42,"MemorySize":512)");
  Ok("PutFunctionConcurrency", R"({"FunctionName":"fn","ReservedConcurrentExecutions":7})");
  executor_.reply = R"({"answer":42})";
  executor_.function_error = "Unhandled";
  std::string ctx = Base64Encode(R"({"custom":{"a":"b"}})");
  auto out = Invoke(R"({"FunctionName":"fn","Payload":"{\"x\":1}","LogType":"Tail",)"
                    R"("ClientContext":")" + ctx + "\"}");
  EXPECT_EQ(out["StatusCode"].GetInt(), 200);
  EXPECT_STREQ(out["Payload"].GetString(), R"({"answer":42})");
  EXPECT_STREQ(out["FunctionError"].GetString(), "Unhandled");
  EXPECT_STREQ(out["ExecutedVersion"].GetString(), "$LATEST");
  auto tail = Base64Decode(out["LogResult"].GetString());
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->rfind("START RequestId: ", 0), 0u);
  ASSERT_EQ(executor_.configs.size(), 1u);
  const auto& c = executor_.configs[0];
  EXPECT_EQ(c.function_name, "fn");
  EXPECT_EQ(c.account, "000000000000");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.runtime, "python3.12");
  EXPECT_EQ(c.handler, "app.handler");
  EXPECT_EQ(c.code_dir, (root_ / "src").string());
  EXPECT_EQ(c.environment.at("K"), "v");
  EXPECT_EQ(c.timeout_seconds, 42);
  EXPECT_EQ(c.memory_mb, 512);
  EXPECT_EQ(c.reserved_concurrency, 7);
  EXPECT_EQ(c.role, kRole);
  EXPECT_EQ(c.log_group, "/aws/lambda/fn");
  const auto& req = executor_.requests[0];
  EXPECT_EQ(req.payload, R"({"x":1})");
  EXPECT_TRUE(req.tail_log);
  EXPECT_EQ(req.client_context, R"({"custom":{"a":"b"}})");
  EXPECT_FALSE(req.request_id.empty());
  // Without LogType=Tail there is no LogResult; an empty payload is an empty event.
  executor_.function_error.clear();
  out = Invoke(R"({"FunctionName":"fn"})");
  EXPECT_FALSE(out.HasMember("LogResult"));
  EXPECT_FALSE(out.HasMember("FunctionError"));
  EXPECT_EQ(executor_.requests[1].payload, "{}");
}

TEST_F(LambdaServiceTest, InvokeValidatesPayloadAndType) {
  CreateHot("fn");
  auto r = Call("Invoke", R"({"FunctionName":"fn","Payload":"not json"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidRequestContentException");
  EXPECT_EQ(r.error().message.rfind("Could not parse request body into json: ", 0), 0u);
  EXPECT_EQ(ErrorCode("Invoke", R"({"FunctionName":"fn","InvocationType":"Later"})"),
            "ValidationException");
  rapidjson::Document p(rapidjson::kObjectType);
  std::string big = "\"" + std::string(6 * 1024 * 1024, 'a') + "\"";
  p.AddMember("FunctionName", "fn", p.GetAllocator());
  p.AddMember("Payload", rapidjson::Value(big.c_str(), p.GetAllocator()), p.GetAllocator());
  r = CallDoc("Invoke", p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "RequestTooLargeException");
  EXPECT_EQ(r.error().http_status, 413);
  EXPECT_TRUE(executor_.configs.empty());
  EXPECT_EQ(ErrorCode("Invoke", R"({"FunctionName":"nope"})"), "ResourceNotFoundException");
}

TEST_F(LambdaServiceTest, DryRunAndEventInvocations) {
  CreateHot("fn");
  auto dry = Invoke(R"({"FunctionName":"fn","InvocationType":"DryRun"})");
  EXPECT_EQ(dry["StatusCode"].GetInt(), 204);
  EXPECT_TRUE(executor_.configs.empty());
  auto event = Invoke(R"({"FunctionName":"fn","InvocationType":"Event","Payload":"{\"n\":1}"})");
  EXPECT_EQ(event["StatusCode"].GetInt(), 202);
  RunFor(50ms);
  ASSERT_EQ(executor_.requests.size(), 1u);
  EXPECT_EQ(executor_.requests[0].payload, R"({"n":1})");
  EXPECT_FALSE(executor_.requests[0].tail_log);
  EXPECT_EQ(lambda_.queued_events(), 0u);
  auto legacy = Ok("InvokeAsync", R"({"FunctionName":"fn","InvokeArgs":"{\"n\":2}"})");
  EXPECT_EQ(legacy["Status"].GetInt(), 202);
  RunFor(50ms);
  ASSERT_EQ(executor_.requests.size(), 2u);
  EXPECT_EQ(executor_.requests[1].payload, R"({"n":2})");
}

TEST_F(LambdaServiceTest, ThrottledEventsAreRetriedNotDropped) {
  CreateHot("fn");
  executor_.errors.push_back(AwsError::Sender("TooManyRequestsException", "Rate Exceeded.", 429));
  Invoke(R"({"FunctionName":"fn","InvocationType":"Event"})");
  RunFor(1500ms);
  ASSERT_EQ(executor_.requests.size(), 2u);
  EXPECT_EQ(executor_.requests[0].request_id, executor_.requests[1].request_id);
}

TEST_F(LambdaServiceTest, ZeroReservedConcurrencyThrottlesSyncInvokes) {
  CreateHot("fn");
  Ok("PutFunctionConcurrency", R"({"FunctionName":"fn","ReservedConcurrentExecutions":0})");
  auto r = Call("Invoke", R"({"FunctionName":"fn"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "TooManyRequestsException");
  EXPECT_EQ(r.error().http_status, 429);
  EXPECT_EQ(r.error().fields,
            (std::vector<std::pair<std::string, std::string>>{
                {"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"}}));
}

TEST_F(LambdaServiceTest, HotReloadRevisionFollowsTheFolder) {
  std::ofstream(root_ / "src" / "app.py") << "v = 1\n";
  CreateHot("fn");
  Invoke(R"({"FunctionName":"fn"})");
  Invoke(R"({"FunctionName":"fn"})");
  std::ofstream(root_ / "src" / "extra.py") << "w = 2\n";
  Invoke(R"({"FunctionName":"fn"})");
  ASSERT_EQ(executor_.configs.size(), 3u);
  EXPECT_EQ(executor_.configs[0].revision_id, executor_.configs[1].revision_id);
  EXPECT_NE(executor_.configs[1].revision_id, executor_.configs[2].revision_id);
}

TEST_F(LambdaServiceTest, DeleteFunctionRetiresItsEnvironments) {
  CreateHot("fn");
  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  auto out = Ok("DeleteFunction", R"({"FunctionName":"fn"})");
  EXPECT_EQ(out["StatusCode"].GetInt(), 204);
  ASSERT_EQ(executor_.retired.size(), 1u);
  EXPECT_EQ(executor_.retired[0], std::string(kArnPrefix) + "fn");
  EXPECT_EQ(ErrorCode("GetFunction", R"({"FunctionName":"fn"})"), "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("GetFunction", R"({"FunctionName":"fn:1"})"), "ResourceNotFoundException");
  CreateHot("fn");  // the name is free again
  EXPECT_STREQ(Ok("PublishVersion", R"({"FunctionName":"fn"})")["Version"].GetString(), "1");
}

// ---------------------------------------------------------------------------------------------
// Permissions, concurrency, tags

TEST_F(LambdaServiceTest, PermissionsBuildAnAwsShapedPolicy) {
  CreateHot("fn");
  auto r = Call("GetPolicy", R"({"FunctionName":"fn"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "The resource you requested does not exist.");
  std::string rev = Get(R"({"FunctionName":"fn"})", "RevisionId");
  auto added = Ok("AddPermission",
                  R"({"FunctionName":"fn","StatementId":"s3","Action":"lambda:InvokeFunction",)"
                  R"("Principal":"s3.amazonaws.com","SourceArn":"arn:aws:s3:::bucket",)"
                  R"("SourceAccount":"111122223333"})");
  rapidjson::Document statement;
  statement.Parse(added["Statement"].GetString());
  EXPECT_STREQ(statement["Sid"].GetString(), "s3");
  EXPECT_STREQ(statement["Effect"].GetString(), "Allow");
  EXPECT_STREQ(statement["Principal"]["Service"].GetString(), "s3.amazonaws.com");
  EXPECT_STREQ(statement["Action"].GetString(), "lambda:InvokeFunction");
  EXPECT_EQ(std::string(statement["Resource"].GetString()), std::string(kArnPrefix) + "fn");
  EXPECT_STREQ(statement["Condition"]["ArnLike"]["AWS:SourceArn"].GetString(),
               "arn:aws:s3:::bucket");
  EXPECT_STREQ(statement["Condition"]["StringEquals"]["AWS:SourceAccount"].GetString(),
               "111122223333");
  Ok("AddPermission", R"({"FunctionName":"fn","StatementId":"acct","Action":"lambda:*",)"
                      R"("Principal":"123456789012"})");
  EXPECT_EQ(ErrorCode("AddPermission", R"({"FunctionName":"fn","StatementId":"s3",)"
                                       R"("Action":"lambda:InvokeFunction","Principal":"*"})"),
            "ResourceConflictException");
  EXPECT_EQ(ErrorCode("AddPermission", R"({"FunctionName":"fn","StatementId":"x",)"
                                       R"("Action":"lambda:InvokeFunction","Principal":"*",)"
                                       R"("RevisionId":"stale"})"),
            "PreconditionFailedException");
  EXPECT_EQ(ErrorCode("AddPermission", R"({"FunctionName":"fn","StatementId":"x",)"
                                       R"("Action":"s3:GetObject","Principal":"*"})"),
            "ValidationException");

  auto policy_out = Ok("GetPolicy", R"({"FunctionName":"fn"})");
  rapidjson::Document policy;
  policy.Parse(policy_out["Policy"].GetString());
  EXPECT_STREQ(policy["Version"].GetString(), "2012-10-17");
  ASSERT_EQ(policy["Statement"].Size(), 2u);
  EXPECT_STREQ(policy["Statement"][1]["Principal"]["AWS"].GetString(),
               "arn:aws:iam::123456789012:root");
  std::string new_rev = policy_out["RevisionId"].GetString();
  EXPECT_NE(new_rev, rev);
  EXPECT_EQ(new_rev, Get(R"({"FunctionName":"fn"})", "RevisionId"));

  EXPECT_EQ(ErrorCode("RemovePermission", R"({"FunctionName":"fn","StatementId":"nope"})"),
            "ResourceNotFoundException");
  Ok("RemovePermission", R"({"FunctionName":"fn","StatementId":"s3"})");
  Ok("RemovePermission", R"({"FunctionName":"fn","StatementId":"acct"})");
  EXPECT_EQ(ErrorCode("GetPolicy", R"({"FunctionName":"fn"})"), "ResourceNotFoundException");
}

TEST_F(LambdaServiceTest, PermissionsPerAlias) {
  CreateHot("fn");
  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  Ok("CreateAlias", R"({"FunctionName":"fn","Name":"live","FunctionVersion":"1"})");
  auto added = Ok("AddPermission", R"({"FunctionName":"fn","Qualifier":"live","StatementId":"a",)"
                                   R"("Action":"lambda:InvokeFunction","Principal":"sns.amazonaws.com"})");
  rapidjson::Document statement;
  statement.Parse(added["Statement"].GetString());
  EXPECT_EQ(std::string(statement["Resource"].GetString()), std::string(kArnPrefix) + "fn:live");
  Ok("GetPolicy", R"({"FunctionName":"fn:live"})");
  EXPECT_EQ(ErrorCode("GetPolicy", R"({"FunctionName":"fn"})"), "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("AddPermission", R"({"FunctionName":"fn:$LATEST","StatementId":"a",)"
                                       R"("Action":"lambda:InvokeFunction","Principal":"*"})"),
            "InvalidParameterValueException");
}

TEST_F(LambdaServiceTest, ConcurrencyAndAccountSettings) {
  CreateHot("a");
  CreateHot("b");
  EXPECT_FALSE(Ok("GetFunctionConcurrency", R"({"FunctionName":"a"})")
                   .HasMember("ReservedConcurrentExecutions"));
  auto put = Ok("PutFunctionConcurrency", R"({"FunctionName":"a","ReservedConcurrentExecutions":600})");
  EXPECT_EQ(put["ReservedConcurrentExecutions"].GetInt(), 600);
  EXPECT_EQ(Ok("GetFunctionConcurrency", R"({"FunctionName":"a"})")["ReservedConcurrentExecutions"]
                .GetInt(),
            600);
  EXPECT_EQ(Ok("GetFunction", R"({"FunctionName":"a"})")["Concurrency"]["ReservedConcurrentExecutions"]
                .GetInt(),
            600);
  EXPECT_EQ(ErrorCode("PutFunctionConcurrency", R"({"FunctionName":"b","ReservedConcurrentExecutions":301})"),
            "InvalidParameterValueException");
  Ok("PutFunctionConcurrency", R"({"FunctionName":"b","ReservedConcurrentExecutions":300})");
  auto settings = Ok("GetAccountSettings", "{}");
  EXPECT_EQ(settings["AccountLimit"]["ConcurrentExecutions"].GetInt(), 1000);
  EXPECT_EQ(settings["AccountLimit"]["UnreservedConcurrentExecutions"].GetInt(), 100);
  EXPECT_EQ(settings["AccountLimit"]["CodeSizeZipped"].GetInt64(), 52428800);
  EXPECT_EQ(settings["AccountLimit"]["CodeSizeUnzipped"].GetInt64(), 262144000);
  EXPECT_EQ(settings["AccountLimit"]["TotalCodeSize"].GetInt64(), 80530636800);
  EXPECT_EQ(settings["AccountUsage"]["FunctionCount"].GetInt(), 2);
  Ok("DeleteFunctionConcurrency", R"({"FunctionName":"a"})");
  EXPECT_FALSE(Ok("GetFunctionConcurrency", R"({"FunctionName":"a"})")
                   .HasMember("ReservedConcurrentExecutions"));
  EXPECT_EQ(Ok("GetAccountSettings", "{}")["AccountLimit"]["UnreservedConcurrentExecutions"].GetInt(),
            700);
}

TEST_F(LambdaServiceTest, TagsByFunctionArn) {
  CreateHot("fn", R"(,"Tags":{"team":"a"})");
  std::string arn = std::string(kArnPrefix) + "fn";
  EXPECT_STREQ(Ok("ListTags", R"({"Resource":")" + arn + "\"}")["Tags"]["team"].GetString(), "a");
  Ok("TagResource", R"({"Resource":")" + arn + R"(","Tags":{"env":"dev","team":"b"}})");
  auto tags = Ok("ListTags", R"({"Resource":")" + arn + "\"}")["Tags"].GetObject();
  EXPECT_EQ(tags.MemberCount(), 2u);
  Ok("UntagResource", R"({"Resource":")" + arn + R"(","TagKeys":["team"]})");
  auto got = Ok("GetFunction", R"({"FunctionName":"fn"})");
  EXPECT_STREQ(got["Tags"]["env"].GetString(), "dev");
  EXPECT_FALSE(got["Tags"].HasMember("team"));
  EXPECT_EQ(ErrorCode("TagResource", R"({"Resource":")" + arn + R"(:1","Tags":{"a":"b"}})"),
            "InvalidParameterValueException");
  EXPECT_EQ(ErrorCode("ListTags", R"({"Resource":")" + std::string(kArnPrefix) + "nope\"}"),
            "ResourceNotFoundException");
}

// ---------------------------------------------------------------------------------------------
// Layers

TEST_F(LambdaServiceTest, LayersPublishListAndApplyInOrder) {
  auto publish = [&](const std::string& name, const std::string& content) {
    std::string zip = MakeZip({{"python/" + name + ".py", content}});
    rapidjson::Document p(rapidjson::kObjectType);
    auto& a = p.GetAllocator();
    p.AddMember("LayerName", rapidjson::Value(name.c_str(), a), a);
    rapidjson::Value c(rapidjson::kObjectType);
    c.AddMember("ZipFile", rapidjson::Value(zip.data(), static_cast<rapidjson::SizeType>(zip.size()), a), a);
    p.AddMember("Content", c, a);
    rapidjson::Value runtimes(rapidjson::kArrayType);
    runtimes.PushBack("python3.12", a);
    p.AddMember("CompatibleRuntimes", runtimes, a);
    auto r = CallDoc("PublishLayerVersion", p);
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(*r) : rapidjson::Document();
  };
  auto l1 = publish("deps", "a = 1\n");
  EXPECT_EQ(l1["Version"].GetInt64(), 1);
  EXPECT_STREQ(l1["LayerVersionArn"].GetString(),
               "arn:aws:lambda:us-east-1:000000000000:layer:deps:1");
  EXPECT_STREQ(l1["LayerArn"].GetString(), "arn:aws:lambda:us-east-1:000000000000:layer:deps");
  EXPECT_GT(l1["Content"]["CodeSize"].GetInt64(), 0);
  auto l2 = publish("deps", "a = 2\n");
  EXPECT_EQ(l2["Version"].GetInt64(), 2);
  publish("utils", "u = 1\n");

  auto layers = Ok("ListLayers", "{}");
  ASSERT_EQ(layers["Layers"].Size(), 2u);
  EXPECT_EQ(layers["Layers"][0]["LatestMatchingVersion"]["Version"].GetInt64(), 2);
  EXPECT_EQ(Ok("ListLayers", R"({"CompatibleRuntime":"nodejs20.x"})")["Layers"].Size(), 0u);
  auto versions = Ok("ListLayerVersions", R"({"LayerName":"deps"})");
  ASSERT_EQ(versions["LayerVersions"].Size(), 2u);
  EXPECT_EQ(versions["LayerVersions"][0]["Version"].GetInt64(), 2);
  Ok("GetLayerVersion", R"({"LayerName":"deps","VersionNumber":1})");
  Ok("GetLayerVersionByArn", R"({"Arn":"arn:aws:lambda:us-east-1:000000000000:layer:deps:1"})");
  EXPECT_EQ(ErrorCode("GetLayerVersion", R"({"LayerName":"deps","VersionNumber":9})"),
            "ResourceNotFoundException");

  CreateHot("fn", R"(,"Layers":["arn:aws:lambda:us-east-1:000000000000:layer:utils:1",)"
                  R"("arn:aws:lambda:us-east-1:000000000000:layer:deps:2"])");
  auto cfg = Ok("GetFunctionConfiguration", R"({"FunctionName":"fn"})");
  ASSERT_EQ(cfg["Layers"].Size(), 2u);
  EXPECT_STREQ(cfg["Layers"][1]["Arn"].GetString(),
               "arn:aws:lambda:us-east-1:000000000000:layer:deps:2");
  Invoke(R"({"FunctionName":"fn"})");
  ASSERT_EQ(executor_.configs.size(), 1u);
  ASSERT_EQ(executor_.configs[0].layer_dirs.size(), 2u);
  EXPECT_TRUE(fs::exists(fs::path(executor_.configs[0].layer_dirs[0]) / "python" / "utils.py"));
  EXPECT_TRUE(fs::exists(fs::path(executor_.configs[0].layer_dirs[1]) / "python" / "deps.py"));

  EXPECT_EQ(ErrorCode("UpdateFunctionConfiguration",
                      R"({"FunctionName":"fn","Layers":["arn:aws:lambda:us-east-1:000000000000:layer:deps:7"]})"),
            "InvalidParameterValueException");
  EXPECT_EQ(ErrorCode("UpdateFunctionConfiguration",
                      R"({"FunctionName":"fn","Layers":["arn:aws:lambda:us-east-1:000000000000:layer:deps:1",)"
                      R"("arn:aws:lambda:us-east-1:000000000000:layer:deps:2"]})"),
            "InvalidParameterValueException");

  // Deleting a layer version leaves functions that use it working; numbers are not reused.
  Ok("DeleteLayerVersion", R"({"LayerName":"deps","VersionNumber":2})");
  Invoke(R"({"FunctionName":"fn"})");
  EXPECT_EQ(executor_.configs.back().layer_dirs.size(), 2u);
  EXPECT_EQ(publish("deps", "a = 3\n")["Version"].GetInt64(), 3);
}

// ---------------------------------------------------------------------------------------------
// Function URL configs

TEST_F(LambdaServiceTest, FunctionUrlConfigs) {
  CreateHot("fn");
  auto created = Ok("CreateFunctionUrlConfig",
                    R"({"FunctionName":"fn","AuthType":"NONE","Cors":{"AllowOrigins":["*"]}})");
  std::string url = created["FunctionUrl"].GetString();
  EXPECT_EQ(url.rfind("http://", 0), 0u);
  EXPECT_NE(url.find(".lambda-url.us-east-1.localhost.localstack.cloud:4566/"),
            std::string::npos)
      << url;
  EXPECT_EQ(url.size(), std::string("http://").size() + 32 +
                            std::string(".lambda-url.us-east-1.localhost.localstack.cloud:4566/").size());
  EXPECT_STREQ(created["InvokeMode"].GetString(), "BUFFERED");
  EXPECT_STREQ(created["Cors"]["AllowOrigins"][0].GetString(), "*");
  EXPECT_EQ(ErrorCode("CreateFunctionUrlConfig", R"({"FunctionName":"fn","AuthType":"NONE"})"),
            "ResourceConflictException");
  EXPECT_EQ(ErrorCode("CreateFunctionUrlConfig", R"({"FunctionName":"fn","AuthType":"MAYBE"})"),
            "ValidationException");
  std::string url_id = url.substr(7, 32);
  auto target = lambda_.FindFunctionUrl(url_id);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->function_name, "fn");
  EXPECT_EQ(target->qualifier, "");
  EXPECT_EQ(target->auth_type, "NONE");
  EXPECT_EQ(target->scope, (Scope{"000000000000", "us-east-1"}));
  EXPECT_FALSE(lambda_.FindFunctionUrl("nope"));
  auto got = Ok("GetFunctionUrlConfig", R"({"FunctionName":"fn"})");
  EXPECT_EQ(got["FunctionUrl"].GetString(), url);
  EXPECT_TRUE(got.HasMember("LastModifiedTime"));
  auto updated = Ok("UpdateFunctionUrlConfig", R"({"FunctionName":"fn","AuthType":"AWS_IAM"})");
  EXPECT_STREQ(updated["AuthType"].GetString(), "AWS_IAM");
  EXPECT_EQ(updated["FunctionUrl"].GetString(), url);

  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  Ok("CreateAlias", R"({"FunctionName":"fn","Name":"live","FunctionVersion":"1"})");
  auto aliased = Ok("CreateFunctionUrlConfig",
                    R"({"FunctionName":"fn","Qualifier":"live","AuthType":"NONE"})");
  EXPECT_EQ(std::string(aliased["FunctionArn"].GetString()), std::string(kArnPrefix) + "fn:live");
  EXPECT_EQ(ErrorCode("CreateFunctionUrlConfig",
                      R"({"FunctionName":"fn","Qualifier":"1","AuthType":"NONE"})"),
            "ValidationException");
  EXPECT_EQ(Ok("ListFunctionUrlConfigs", R"({"FunctionName":"fn"})")["FunctionUrlConfigs"].Size(),
            2u);
  Ok("DeleteFunctionUrlConfig", R"({"FunctionName":"fn"})");
  EXPECT_EQ(ErrorCode("GetFunctionUrlConfig", R"({"FunctionName":"fn"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("DeleteFunctionUrlConfig", R"({"FunctionName":"fn"})"),
            "ResourceNotFoundException");
}

TEST_F(LambdaServiceTest, ResetClearsEverything) {
  CreateHot("fn");
  lambda_.Reset();
  EXPECT_EQ(ErrorCode("GetFunction", R"({"FunctionName":"fn"})"), "ResourceNotFoundException");
  EXPECT_EQ(executor_.retired.size(), 1u);
}

}  // namespace
}  // namespace nimbus::lambda
