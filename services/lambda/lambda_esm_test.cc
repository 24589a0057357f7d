// SqsPoller against a fake SQS, and the event source mapping / event invoke config / async
// queue operations of LambdaService with a fake executor and a fake ServiceClient.

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/ids.h"
#include "services/common/testing/service_test_base.h"
#include "services/lambda/lambda_service.h"
#include "services/lambda/sqs_poller.h"

namespace nimbus::lambda {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using rapidjson::Value;

constexpr char kRole[] = "arn:aws:iam::000000000000:role/lambda-role";
constexpr char kQueueArn[] = "arn:aws:sqs:us-east-1:000000000000:in";
constexpr char kFifoArn[] = "arn:aws:sqs:us-east-1:000000000000:in.fifo";

std::string ToJson(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

rapidjson::Document Parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str(), s.size());
  return d;
}

// Just enough SQS for the pollers and destinations: queues by name, visible messages in order,
// in-flight messages by receipt handle, long polls woken by sends. FIFO groups are held while
// any of their messages is in flight.
class FakeSqs final : public ServiceClient {
 public:
  explicit FakeSqs(asio::io_context& ioc) : ioc_(ioc) {}

  struct Msg {
    std::string id;
    std::string body;
    std::string group;
    int receives = 0;
  };

  void Send(const std::string& queue, const std::string& body, const std::string& group = "") {
    queues_[queue].visible.push_back(Msg{"id-" + std::to_string(++next_id_), body, group, 0});
    Wake();
  }
  size_t Visible(const std::string& q) { return queues_[q].visible.size(); }
  size_t InFlight(const std::string& q) { return queues_[q].in_flight.size(); }
  // Visibility timeout passes: in-flight messages come back, in their original order.
  void ExpireInFlight(const std::string& q) {
    auto& queue = queues_[q];
    std::vector<Msg> back;
    for (auto& [handle, m] : queue.in_flight) {
      back.push_back(m);
    }
    std::sort(back.begin(), back.end(), [](const Msg& a, const Msg& b) {
      return std::stoi(a.id.substr(3)) < std::stoi(b.id.substr(3));
    });
    queue.in_flight.clear();
    queue.visible.insert(queue.visible.begin(), back.begin(), back.end());
    Wake();
  }
  void Stop() {
    stopped_ = true;
    Wake();
  }

  asio::awaitable<Result<rapidjson::Document>> Call(std::string_view service,
                                                    std::string_view operation,
                                                    const Scope& scope,
                                                    rapidjson::Document params) override {
    calls.push_back(std::string(service) + "." + std::string(operation));
    scopes.push_back(scope);
    rapidjson::Document out(rapidjson::kObjectType);
    auto& a = out.GetAllocator();
    if (service == "sns") {
      sent.push_back({std::string(params["TopicArn"].GetString()), ToJson(params)});
      co_return NotImplemented("sns", "Publish");
    }
    std::string url = params.HasMember("QueueUrl") ? params["QueueUrl"].GetString() : "";
    std::string name = url.substr(url.rfind('/') + 1);
    if (!known_.contains(name)) {
      co_return AwsError::Sender("QueueDoesNotExist", "The specified queue does not exist.");
    }
    auto& q = queues_[name];
    if (operation == "GetQueueAttributes") {
      Value attrs(rapidjson::kObjectType);
      attrs.AddMember("VisibilityTimeout", Value(std::to_string(q.visibility).c_str(), a), a);
      if (name.ends_with(".fifo")) {
        attrs.AddMember("FifoQueue", "true", a);
      }
      out.AddMember("Attributes", std::move(attrs), a);
      co_return out;
    }
    if (operation == "SendMessage") {
      sent.push_back({name, ToJson(params)});
      Send(name, params["MessageBody"].GetString());
      co_return out;
    }
    if (operation == "ReceiveMessage") {
      int64_t max = params["MaxNumberOfMessages"].GetInt64();
      int wait = params["WaitTimeSeconds"].GetInt();
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait);
      for (;;) {
        Value list(rapidjson::kArrayType);
        std::set<std::string> held;  // FIFO groups with a message in flight
        for (auto& [h, m] : q.in_flight) {
          held.insert(m.group);
        }
        for (auto it = q.visible.begin();
             it != q.visible.end() && static_cast<int64_t>(list.Size()) < max;) {
          if (!it->group.empty() && held.contains(it->group)) {
            ++it;
            continue;
          }
          Msg m = *it;
          it = q.visible.erase(it);
          m.receives++;
          std::string handle = "rh-" + m.id + "-" + std::to_string(m.receives);
          Value v(rapidjson::kObjectType);
          v.AddMember("MessageId", Value(m.id.c_str(), a), a);
          v.AddMember("ReceiptHandle", Value(handle.c_str(), a), a);
          v.AddMember("MD5OfBody", "md5", a);
          v.AddMember("Body", Value(m.body.c_str(), a), a);
          Value attrs(rapidjson::kObjectType);
          attrs.AddMember("ApproximateReceiveCount", Value(std::to_string(m.receives).c_str(), a),
                          a);
          attrs.AddMember("SentTimestamp", "1700000000000", a);
          attrs.AddMember("SenderId", "000000000000", a);
          attrs.AddMember("ApproximateFirstReceiveTimestamp", "1700000000001", a);
          if (!m.group.empty()) {
            attrs.AddMember("MessageGroupId", Value(m.group.c_str(), a), a);
          }
          v.AddMember("Attributes", std::move(attrs), a);
          list.PushBack(std::move(v), a);
          q.in_flight.emplace(handle, std::move(m));
        }
        if (!list.Empty() || stopped_ || std::chrono::steady_clock::now() >= deadline) {
          if (!list.Empty()) {
            out.AddMember("Messages", std::move(list), a);
          }
          co_return out;
        }
        asio::steady_timer timer(ioc_, deadline);
        waiters_.push_back(&timer);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        std::erase(waiters_, &timer);
      }
    }
    if (operation == "DeleteMessageBatch" || operation == "ChangeMessageVisibilityBatch") {
      bool release = operation == "ChangeMessageVisibilityBatch";
      std::vector<Msg> back;
      for (const auto& e : params["Entries"].GetArray()) {
        std::string handle = e["ReceiptHandle"].GetString();
        auto it = q.in_flight.find(handle);
        if (it == q.in_flight.end()) {
          continue;
        }
        (release ? released : deleted).push_back(it->second.body);
        if (release) {
          back.push_back(it->second);
        }
        q.in_flight.erase(it);
      }
      q.visible.insert(q.visible.begin(), back.begin(), back.end());
      Wake();
      co_return out;
    }
    co_return InternalFailure("fake sqs: " + std::string(operation));
  }

  void AddQueue(const std::string& name, int visibility = 30) {
    known_.insert(name);
    queues_[name].visibility = visibility;
  }

  std::vector<std::string> calls;
  std::vector<Scope> scopes;
  std::vector<std::string> deleted;   // bodies
  std::vector<std::string> released;  // bodies
  std::vector<std::pair<std::string, std::string>> sent;  // queue name or topic, params JSON

 private:
  struct Queue {
    std::deque<Msg> visible;
    std::map<std::string, Msg> in_flight;  // by receipt handle
    int visibility = 30;
  };
  void Wake() {
    for (auto* t : waiters_) {
      t->cancel();
    }
  }

  asio::io_context& ioc_;
  std::map<std::string, Queue> queues_;
  std::set<std::string> known_;
  std::vector<asio::steady_timer*> waiters_;
  int next_id_ = 0;
  bool stopped_ = false;
};

