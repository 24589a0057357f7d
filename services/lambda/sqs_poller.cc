#include "services/lambda/sqs_poller.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/lambda/sqs_event.h"

namespace nimbus::lambda {
namespace asio = boost::asio;
using rapidjson::Value;

namespace {

constexpr int64_t kMaxReceive = 10;  // SQS: MaxNumberOfMessages ≤ 10
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

Value Str(std::string_view s, rapidjson::Document::AllocatorType& a) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

std::string_view StrMember(const Value& o, const char* key) {
  if (!o.IsObject()) {
    return {};
  }
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsString()) {
    return {};
  }
  return {it->value.GetString(), it->value.GetStringLength()};
}

}  // namespace

// Messages received for one invocation, with their event records.
struct SqsPoller::Batch {
  rapidjson::Document records{rapidjson::kArrayType};
  std::vector<std::string> ids;
  std::vector<std::string> handles;
  std::vector<std::string> groups;

  size_t size() const { return ids.size(); }

  void Add(const rapidjson::Document& received, const PollerSettings& s) {
    auto it = received.FindMember("Messages");
    if (it == received.MemberEnd() || !it->value.IsArray()) {
      return;
    }
    auto& a = records.GetAllocator();
    for (const auto& m : it->value.GetArray()) {
      records.PushBack(SqsEventRecord(m, s.queue_arn, s.queue_scope.region, a), a);
      ids.emplace_back(StrMember(m, "MessageId"));
      handles.emplace_back(StrMember(m, "ReceiptHandle"));
      std::string group;
      if (auto attrs = m.FindMember("Attributes");
          attrs != m.MemberEnd() && attrs->value.IsObject()) {
        group = std::string(StrMember(attrs->value, "MessageGroupId"));
      }
      groups.push_back(std::move(group));
    }
  }
};

std::optional<PollerSettings> PollerSettings::From(const EventSourceMapping& m) {
  // arn:aws:sqs:<region>:<account>:<name>
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t colon = m.event_source_arn.find(':', start);
    parts.push_back(m.event_source_arn.substr(start, colon - start));
    if (colon == std::string::npos) {
      break;
    }
    start = colon + 1;
  }
  if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[5].empty()) {
    return std::nullopt;
  }
  auto filters = FilterSet::Parse(m.filter_patterns);
  if (!filters) {
    return std::nullopt;
  }
  PollerSettings s;
  s.uuid = m.uuid;
  s.function_scope = Scope{m.account, m.region};
  s.function_arn = m.function_arn;
  s.queue_arn = m.event_source_arn;
  s.queue_scope = Scope{parts[4], parts[3]};
  s.queue_url = "http://localhost/queue/" + parts[3] + "/" + parts[4] + "/" + parts[5];
  s.fifo = parts[5].size() > 5 && parts[5].ends_with(".fifo");
  s.batch_size = m.batch_size;
  s.batching_window_s = m.maximum_batching_window;
  s.report_batch_item_failures = m.ReportsBatchItemFailures();
  s.filters = std::move(*filters);
  // AWS starts SQS mappings with five pollers; MaximumConcurrency caps the concurrent
  // invocations of the mapping, which here is the number of pollers.
  s.concurrency = static_cast<size_t>(m.maximum_concurrency.value_or(5));
  return s;
}

SqsPoller::SqsPoller(asio::any_io_executor strand, ServiceClient& client, BatchInvoker& invoker,
                     PollerSettings settings, PollerOptions options)
    : strand_(std::move(strand)),
      client_(client),
      invoker_(invoker),
      settings_(std::make_shared<const PollerSettings>(std::move(settings))),
      options_(options) {}

SqsPoller::~SqsPoller() = default;

void SqsPoller::Start() {
  Update(*settings_);
}

void SqsPoller::Update(PollerSettings settings) {
  if (stopped_) {
    return;
  }
  settings_ = std::make_shared<const PollerSettings>(std::move(settings));
  size_t n = settings_->concurrency;
  if (alive_.size() < n) {
    alive_.resize(n, false);
  }
  for (size_t i = 0; i < n; ++i) {
    if (!alive_[i]) {
      alive_[i] = true;
      ++running_;
      asio::co_spawn(strand_, Poll(shared_from_this(), i), asio::detached);
    }
  }
  // Parked pollers re-check their index against the new concurrency.
  for (auto* t : parked_) {
    t->cancel();
  }
  parked_.clear();
}

void SqsPoller::Stop() {
  stopped_ = true;
  for (auto* t : parked_) {
    t->cancel();
  }
  parked_.clear();
  for (auto* t : sleeping_) {
    t->cancel();
  }
}

asio::awaitable<void> SqsPoller::Park() {
  asio::steady_timer timer(strand_, asio::steady_timer::time_point::max());
  parked_.push_back(&timer);
  co_await timer.async_wait(kUseTuple);
  // WakeOne/Stop take the timer off the list when they cancel it; a timer cannot expire.
  std::erase(parked_, &timer);
}