// Runs batches through a scripted function: each invocation waits `delay`, then answers with
// what `answer` returns for the event.
class FakeInvoker final : public BatchInvoker {
 public:
  explicit FakeInvoker(asio::io_context& ioc) : ioc_(ioc) {}

  asio::awaitable<Result<runtime::InvokeResult>> InvokeForMapping(
      const Scope& scope, const std::string& function_arn, std::string payload) override {
    ++running;
    max_running = std::max(max_running, running);
    arns.push_back(function_arn);
    (void)scope;
    if (delay.count() > 0) {
      asio::steady_timer t(ioc_, delay);
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    --running;
    auto event = Parse(payload);
    std::vector<std::string> bodies;
    for (const auto& r : event["Records"].GetArray()) {
      bodies.emplace_back(r["body"].GetString());
    }
    batches.push_back(bodies);
    if (answer) {
      co_return answer(event);
    }
    co_return runtime::InvokeResult{"null", "", "", "$LATEST"};
  }

  std::function<Result<runtime::InvokeResult>(const rapidjson::Document&)> answer;
  std::chrono::milliseconds delay{0};
  std::vector<std::vector<std::string>> batches;  // bodies per invocation
  std::vector<std::string> arns;
  size_t running = 0;
  size_t max_running = 0;

 private:
  asio::io_context& ioc_;
};

runtime::InvokeResult Succeeded(std::string payload = "null") {
  return runtime::InvokeResult{std::move(payload), "", "", "$LATEST"};
}
runtime::InvokeResult Failed() {
  return runtime::InvokeResult{R"({"errorMessage":"boom","errorType":"Error"})", "Unhandled", "",
                               "$LATEST"};
}

// ---------------------------------------------------------------------------------------------
// SqsPoller

class SqsPollerTest : public ::testing::Test {
 protected:
  SqsPollerTest() : sqs_(ioc_), invoker_(ioc_) {
    sqs_.AddQueue("in");
    sqs_.AddQueue("in.fifo");
  }
  ~SqsPollerTest() override {
    if (poller_) {
      poller_->Stop();
    }
    sqs_.Stop();
    RunUntil([&] { return !poller_ || poller_->running_pollers() == 0; }, 2s);
  }

  std::shared_ptr<SqsPoller> Start(EventSourceMapping m) {
    m.uuid = "uuid-1";
    m.account = "000000000000";
    m.region = "us-east-1";
    m.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:fn";
    if (m.event_source_arn.empty()) {
      m.event_source_arn = kQueueArn;
    }
    auto settings = PollerSettings::From(m);
    EXPECT_TRUE(settings.has_value());
    PollerOptions options;
    options.long_poll_seconds = 2;
    options.error_backoff = 10ms;
    poller_ = std::make_shared<SqsPoller>(asio::make_strand(ioc_), sqs_, invoker_, *settings,
                                          options);
    poller_->Start();
    return poller_;
  }

  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 2s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > end) {
        return false;
      }
      ioc_.restart();
      ioc_.run_for(2ms);
    }
    return true;
  }

  asio::io_context ioc_;
  FakeSqs sqs_;
  FakeInvoker invoker_;
  std::shared_ptr<SqsPoller> poller_;
};

TEST(PollerSettings, FromMapping) {
  EventSourceMapping m;
  m.uuid = "u";
  m.account = "000000000000";
  m.region = "us-east-1";
  m.function_arn = "fn";
  m.event_source_arn = "arn:aws:sqs:eu-west-1:111111111111:jobs.fifo";
  auto s = PollerSettings::From(m);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->queue_url, "http://localhost/queue/eu-west-1/111111111111/jobs.fifo");
  EXPECT_EQ(s->queue_scope, (Scope{"111111111111", "eu-west-1"}));
  EXPECT_TRUE(s->fifo);
  EXPECT_EQ(s->concurrency, 5u);
  m.maximum_concurrency = 20;
  EXPECT_EQ(PollerSettings::From(m)->concurrency, 20u);
  m.event_source_arn = "arn:aws:kinesis:us-east-1:1:stream/s";
  EXPECT_FALSE(PollerSettings::From(m));
}

TEST_F(SqsPollerTest, SuccessfulBatchesAreDeletedAndIdleCostsOneLongPoll) {
  Start(EventSourceMapping{});
  ASSERT_TRUE(RunUntil([&] { return poller_->running_pollers() == 5; }));
  RunUntil([] { return false; }, 20ms);
  // Idle: one poller holds a long poll, the others are parked (no receive traffic).
  EXPECT_EQ(poller_->stats().receives, 1u);
  sqs_.Send("in", "a");
  ASSERT_TRUE(RunUntil([&] { return sqs_.deleted.size() == 1; }));
  EXPECT_EQ(invoker_.batches.size(), 1u);
  EXPECT_EQ(invoker_.batches[0], std::vector<std::string>{"a"});
  EXPECT_EQ(sqs_.Visible("in") + sqs_.InFlight("in"), 0u);
  EXPECT_EQ(sqs_.scopes[0], (Scope{"000000000000", "us-east-1"}));
}

TEST_F(SqsPollerTest, FunctionErrorLeavesTheBatchInFlight) {
  invoker_.answer = [](const auto&) { return Failed(); };
  Start(EventSourceMapping{});
  sqs_.Send("in", "a");
  sqs_.Send("in", "b");
  ASSERT_TRUE(RunUntil([&] { return sqs_.InFlight("in") == 2 && !invoker_.batches.empty(); }));
  RunUntil([] { return false; }, 20ms);
  EXPECT_TRUE(sqs_.deleted.empty());
  // After the visibility timeout the messages are retried.
  invoker_.answer = nullptr;
  sqs_.ExpireInFlight("in");
  ASSERT_TRUE(RunUntil([&] { return sqs_.deleted.size() == 2; }));
}

TEST_F(SqsPollerTest, ReportBatchItemFailuresDeletesAllButTheReported) {
  invoker_.answer = [](const rapidjson::Document& event) {
    std::string failures;
    for (const auto& r : event["Records"].GetArray()) {
      if (std::string(r["body"].GetString()).starts_with("bad")) {
        failures += std::string(failures.empty() ? "" : ",") + R"({"itemIdentifier":")" +
                    r["messageId"].GetString() + "\"}";
      }
    }
    return Succeeded(R"({"batchItemFailures":[)" + failures + "]}");
  };
  sqs_.Send("in", "ok1");
  sqs_.Send("in", "bad1");
  sqs_.Send("in", "ok2");
  EventSourceMapping m;
  m.function_response_types = {"ReportBatchItemFailures"};
  Start(m);
  ASSERT_TRUE(RunUntil([&] { return sqs_.deleted.size() == 2; }));
  ASSERT_EQ(invoker_.batches.size(), 1u);
  EXPECT_EQ(invoker_.batches[0].size(), 3u);
  EXPECT_EQ(sqs_.deleted, (std::vector<std::string>{"ok1", "ok2"}));
  EXPECT_EQ(sqs_.InFlight("in"), 1u);
}

TEST_F(SqsPollerTest, UnknownItemIdentifierFailsTheWholeBatch) {
  invoker_.answer = [](const auto&) {
    return Succeeded(R"({"batchItemFailures":[{"itemIdentifier":"nope"}]})");
  };
  EventSourceMapping m;
  m.function_response_types = {"ReportBatchItemFailures"};
  sqs_.Send("in", "a");
  sqs_.Send("in", "b");
  Start(m);
  ASSERT_TRUE(RunUntil([&] { return !invoker_.batches.empty(); }));
  RunUntil([] { return false; }, 20ms);
  EXPECT_TRUE(sqs_.deleted.empty());
  EXPECT_EQ(sqs_.InFlight("in"), 2u);
}

TEST_F(SqsPollerTest, FifoPartialFailureHoldsTheRestOfTheGroup) {
  invoker_.answer = [](const rapidjson::Document& event) {
    // g1: 1 fails, so 2 must stay too; g2: all fine.
    for (const auto& r : event["Records"].GetArray()) {
      if (std::string(r["body"].GetString()) == "g1-1") {
        return Succeeded(std::string(R"({"batchItemFailures":[{"itemIdentifier":")") +
                  r["messageId"].GetString() + "\"}]}");
      }
    }
    return Succeeded("{}");
  };
  sqs_.Send("in.fifo", "g1-1", "g1");
  sqs_.Send("in.fifo", "g2-1", "g2");
  sqs_.Send("in.fifo", "g1-2", "g1");
  EventSourceMapping m;
  m.event_source_arn = kFifoArn;
  m.function_response_types = {"ReportBatchItemFailures"};
  Start(m);
  ASSERT_TRUE(RunUntil([&] { return sqs_.deleted.size() == 1; }));
  RunUntil([] { return false; }, 20ms);
  EXPECT_EQ(sqs_.deleted, std::vector<std::string>{"g2-1"});
  EXPECT_EQ(sqs_.InFlight("in.fifo"), 2u);
}

TEST_F(SqsPollerTest, FilteredOutMessagesAreDeletedWithoutAnInvocation) {
  EventSourceMapping m;
  m.filter_patterns = {R"({"body":{"kind":["order"]}})"};
  sqs_.Send("in", R"({"kind":"order","n":1})");
  sqs_.Send("in", R"({"kind":"noise"})");
  sqs_.Send("in", "not json");
  Start(m);
  ASSERT_TRUE(RunUntil([&] { return sqs_.deleted.size() == 3; }));
  ASSERT_EQ(invoker_.batches.size(), 1u);
  EXPECT_EQ(invoker_.batches[0], std::vector<std::string>{R"({"kind":"order","n":1})"});
  EXPECT_EQ(poller_->stats().filtered_out, 2u);
}

TEST_F(SqsPollerTest, ConcurrencyIsTheNumberOfPollers) {
  invoker_.delay = 20ms;
  EventSourceMapping m;
  m.batch_size = 1;
  m.maximum_concurrency = 3;
  Start(m);
  for (int i = 0; i < 12; ++i) {
    sqs_.Send("in", std::string("m").append(std::to_string(i)));
  }
  ASSERT_TRUE(RunUntil([&] { return sqs_.deleted.size() == 12; }));
  EXPECT_EQ(invoker_.max_running, 3u);
  EXPECT_EQ(poller_->stats().max_in_flight, 3u);
  // Raising the concurrency adds pollers.
  auto s = *PollerSettings::From([] {
    EventSourceMapping x;
    x.uuid = "uuid-1";
    x.account = "000000000000";
    x.region = "us-east-1";
    x.function_arn = "fn2";
    x.event_source_arn = kQueueArn;
    x.batch_size = 1;
    x.maximum_concurrency = 6;
    return x;
  }());
  poller_->Update(s);
  ASSERT_TRUE(RunUntil([&] { return poller_->running_pollers() == 6; }));
  for (int i = 0; i < 12; ++i) {
    sqs_.Send("in", std::string("n").append(std::to_string(i)));
  }
  ASSERT_TRUE(RunUntil([&] { return sqs_.deleted.size() == 24; }));
  EXPECT_EQ(invoker_.max_running, 6u);
  EXPECT_EQ(invoker_.arns.back(), "fn2");
}

TEST_F(SqsPollerTest, BatchingWindowCollectsUpToBatchSize) {
  EventSourceMapping m;
  m.batch_size = 25;
  m.maximum_batching_window = 1;
  for (int i = 0; i < 25; ++i) {
    sqs_.Send("in", std::string("m").append(std::to_string(i)));
  }
  Start(m);
  ASSERT_TRUE(RunUntil([&] { return sqs_.deleted.size() == 25; }, 3s));
  ASSERT_EQ(invoker_.batches.size(), 1u);
  EXPECT_EQ(invoker_.batches[0].size(), 25u);
}

TEST_F(SqsPollerTest, StopEndsPollersAndReleasesLateMessages) {
  Start(EventSourceMapping{});
  ASSERT_TRUE(RunUntil([&] { return poller_->stats().receives >= 1; }));
  poller_->Stop();
  // Parked pollers end at once; the one long poll outstanding at SQS stays until it returns.
  ASSERT_TRUE(RunUntil([&] { return poller_->running_pollers() == 1; }));
  sqs_.Send("in", "late");
  ASSERT_TRUE(RunUntil([&] { return poller_->running_pollers() == 0; }));
  EXPECT_TRUE(invoker_.batches.empty());
  EXPECT_EQ(sqs_.released, std::vector<std::string>{"late"});
  EXPECT_EQ(sqs_.Visible("in"), 1u);
}

TEST_F(SqsPollerTest, ReceiveErrorsBackOffAndRetry) {
  EventSourceMapping m;
  m.event_source_arn = "arn:aws:sqs:us-east-1:000000000000:missing";
  Start(m);
  RunUntil([] { return false; }, 50ms);
  EXPECT_GE(poller_->stats().receives, 2u);
  EXPECT_LE(poller_->stats().receives, 10u);  // backed off, not spinning
}

// ---------------------------------------------------------------------------------------------
// LambdaService: the API, with a fake executor and the fake SQS as the service client