asio::awaitable<void> SqsPoller::Sleep(std::chrono::steady_clock::duration d) {
  asio::steady_timer timer(strand_, d);
  sleeping_.push_back(&timer);
  co_await timer.async_wait(kUseTuple);
  std::erase(sleeping_, &timer);
}

void SqsPoller::WakeOne() {
  if (parked_.empty()) {
    return;
  }
  auto* t = parked_.front();
  parked_.erase(parked_.begin());
  t->cancel();
}

asio::awaitable<void> SqsPoller::Poll([[maybe_unused]] std::shared_ptr<SqsPoller> self,
                                      size_t index) {
  bool had_work = false;
  while (Running(index)) {
    bool lead = !had_work;
    if (lead && long_pollers_ > 0) {
      co_await Park();
      continue;
    }
    auto settings = settings_;  // this batch's settings, even if an update comes meanwhile
    int wait = lead ? options_.long_poll_seconds : 0;
    long_pollers_ += lead ? 1 : 0;
    auto received =
        co_await Receive(*settings, std::min<int64_t>(kMaxReceive, settings->batch_size), wait);
    Batch batch;
    if (received) {
      batch.Add(*received, *settings);
    }
    if (!received && !stopped_) {
      // Keeps the lead while it backs off, so the other pollers stay parked.
      co_await Sleep(options_.error_backoff);
    }
    bool gather = received && batch.size() > 0 && settings->batching_window_s > 0 &&
                  static_cast<int64_t>(batch.size()) < settings->batch_size;
    if (gather && !stopped_) {
      // The collecting poller counts as the long poller until its window closes: messages that
      // arrive meanwhile join its batch instead of starting another.
      long_pollers_ += lead ? 0 : 1;
      co_await Gather(*settings, batch);
      long_pollers_ -= lead ? 0 : 1;
    }
    long_pollers_ -= lead ? 1 : 0;
    if (stopped_) {
      co_await Release(*settings, batch.handles);
      break;
    }
    if (!received || batch.size() == 0) {
      had_work = false;
      continue;
    }
    if (lead || gather) {
      WakeOne();  // someone else holds the long poll while this batch runs
    }
    co_await Process(*settings, batch);
    had_work = true;
  }
  --running_;
  if (index < alive_.size()) {
    alive_[index] = false;
  }
  if (!stopped_ && long_pollers_ == 0) {
    WakeOne();  // this poller may have been the one meant to hold the long poll
  }
}

asio::awaitable<std::optional<rapidjson::Document>> SqsPoller::Receive(const PollerSettings& s,
                                                                       int64_t max, int wait) {
  rapidjson::Document params(rapidjson::kObjectType);
  auto& a = params.GetAllocator();
  params.AddMember("QueueUrl", Str(s.queue_url, a), a);
  params.AddMember("MaxNumberOfMessages", Value(max), a);
  params.AddMember("WaitTimeSeconds", Value(wait), a);
  Value all(rapidjson::kArrayType);
  all.PushBack("All", a);
  params.AddMember("MessageSystemAttributeNames", Value(all, a), a);
  params.AddMember("MessageAttributeNames", std::move(all), a);
  ++stats_.receives;
  auto r = co_await client_.Call("sqs", "ReceiveMessage", s.queue_scope, std::move(params));
  if (!r) {
    std::fprintf(stderr, "nimbus: lambda: event source mapping %s: ReceiveMessage on %s: %s %s\n",
                 s.uuid.c_str(), s.queue_arn.c_str(), r.error().code.c_str(),
                 r.error().message.c_str());
    co_return std::nullopt;
  }
  co_return std::move(*r);
}

asio::awaitable<void> SqsPoller::Gather(const PollerSettings& s, Batch& batch) {
  // AWS: a batch closes when it is full or the batching window has passed since its first
  // message arrived.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(s.batching_window_s);
  // WaitTimeSeconds is whole seconds: the window's last fraction is slept here, then what is
  // waiting by then is taken without waiting.
  while (!stopped_ && static_cast<int64_t>(batch.size()) < s.batch_size) {
    auto remaining = deadline - std::chrono::steady_clock::now();
    int wait = 0;
    if (remaining >= std::chrono::seconds(1)) {
      wait = static_cast<int>(std::min<int64_t>(
          options_.long_poll_seconds,
          std::chrono::duration_cast<std::chrono::seconds>(remaining).count()));
    }
    int64_t want =
        std::min<int64_t>(kMaxReceive, s.batch_size - static_cast<int64_t>(batch.size()));
    size_t before = batch.size();
    auto received = co_await Receive(s, want, wait);
    if (!received) {
      break;
    }
    batch.Add(*received, s);
    if (batch.size() > before || wait > 0) {
      continue;
    }
    if (remaining <= std::chrono::steady_clock::duration::zero()) {
      break;  // the window has closed and nothing more is waiting
    }
    co_await Sleep(remaining);
  }
}