class FakeExecutor final : public runtime::Executor {
 public:
  asio::awaitable<Result<runtime::InvokeResult>> Invoke(const runtime::FunctionConfig& f,
                                                        runtime::InvokeRequest r) override {
    requests.push_back(r);
    functions.push_back(f.function_name);
    if (answer) {
      co_return answer(r);
    }
    co_return runtime::InvokeResult{R"({"ok":true})", "", "", f.version};
  }
  void Retire(const std::string&) override {}
  asio::awaitable<void> Provision(const runtime::FunctionConfig&, int) override { co_return; }
  asio::awaitable<runtime::ProvisionedState> Provisioned(const std::string&,
                                                         const std::string&) override {
    co_return runtime::ProvisionedState{};
  }
  void Shutdown() override {}

  std::function<Result<runtime::InvokeResult>(const runtime::InvokeRequest&)> answer;
  std::vector<runtime::InvokeRequest> requests;
  std::vector<std::string> functions;
};

LambdaOptions ServiceOptions() {
  LambdaOptions o;
  o.settle_delay = 5ms;
  o.async_retry_base = 10ms;
  o.poller.long_poll_seconds = 1;
  o.poller.error_backoff = 10ms;
  return o;
}

class LambdaEsmTest : public testing::ServiceTestBase {
 protected:
  LambdaEsmTest()
      : root_(fs::temp_directory_path() / ("nimbus-esm-test-" + RandomHex(12))),
        code_store_((root_ / "code").string()),
        sqs_(ioc_),
        lambda_(executor_, code_store_, ServiceOptions()) {
    fs::create_directories(root_ / "src");
    sqs_.AddQueue("in");
    sqs_.AddQueue("in.fifo");
    sqs_.AddQueue("out");
    sqs_.AddQueue("dlq");
    sqs_.AddQueue("short", 5);
    // ServiceTestBase::StartService, plus the service client.
    service_ = &lambda_;
    lambda_.Register(table_);
    ServiceEnv env;
    env.strand = asio::make_strand(ioc_);
    env.clock = &clock_;
    env.client = &sqs_;
    env.open_database = [](std::string_view) { return storage::Database::Open(":memory:"); };
    lambda_.Start(env);
  }
  ~LambdaEsmTest() override {
    lambda_.Stop();
    sqs_.Stop();
    RunFor(50ms);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void RunFor(std::chrono::milliseconds d) {
    ioc_.restart();
    ioc_.run_for(d);
  }
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 2s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > end) {
        return false;
      }
      RunFor(2ms);
    }
    return true;
  }

  // ServiceTestBase's calls run the io_context until it has no work, which never happens while
  // pollers wait on SQS: these run it only until the call completes.
  Result<rapidjson::Document> Call(const std::string& op, const std::string& params_json) {
    rapidjson::Document params;
    params.Parse(params_json.c_str());
    EXPECT_FALSE(params.HasParseError()) << params_json;
    const OperationHandler* handler = table_.Find(op);
    EXPECT_NE(handler, nullptr) << op;
    RequestContext ctx;
    ctx.clock = &clock_;
    ctx.operation = op;
    ctx.request_id = NewUuid();
    ParamReader reader(params);
    if (handler->sync) {
      return handler->sync(ctx, reader);
    }
    auto future = asio::co_spawn(ioc_, handler->async(ctx, reader), asio::use_future);
    while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      RunFor(1ms);
    }
    return future.get();
  }
  rapidjson::Document Ok(const std::string& op, const std::string& params_json) {
    auto r = Call(op, params_json);
    EXPECT_TRUE(r.has_value()) << op << ": " << (r ? "" : r.error().code + " " + r.error().message);
    return r ? std::move(*r) : rapidjson::Document(rapidjson::kObjectType);
  }
  std::string ErrorCode(const std::string& op, const std::string& params_json) {
    auto r = Call(op, params_json);
    EXPECT_FALSE(r.has_value()) << op << " unexpectedly succeeded";
    return r ? std::string() : r.error().code;
  }

  void CreateFunction(const std::string& name, const std::string& extra = "") {
    Ok("CreateFunction", R"({"FunctionName":")" + name +
                             R"(","Runtime":"python3.12","Role":")" + kRole +
                             R"(","Handler":"app.handler","Code":{"S3Bucket":"hot-reload",)" +
                             R"("S3Key":")" + (root_ / "src").string() + "\"}" + extra + "}");
  }

  std::string CreateMapping(const std::string& extra = "") {
    auto out = Ok("CreateEventSourceMapping",
                  std::string(R"({"FunctionName":"fn","EventSourceArn":")") + kQueueArn + "\"" +
                      extra + "}");
    return out.HasMember("UUID") ? out["UUID"].GetString() : "";
  }

  std::string State(const std::string& uuid) {
    auto out = Ok("GetEventSourceMapping", R"({"UUID":")" + uuid + "\"}");
    return out.HasMember("State") ? out["State"].GetString() : "";
  }

  fs::path root_;
  FakeExecutor executor_;
  runtime::CodeStore code_store_;
  FakeSqs sqs_;
  LambdaService lambda_;
};

TEST_F(LambdaEsmTest, CreateReturnsCreatingThenEnabledWithAwsFields) {
  CreateFunction("fn");
  auto out = Ok("CreateEventSourceMapping",
                std::string(R"({"FunctionName":"fn","EventSourceArn":")") + kQueueArn + "\"}");
  std::string uuid = out["UUID"].GetString();
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_STREQ(out["State"].GetString(), "Creating");
  EXPECT_STREQ(out["StateTransitionReason"].GetString(), "USER_INITIATED");
  EXPECT_EQ(out["BatchSize"].GetInt(), 10);
  EXPECT_EQ(out["MaximumBatchingWindowInSeconds"].GetInt(), 0);
  EXPECT_STREQ(out["EventSourceArn"].GetString(), kQueueArn);
  EXPECT_STREQ(out["FunctionArn"].GetString(), "arn:aws:lambda:us-east-1:000000000000:function:fn");
  EXPECT_TRUE(out["LastModified"].IsNumber());
  EXPECT_DOUBLE_EQ(out["LastModified"].GetDouble(), 1800000000.0);
  EXPECT_TRUE(out["FunctionResponseTypes"].IsArray());
  EXPECT_EQ(std::string(out["EventSourceMappingArn"].GetString()),
            "arn:aws:lambda:us-east-1:000000000000:event-source-mapping:" + uuid);
  EXPECT_FALSE(out.HasMember("FilterCriteria"));
  EXPECT_FALSE(out.HasMember("ScalingConfig"));
  ASSERT_TRUE(RunUntil([&] { return State(uuid) == "Enabled"; }));
  ASSERT_NE(lambda_.PollerOf(uuid), nullptr);

  // The pollers run the function with the SQS event.
  sqs_.Send("in", "hello");
  ASSERT_TRUE(RunUntil([&] { return sqs_.deleted.size() == 1; }));
  ASSERT_EQ(executor_.requests.size(), 1u);
  auto event = Parse(executor_.requests[0].payload);
  EXPECT_STREQ(event["Records"][0]["body"].GetString(), "hello");
  EXPECT_STREQ(event["Records"][0]["eventSourceARN"].GetString(), kQueueArn);
}