asio::awaitable<void> SqsPoller::Process(const PollerSettings& s, Batch& batch) {
  // Messages no filter matches are deleted without an invocation (AWS, for SQS).
  std::vector<size_t> kept;
  std::vector<std::string> dropped;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (s.filters.empty() || s.filters.Matches(FilterView(batch.records[i]))) {
      kept.push_back(i);
    } else {
      dropped.push_back(batch.handles[i]);
    }
  }
  if (!dropped.empty()) {
    stats_.filtered_out += dropped.size();
    co_await Delete(s, dropped);
  }
  if (kept.empty()) {
    co_return;
  }
  rapidjson::StringBuffer sb;
  {
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    w.Key("Records");
    w.StartArray();
    for (size_t i : kept) {
      batch.records[static_cast<rapidjson::SizeType>(i)].Accept(w);
    }
    w.EndArray();
    w.EndObject();
  }
  ++stats_.invocations;
  ++in_flight_;
  stats_.max_in_flight = std::max(stats_.max_in_flight, in_flight_);
  auto result = co_await invoker_.InvokeForMapping(s.function_scope, s.function_arn,
                                                   std::string(sb.GetString(), sb.GetSize()));
  --in_flight_;
  if (!result) {
    std::fprintf(stderr, "nimbus: lambda: event source mapping %s: invoking %s: %s %s\n",
                 s.uuid.c_str(), s.function_arn.c_str(), result.error().code.c_str(),
                 result.error().message.c_str());
    co_await Sleep(options_.error_backoff);
    co_return;  // the batch reappears after the visibility timeout
  }
  if (!result->function_error.empty()) {
    co_return;  // AWS: the whole batch is retried after the visibility timeout
  }
  std::vector<std::string> done;
  if (!s.report_batch_item_failures) {
    for (size_t i : kept) {
      done.push_back(batch.handles[i]);
    }
  } else {
    std::vector<std::string> ids;
    for (size_t i : kept) {
      ids.push_back(batch.ids[i]);
    }
    auto failures = ParseBatchItemFailures(result->payload, ids);
    if (failures.whole_batch) {
      co_return;
    }
    // FIFO: a failed message holds back the rest of its group in this batch, so the group is
    // retried in order.
    std::map<std::string, bool> group_failed;
    for (size_t i : kept) {
      bool failed = failures.failed.contains(batch.ids[i]);
      if (s.fifo) {
        bool& held = group_failed[batch.groups[i]];
        held = held || failed;
        failed = held;
      }
      if (!failed) {
        done.push_back(batch.handles[i]);
      }
    }
  }
  co_await Delete(s, done);
}

asio::awaitable<void> SqsPoller::Delete(const PollerSettings& s,
                                        const std::vector<std::string>& handles) {
  for (size_t begin = 0; begin < handles.size(); begin += kMaxReceive) {
    rapidjson::Document params(rapidjson::kObjectType);
    auto& a = params.GetAllocator();
    params.AddMember("QueueUrl", Str(s.queue_url, a), a);
    Value entries(rapidjson::kArrayType);
    size_t end = std::min(handles.size(), begin + kMaxReceive);
    for (size_t i = begin; i < end; ++i) {
      Value e(rapidjson::kObjectType);
      e.AddMember("Id", Str(std::to_string(i), a), a);
      e.AddMember("ReceiptHandle", Str(handles[i], a), a);
      entries.PushBack(std::move(e), a);
    }
    params.AddMember("Entries", std::move(entries), a);
    auto r = co_await client_.Call("sqs", "DeleteMessageBatch", s.queue_scope, std::move(params));
    if (!r) {
      std::fprintf(stderr, "nimbus: lambda: event source mapping %s: DeleteMessageBatch: %s %s\n",
                   s.uuid.c_str(), r.error().code.c_str(), r.error().message.c_str());
      continue;
    }
    size_t failed = 0;
    if (auto f = r->FindMember("Failed"); f != r->MemberEnd() && f->value.IsArray()) {
      failed = f->value.Size();
    }
    stats_.deleted += (end - begin) - failed;
  }
}

asio::awaitable<void> SqsPoller::Release(const PollerSettings& s,
                                         const std::vector<std::string>& handles) {
  for (size_t begin = 0; begin < handles.size(); begin += kMaxReceive) {
    rapidjson::Document params(rapidjson::kObjectType);
    auto& a = params.GetAllocator();
    params.AddMember("QueueUrl", Str(s.queue_url, a), a);
    Value entries(rapidjson::kArrayType);
    size_t end = std::min(handles.size(), begin + kMaxReceive);
    for (size_t i = begin; i < end; ++i) {
      Value e(rapidjson::kObjectType);
      e.AddMember("Id", Str(std::to_string(i), a), a);
      e.AddMember("ReceiptHandle", Str(handles[i], a), a);
      e.AddMember("VisibilityTimeout", Value(0), a);
      entries.PushBack(std::move(e), a);
    }
    params.AddMember("Entries", std::move(entries), a);
    stats_.released += end - begin;
    co_await client_.Call("sqs", "ChangeMessageVisibilityBatch", s.queue_scope,
                          std::move(params));
  }
}

}  // namespace nimbus::lambda