TEST_F(LambdaEsmTest, CreateValidation) {
  CreateFunction("fn");
  auto create = [&](const std::string& arn, const std::string& extra) {
    return ErrorCode("CreateEventSourceMapping",
                     R"({"FunctionName":"fn","EventSourceArn":")" + arn + "\"" + extra + "}");
  };
  EXPECT_EQ(create(kQueueArn, R"(,"BatchSize":0)"), "ValidationException");
  EXPECT_EQ(create(kQueueArn, R"(,"BatchSize":10001,"MaximumBatchingWindowInSeconds":1)"),
            "ValidationException");
  EXPECT_EQ(create(kQueueArn, R"(,"BatchSize":11)"), "InvalidParameterValueException");
  EXPECT_EQ(create(kQueueArn, R"(,"MaximumBatchingWindowInSeconds":301)"), "ValidationException");
  EXPECT_EQ(create(kFifoArn, R"(,"BatchSize":11,"MaximumBatchingWindowInSeconds":1)"),
            "InvalidParameterValueException");
  EXPECT_EQ(create(kFifoArn, R"(,"MaximumBatchingWindowInSeconds":1)"),
            "InvalidParameterValueException");
  EXPECT_EQ(create(kQueueArn, R"(,"ScalingConfig":{"MaximumConcurrency":1})"),
            "ValidationException");
  EXPECT_EQ(create(kQueueArn, R"(,"ScalingConfig":{"MaximumConcurrency":1001})"),
            "ValidationException");
  EXPECT_EQ(create(kQueueArn, R"(,"FunctionResponseTypes":["Nope"])"), "ValidationException");
  EXPECT_EQ(create(kQueueArn, R"(,"FilterCriteria":{"Filters":[{"Pattern":"{\"a\":\"b\"}"}]})"),
            "InvalidParameterValueException");
  EXPECT_EQ(create(kQueueArn, R"(,"StartingPosition":"LATEST")"),
            "InvalidParameterValueException");
  EXPECT_EQ(create("arn:aws:kinesis:us-east-1:000000000000:stream/s", ""),
            "InvalidParameterValueException");
  EXPECT_EQ(create("arn:aws:sqs:us-east-1:000000000000:missing", ""),
            "InvalidParameterValueException");
  auto r = Call("CreateEventSourceMapping",
                R"({"FunctionName":"fn","EventSourceArn":"arn:aws:sqs:us-east-1:000000000000:missing"})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("AWS.SimpleQueueService.NonExistentQueue"), std::string::npos);
  EXPECT_EQ(ErrorCode("CreateEventSourceMapping",
                      std::string(R"({"FunctionName":"nope","EventSourceArn":")") + kQueueArn +
                          "\"}"),
            "ResourceNotFoundException");
  // The queue's visibility timeout must cover the function's timeout.
  CreateFunction("slow", R"(,"Timeout":10)");
  r = Call("CreateEventSourceMapping",
           R"({"FunctionName":"slow","EventSourceArn":"arn:aws:sqs:us-east-1:000000000000:short"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds");
  // Accepted: big batches with a window, filters, scaling.
  std::string uuid = CreateMapping(
      R"(,"BatchSize":100,"MaximumBatchingWindowInSeconds":2,)"
      R"("FilterCriteria":{"Filters":[{"Pattern":"{\"body\":{\"k\":[\"v\"]}}"}]},)"
      R"("ScalingConfig":{"MaximumConcurrency":7},"FunctionResponseTypes":["ReportBatchItemFailures"])");
  ASSERT_FALSE(uuid.empty());
  auto got = Ok("GetEventSourceMapping", R"({"UUID":")" + uuid + "\"}");
  EXPECT_EQ(got["BatchSize"].GetInt(), 100);
  EXPECT_STREQ(got["FilterCriteria"]["Filters"][0]["Pattern"].GetString(), R"({"body":{"k":["v"]}})");
  EXPECT_EQ(got["ScalingConfig"]["MaximumConcurrency"].GetInt(), 7);
  EXPECT_STREQ(got["FunctionResponseTypes"][0].GetString(), "ReportBatchItemFailures");
  // The same queue and function twice: conflict.
  auto dup = Call("CreateEventSourceMapping",
                  std::string(R"({"FunctionName":"fn","EventSourceArn":")") + kQueueArn + "\"}");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "ResourceConflictException");
  EXPECT_NE(dup.error().message.find(uuid), std::string::npos);
}

TEST_F(LambdaEsmTest, DisableEnableAndDelete) {
  CreateFunction("fn");
  std::string uuid = CreateMapping();
  ASSERT_TRUE(RunUntil([&] { return State(uuid) == "Enabled"; }));
  auto out = Ok("UpdateEventSourceMapping", R"({"UUID":")" + uuid + R"(","Enabled":false})");
  EXPECT_STREQ(out["State"].GetString(), "Disabling");
  EXPECT_EQ(lambda_.PollerOf(uuid), nullptr);
  ASSERT_TRUE(RunUntil([&] { return State(uuid) == "Disabled"; }));
  out = Ok("UpdateEventSourceMapping", R"({"UUID":")" + uuid + R"(","BatchSize":3})");
  EXPECT_STREQ(out["State"].GetString(), "Updating");
  ASSERT_TRUE(RunUntil([&] { return State(uuid) == "Disabled"; }));
  out = Ok("UpdateEventSourceMapping", R"({"UUID":")" + uuid + R"(","Enabled":true})");
  EXPECT_STREQ(out["State"].GetString(), "Enabling");
  EXPECT_EQ(out["BatchSize"].GetInt(), 3);
  EXPECT_NE(lambda_.PollerOf(uuid), nullptr);
  ASSERT_TRUE(RunUntil([&] { return State(uuid) == "Enabled"; }));
  out = Ok("DeleteEventSourceMapping", R"({"UUID":")" + uuid + "\"}");
  EXPECT_STREQ(out["State"].GetString(), "Deleting");
  EXPECT_EQ(lambda_.PollerOf(uuid), nullptr);
  EXPECT_EQ(ErrorCode("UpdateEventSourceMapping", R"({"UUID":")" + uuid + R"(","BatchSize":2})"),
            "ResourceInUseException");
  ASSERT_TRUE(RunUntil([&] {
    auto r = Call("GetEventSourceMapping", R"({"UUID":")" + uuid + "\"}");
    return !r && r.error().code == "ResourceNotFoundException";
  }));
  EXPECT_EQ(ErrorCode("DeleteEventSourceMapping", R"({"UUID":")" + uuid + "\"}"),
            "ResourceNotFoundException");
}

TEST_F(LambdaEsmTest, UpdateSettingsAndClearingThem) {
  CreateFunction("fn");
  CreateFunction("other");
  std::string uuid = CreateMapping(
      R"(,"FilterCriteria":{"Filters":[{"Pattern":"{\"body\":[\"x\"]}"}]},)"
      R"("ScalingConfig":{"MaximumConcurrency":3})");
  auto out = Ok("UpdateEventSourceMapping",
                R"({"UUID":")" + uuid + R"(","FunctionName":"other","FilterCriteria":{},)"
                R"("ScalingConfig":{},"BatchSize":50,"MaximumBatchingWindowInSeconds":1})");
  EXPECT_STREQ(out["FunctionArn"].GetString(),
               "arn:aws:lambda:us-east-1:000000000000:function:other");
  EXPECT_FALSE(out.HasMember("FilterCriteria"));
  EXPECT_FALSE(out.HasMember("ScalingConfig"));
  EXPECT_EQ(out["BatchSize"].GetInt(), 50);
  EXPECT_EQ(ErrorCode("UpdateEventSourceMapping",
                      R"({"UUID":")" + uuid + R"(","MaximumBatchingWindowInSeconds":0})"),
            "InvalidParameterValueException");
  EXPECT_EQ(ErrorCode("UpdateEventSourceMapping", R"({"UUID":"nope","BatchSize":2})"),
            "ResourceNotFoundException");
}

TEST_F(LambdaEsmTest, ListFiltersAndPaginates) {
  CreateFunction("fn");
  CreateFunction("other");
  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  std::string a = CreateMapping();
  std::string b = Ok("CreateEventSourceMapping",
                     R"({"FunctionName":"fn:1","EventSourceArn":")" + std::string(kQueueArn) +
                         "\"}")["UUID"]
                      .GetString();
  std::string c = Ok("CreateEventSourceMapping",
                     R"({"FunctionName":"other","EventSourceArn":")" + std::string(kFifoArn) +
                         "\"}")["UUID"]
                      .GetString();
  auto all = Ok("ListEventSourceMappings", "{}");
  ASSERT_EQ(all["EventSourceMappings"].Size(), 3u);
  EXPECT_EQ(all["EventSourceMappings"][0]["UUID"].GetString(), a);
  auto by_fn = Ok("ListEventSourceMappings", R"({"FunctionName":"fn"})");
  EXPECT_EQ(by_fn["EventSourceMappings"].Size(), 2u);
  auto by_version = Ok("ListEventSourceMappings", R"({"FunctionName":"fn:1"})");
  ASSERT_EQ(by_version["EventSourceMappings"].Size(), 1u);
  EXPECT_EQ(by_version["EventSourceMappings"][0]["UUID"].GetString(), b);
  auto by_source = Ok("ListEventSourceMappings",
                      R"({"EventSourceArn":")" + std::string(kFifoArn) + "\"}");
  ASSERT_EQ(by_source["EventSourceMappings"].Size(), 1u);
  EXPECT_EQ(by_source["EventSourceMappings"][0]["UUID"].GetString(), c);
  auto page = Ok("ListEventSourceMappings", R"({"MaxItems":2})");
  EXPECT_EQ(page["EventSourceMappings"].Size(), 2u);
  ASSERT_TRUE(page.HasMember("NextMarker"));
  auto rest = Ok("ListEventSourceMappings",
                 R"({"MaxItems":2,"Marker":")" + std::string(page["NextMarker"].GetString()) +
                     "\"}");
  EXPECT_EQ(rest["EventSourceMappings"].Size(), 1u);
  EXPECT_FALSE(rest.HasMember("NextMarker"));
  EXPECT_EQ(ErrorCode("ListEventSourceMappings", R"({"MaxItems":0})"), "ValidationException");
}

TEST_F(LambdaEsmTest, EventInvokeConfigs) {
  CreateFunction("fn");
  EXPECT_EQ(ErrorCode("GetFunctionEventInvokeConfig", R"({"FunctionName":"fn"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("UpdateFunctionEventInvokeConfig",
                      R"({"FunctionName":"fn","MaximumRetryAttempts":1})"),
            "ResourceNotFoundException");
  auto put = Ok("PutFunctionEventInvokeConfig",
                R"({"FunctionName":"fn","MaximumRetryAttempts":0,"MaximumEventAgeInSeconds":3600,)"
                R"("DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:dlq"}}})");
  EXPECT_STREQ(put["FunctionArn"].GetString(),
               "arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST");
  EXPECT_EQ(put["MaximumRetryAttempts"].GetInt(), 0);
  EXPECT_EQ(put["MaximumEventAgeInSeconds"].GetInt(), 3600);
  EXPECT_TRUE(put["DestinationConfig"]["OnSuccess"].IsObject());
  EXPECT_FALSE(put["DestinationConfig"]["OnSuccess"].HasMember("Destination"));
  EXPECT_STREQ(put["DestinationConfig"]["OnFailure"]["Destination"].GetString(),
               "arn:aws:sqs:us-east-1:000000000000:dlq");
  EXPECT_TRUE(put["LastModified"].IsNumber());
  auto upd = Ok("UpdateFunctionEventInvokeConfig",
                R"({"FunctionName":"fn","MaximumRetryAttempts":1})");
  EXPECT_EQ(upd["MaximumRetryAttempts"].GetInt(), 1);
  EXPECT_EQ(upd["MaximumEventAgeInSeconds"].GetInt(), 3600);  // kept
  EXPECT_TRUE(upd["DestinationConfig"]["OnFailure"].HasMember("Destination"));
  // Put replaces everything.
  auto put2 = Ok("PutFunctionEventInvokeConfig", R"({"FunctionName":"fn","MaximumRetryAttempts":2})");
  EXPECT_FALSE(put2.HasMember("MaximumEventAgeInSeconds"));
  EXPECT_FALSE(put2["DestinationConfig"]["OnFailure"].HasMember("Destination"));
  // Validation.
  EXPECT_EQ(ErrorCode("PutFunctionEventInvokeConfig",
                      R"({"FunctionName":"fn","MaximumRetryAttempts":3})"),
            "ValidationException");
  EXPECT_EQ(ErrorCode("PutFunctionEventInvokeConfig",
                      R"({"FunctionName":"fn","MaximumEventAgeInSeconds":59})"),
            "ValidationException");
  EXPECT_EQ(ErrorCode("PutFunctionEventInvokeConfig",
                      R"({"FunctionName":"fn","DestinationConfig":{"OnSuccess":{"Destination":"nope"}}})"),
            "InvalidParameterValueException");
  // Per qualifier, listed together.
  Ok("PublishVersion", R"({"FunctionName":"fn"})");
  auto v1 = Ok("PutFunctionEventInvokeConfig",
                R"({"FunctionName":"fn","Qualifier":"1","MaximumRetryAttempts":0})");
  EXPECT_STREQ(v1["FunctionArn"].GetString(), "arn:aws:lambda:us-east-1:000000000000:function:fn:1");
  auto list = Ok("ListFunctionEventInvokeConfigs", R"({"FunctionName":"fn"})");
  EXPECT_EQ(list["FunctionEventInvokeConfigs"].Size(), 2u);
  Ok("DeleteFunctionEventInvokeConfig", R"({"FunctionName":"fn","Qualifier":"1"})");
  EXPECT_EQ(ErrorCode("DeleteFunctionEventInvokeConfig", R"({"FunctionName":"fn","Qualifier":"1"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("PutFunctionEventInvokeConfig", R"({"FunctionName":"fn","Qualifier":"9"})"),
            "ResourceNotFoundException");
}

TEST_F(LambdaEsmTest, FailedEventIsRetriedTwiceThenGoesToTheOnFailureDestination) {
  CreateFunction("fn");
  Ok("PutFunctionEventInvokeConfig",
     R"({"FunctionName":"fn","DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:dlq"}}})");
  executor_.answer = [](const runtime::InvokeRequest&) { return Failed(); };
  Ok("Invoke", R"({"FunctionName":"fn","InvocationType":"Event","Payload":"{\"n\":1}"})");
  ASSERT_TRUE(RunUntil([&] { return !sqs_.sent.empty(); }));
  EXPECT_EQ(executor_.requests.size(), 3u);
  EXPECT_EQ(executor_.requests[0].request_id, executor_.requests[2].request_id);
  ASSERT_EQ(sqs_.sent.size(), 1u);
  EXPECT_EQ(sqs_.sent[0].first, "dlq");
  auto params = Parse(sqs_.sent[0].second);
  EXPECT_STREQ(params["QueueUrl"].GetString(),
               "http://localhost/queue/us-east-1/000000000000/dlq");
  auto record = Parse(params["MessageBody"].GetString());
  EXPECT_STREQ(record["version"].GetString(), "1.0");
  EXPECT_STREQ(record["requestContext"]["condition"].GetString(), "RetriesExhausted");
  EXPECT_EQ(record["requestContext"]["approximateInvokeCount"].GetInt(), 3);
  EXPECT_EQ(std::string(record["requestContext"]["requestId"].GetString()),
            executor_.requests[0].request_id);
  EXPECT_STREQ(record["requestContext"]["functionArn"].GetString(),
               "arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST");
  EXPECT_EQ(record["requestPayload"]["n"].GetInt(), 1);
  EXPECT_STREQ(record["responseContext"]["functionError"].GetString(), "Unhandled");
  EXPECT_STREQ(record["responsePayload"]["errorMessage"].GetString(), "boom");
  RunFor(50ms);
  EXPECT_EQ(executor_.requests.size(), 3u);
}

TEST_F(LambdaEsmTest, MaximumRetryAttemptsZeroAndOnSuccess) {
  CreateFunction("fn");
  Ok("PutFunctionEventInvokeConfig",
     R"({"FunctionName":"fn","MaximumRetryAttempts":0,"DestinationConfig":{)"
     R"("OnSuccess":{"Destination":"arn:aws:sqs:us-east-1:000000000000:out"},)"
     R"("OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:dlq"}}})");
  int calls = 0;
  executor_.answer = [&](const runtime::InvokeRequest&) {
    return ++calls == 1 ? Failed() : Succeeded(R"({"done":1})");
  };
  Ok("Invoke", R"({"FunctionName":"fn","InvocationType":"Event","Payload":"{}"})");
  Ok("Invoke", R"({"FunctionName":"fn","InvocationType":"Event","Payload":"{}"})");
  ASSERT_TRUE(RunUntil([&] { return sqs_.sent.size() == 2; }));
  EXPECT_EQ(executor_.requests.size(), 2u);
  std::map<std::string, std::string> by_queue(sqs_.sent.begin(), sqs_.sent.end());
  auto ok = Parse(Parse(by_queue["out"])["MessageBody"].GetString());
  EXPECT_STREQ(ok["requestContext"]["condition"].GetString(), "Success");
  EXPECT_EQ(ok["responsePayload"]["done"].GetInt(), 1);
  EXPECT_FALSE(ok["responseContext"].HasMember("functionError"));
  auto failed = Parse(Parse(by_queue["dlq"])["MessageBody"].GetString());
  EXPECT_EQ(failed["requestContext"]["approximateInvokeCount"].GetInt(), 1);
}

TEST_F(LambdaEsmTest, DeadLetterQueueGetsTheOriginalEventWithAttributes) {
  CreateFunction("fn", R"(,"DeadLetterConfig":{"TargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"})");
  Ok("PutFunctionEventInvokeConfig", R"({"FunctionName":"fn","MaximumRetryAttempts":1})");
  executor_.answer = [](const runtime::InvokeRequest&) { return Failed(); };
  Ok("Invoke", R"({"FunctionName":"fn","InvocationType":"Event","Payload":"{\"order\":42}"})");
  ASSERT_TRUE(RunUntil([&] { return !sqs_.sent.empty(); }));
  EXPECT_EQ(executor_.requests.size(), 2u);
  auto params = Parse(sqs_.sent[0].second);
  EXPECT_STREQ(params["MessageBody"].GetString(), R"({"order":42})");
  const auto& attrs = params["MessageAttributes"];
  EXPECT_EQ(std::string(attrs["RequestID"]["StringValue"].GetString()),
            executor_.requests[0].request_id);
  EXPECT_STREQ(attrs["ErrorCode"]["DataType"].GetString(), "Number");
  EXPECT_STREQ(attrs["ErrorCode"]["StringValue"].GetString(), "200");
  EXPECT_STREQ(attrs["ErrorMessage"]["StringValue"].GetString(), "boom");
}

TEST_F(LambdaEsmTest, SnsDestinationFailureIsLoggedAndLambdaDestinationChains) {
  CreateFunction("fn");
  CreateFunction("next");
  Ok("PutFunctionEventInvokeConfig",
     R"({"FunctionName":"fn","MaximumRetryAttempts":0,"DestinationConfig":{)"
     R"("OnSuccess":{"Destination":"arn:aws:lambda:us-east-1:000000000000:function:next"},)"
     R"("OnFailure":{"Destination":"arn:aws:sns:us-east-1:000000000000:alerts"}}})");
  executor_.answer = [](const runtime::InvokeRequest& r) {
    return r.payload == R"({"fail":true})" ? Failed() : Succeeded(R"({"ok":1})");
  };
  Ok("Invoke", R"({"FunctionName":"fn","InvocationType":"Event","Payload":"{\"fail\":true}"})");
  Ok("Invoke", R"({"FunctionName":"fn","InvocationType":"Event","Payload":"{\"fail\":false}"})");
  ASSERT_TRUE(RunUntil([&] { return executor_.requests.size() == 3 && !sqs_.sent.empty(); }));
  EXPECT_EQ(sqs_.sent[0].first, "arn:aws:sns:us-east-1:000000000000:alerts");
  EXPECT_EQ(executor_.functions[2], "next");
  auto chained = Parse(executor_.requests[2].payload);
  EXPECT_STREQ(chained["requestContext"]["condition"].GetString(), "Success");
  EXPECT_EQ(chained["requestPayload"]["fail"].GetBool(), false);
}

TEST_F(LambdaEsmTest, ThrottledEventsDoNotCountAsAttempts) {
  CreateFunction("fn");
  Ok("PutFunctionEventInvokeConfig", R"({"FunctionName":"fn","MaximumRetryAttempts":0})");
  int calls = 0;
  executor_.answer = [&](const runtime::InvokeRequest&) -> Result<runtime::InvokeResult> {
    if (++calls == 1) {
      return AwsError::Sender("TooManyRequestsException", "Rate Exceeded.", 429);
    }
    return Succeeded();
  };
  Ok("Invoke", R"({"FunctionName":"fn","InvocationType":"Event"})");
  ASSERT_TRUE(RunUntil([&] { return executor_.requests.size() == 2; }, 3s));
  EXPECT_TRUE(sqs_.sent.empty());
}

TEST_F(LambdaEsmTest, EventOlderThanItsMaximumAgeGoesToOnFailureUnrun) {
  CreateFunction("fn");
  Ok("PutFunctionEventInvokeConfig",
     R"({"FunctionName":"fn","MaximumEventAgeInSeconds":60,"DestinationConfig":{)"
     R"("OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:dlq"}}})");
  executor_.answer = [&](const runtime::InvokeRequest&) -> Result<runtime::InvokeResult> {
    return AwsError::Sender("TooManyRequestsException", "Rate Exceeded.", 429);
  };
  Ok("Invoke", R"({"FunctionName":"fn","InvocationType":"Event","Payload":"{\"late\":1}"})");
  ASSERT_TRUE(RunUntil([&] { return executor_.requests.size() == 1; }));
  clock_.Advance(61s);  // throttled past its maximum age: the retry finds it expired
  ASSERT_TRUE(RunUntil([&] { return !sqs_.sent.empty(); }, 3s));
  EXPECT_EQ(executor_.requests.size(), 1u);
  auto record = Parse(Parse(sqs_.sent[0].second)["MessageBody"].GetString());
  EXPECT_STREQ(record["requestContext"]["condition"].GetString(), "EventAgeExceeded");
  EXPECT_EQ(record["requestContext"]["approximateInvokeCount"].GetInt(), 0);
  EXPECT_EQ(record["requestPayload"]["late"].GetInt(), 1);
  EXPECT_FALSE(record.HasMember("responseContext"));
}

// PERSISTENCE=1: queued events and enabled mappings come back with the database.
TEST(LambdaRestart, QueuedEventsAndMappingsResume) {
  fs::path root = fs::temp_directory_path() / ("nimbus-esm-restart-" + RandomHex(12));
  fs::create_directories(root / "src");
  std::string db_path = (root / "lambda.sqlite").string();
  runtime::CodeStore code_store((root / "code").string());
  FakeExecutor executor;
  asio::io_context ioc;
  auto sqs = std::make_unique<FakeSqs>(ioc);
  sqs->AddQueue("in");
  testing::FakeClock clock;
  auto run_until = [&](const std::function<bool()>& done) {
    auto end = std::chrono::steady_clock::now() + 3s;
    while (!done() && std::chrono::steady_clock::now() < end) {
      ioc.restart();
      ioc.run_for(2ms);
    }
    return done();
  };
  auto start = [&](LambdaService& svc, OperationTable& table) {
    svc.Register(table);
    ServiceEnv env;
    env.strand = asio::make_strand(ioc);
    env.clock = &clock;
    env.client = sqs.get();
    env.open_database = [&](std::string_view) { return storage::Database::Open(db_path); };
    svc.Start(env);
  };
  auto call = [&](OperationTable& table, const std::string& op, const std::string& json) {
    rapidjson::Document params;
    params.Parse(json.c_str());
    RequestContext ctx;
    ctx.clock = &clock;
    ctx.request_id = NewUuid();
    ParamReader reader(params);
    const OperationHandler* h = table.Find(op);
    if (h->sync) {
      return h->sync(ctx, reader);
    }
    auto future = asio::co_spawn(ioc, h->async(ctx, reader), asio::use_future);
    while (future.wait_for(0s) != std::future_status::ready) {
      ioc.restart();
      ioc.run_for(1ms);
    }
    return future.get();
  };
  std::string uuid;
  {
    LambdaService first(executor, code_store, ServiceOptions());
    OperationTable table;
    start(first, table);
    ASSERT_TRUE(call(table, "CreateFunction",
                     R"({"FunctionName":"fn","Runtime":"python3.12","Role":")" +
                         std::string(kRole) +
                         R"(","Handler":"app.handler","Code":{"S3Bucket":"hot-reload","S3Key":")" +
                         (root / "src").string() + "\"}}"));
    auto mapping = call(table, "CreateEventSourceMapping",
                        std::string(R"({"FunctionName":"fn","EventSourceArn":")") + kQueueArn +
                            "\"}");
    ASSERT_TRUE(mapping);
    uuid = (*mapping)["UUID"].GetString();
    executor.answer = [](const runtime::InvokeRequest&) -> Result<runtime::InvokeResult> {
      return AwsError::Sender("TooManyRequestsException", "Rate Exceeded.", 429);
    };
    ASSERT_TRUE(call(table, "Invoke",
                     R"({"FunctionName":"fn","InvocationType":"Event","Payload":"{\"k\":1}"})"));
    ASSERT_TRUE(run_until([&] { return executor.requests.size() == 1; }));
    first.Stop();
    sqs->Stop();
    ioc.restart();
    ioc.run_for(50ms);
  }
  executor.answer = nullptr;
  executor.requests.clear();
  sqs = std::make_unique<FakeSqs>(ioc);  // the queue's earlier state plays no part here
  sqs->AddQueue("in");
  {
    LambdaOptions options = ServiceOptions();
    options.resume_on_start = true;
    LambdaService second(executor, code_store, options);
    OperationTable table;
    start(second, table);
    ASSERT_TRUE(run_until([&] { return executor.requests.size() == 1; }));
    EXPECT_EQ(executor.requests[0].payload, R"({"k":1})");
    ASSERT_TRUE(run_until([&] { return second.PollerOf(uuid) != nullptr; }));
    sqs->Send("in", "after restart");
    ASSERT_TRUE(run_until([&] { return sqs->deleted.size() == 1; }));
    second.Stop();
    sqs->Stop();
    ioc.restart();
    ioc.run_for(50ms);
  }
  std::error_code ec;
  fs::remove_all(root, ec);
}

}  // namespace
}  // namespace nimbus::lambda
