// Deliveries: SQS and Lambda in process (one ordered outbox per subscription, SQS in batches of
// up to ten), HTTP(S) through HttpClient with AWS's retry phases, and dead-letter queues.
// Everything here runs on the SNS strand.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <rapidjson/document.h>

#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/sns/sns_service.h"
#include "services/sns/sns_util.h"

namespace nimbus::sns {
namespace asio = boost::asio;
using rapidjson::Value;

namespace {

constexpr size_t kSqsBatch = 10;
constexpr size_t kSqsBatchBytes = 262144;
// HTTP deliveries in flight or waiting for a retry; past this new ones are dropped (logged).
constexpr int64_t kMaxHttpPending = 10000;

struct QueueRef {
  std::string url;
  Scope scope;
  bool fifo = false;
};

std::optional<QueueRef> QueueOf(const std::string& arn) {
  auto parts = ParseArn(arn);
  if (!parts || parts->service != "sqs") {
    return std::nullopt;
  }
  QueueRef q;
  q.url = "http://localhost/queue/" + parts->region + "/" + parts->account + "/" + parts->resource;
  q.scope.account_id = parts->account;
  q.scope.region = parts->region;
  q.fifo = parts->resource.size() > 5 &&
           parts->resource.compare(parts->resource.size() - 5, 5, ".fifo") == 0;
  return q;
}

Value Str(std::string_view s, rapidjson::Document::AllocatorType& a) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

}  // namespace

struct SnsService::HttpAttempt {
  std::shared_ptr<const Target> target;
  HttpPost post;
  int retries = 0;
  bool confirmation = false;
  bool throttled = false;  // already waited for its throttle slot
};

std::string SnsService::QueryUrl(const std::string& base, const std::string& action,
                                 const std::string& params) const {
  // AWS's form, without Version: the edge routes these two unsigned actions to SNS by name.
  return base + "/?Action=" + action + "&" + params;
}

std::string SnsService::CertUrl(const Target& t) const { return t.base_url + kSigningCertPath; }

std::string SnsService::UnsubscribeUrl(const Target& t) const {
  return QueryUrl(t.base_url, "Unsubscribe", "SubscriptionArn=" + t.arn);
}

const std::string& SnsService::SignatureFor(Notification& n, const std::string& protocol) {
  std::string key = n.KeyFor(protocol);
  auto it = n.signatures.find(key);
  if (it != n.signatures.end()) {
    return it->second;
  }
  std::string sig = shared_->keys.Sign(StringToSign(n, n.MessageFor(protocol)), n.signature_version);
  return n.signatures.emplace(key, std::move(sig)).first->second;
}

std::string SnsService::EnvelopeFor(Notification& n, const Target& t) {
  return NotificationJson(n, n.MessageFor(t.protocol), SignatureFor(n, t.protocol), CertUrl(t),
                          UnsubscribeUrl(t));
}

void SnsService::Enqueue(Delivery d) {
  std::string arn = d.target->arn;
  auto& box = outboxes_[arn];
  box.queue.push_back(std::move(d));
  ++in_process_pending_;
  if (!box.draining) {
    box.draining = true;
    asio::co_spawn(strand_, Drain(arn), asio::detached);
  }
}

asio::awaitable<void> SnsService::Drain(std::string subscription_arn) {
  while (true) {
    auto it = outboxes_.find(subscription_arn);
    if (it == outboxes_.end()) {
      co_return;
    }
    auto& queue = it->second.queue;
    if (queue.empty() || stopped_) {
      in_process_pending_ -= static_cast<int64_t>(queue.size());
      outboxes_.erase(it);
      co_return;
    }
    std::vector<Delivery> batch;
    if (queue.front().target->protocol == "sqs") {
      size_t bytes = 0;
      while (!queue.empty() && batch.size() < kSqsBatch) {
        const auto& n = *queue.front().notification;
        size_t size = n.MessageFor("sqs").size() + 2048;  // envelope and attributes
        if (!batch.empty() && bytes + size > kSqsBatchBytes) {
          break;
        }
        bytes += size;
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
      }
      co_await DeliverSqsBatch(std::move(batch));
    } else {
      batch.push_back(std::move(queue.front()));
      queue.pop_front();
      co_await DeliverLambda(std::move(batch.front()));
    }
  }
}

asio::awaitable<void> SnsService::DeliverSqsBatch(std::vector<Delivery> batch) {
  const Target& t = *batch.front().target;
  size_t count = batch.size();
  in_process_pending_ -= static_cast<int64_t>(count);
  auto queue = QueueOf(t.endpoint);
  std::vector<std::string> bodies;
  for (auto& d : batch) {
    bodies.push_back(t.raw ? d.notification->MessageFor("sqs") : EnvelopeFor(*d.notification, t));
  }
  if (!queue) {
    for (size_t i = 0; i < count; ++i) {
      DeadLetter(t, bodies[i], batch[i].notification.get());
    }
    co_return;
  }
  rapidjson::Document params(rapidjson::kObjectType);
  auto& a = params.GetAllocator();
  params.AddMember("QueueUrl", Str(queue->url, a), a);
  Value entries(rapidjson::kArrayType);
  for (size_t i = 0; i < count; ++i) {
    const Notification& n = *batch[i].notification;
    Value e(rapidjson::kObjectType);
    std::string id = std::to_string(i);
    id.insert(0, 1, 'm');  // (GCC 12 warns falsely on "m" + std::to_string)
    e.AddMember("Id", Str(id, a), a);
    e.AddMember("MessageBody", Str(bodies[i], a), a);
    if (t.raw && !n.attributes.empty()) {
      Value attrs(rapidjson::kObjectType);
      for (const auto& [name, attr] : n.attributes) {
        Value v(rapidjson::kObjectType);
        v.AddMember("DataType", Str(attr.data_type, a), a);
        v.AddMember(attr.IsBinary() ? "BinaryValue" : "StringValue", Str(attr.value, a), a);
        attrs.AddMember(Str(name, a), std::move(v), a);
      }
      e.AddMember("MessageAttributes", std::move(attrs), a);
    }
    if (queue->fifo) {
      e.AddMember("MessageGroupId", Str(n.group_id.empty() ? "default" : n.group_id, a), a);
      e.AddMember("MessageDeduplicationId",
                  Str(n.dedup_id.empty() ? n.message_id : n.dedup_id, a), a);
    }
    entries.PushBack(std::move(e), a);
  }
  params.AddMember("Entries", std::move(entries), a);
  auto r = co_await client_->Call("sqs", "SendMessageBatch", queue->scope, std::move(params));
  if (!r) {
    std::fprintf(stderr, "nimbus: sns: delivery to %s failed: %s %s\n", t.endpoint.c_str(),
                 r.error().code.c_str(), r.error().message.c_str());
    for (size_t i = 0; i < count; ++i) {
      DeadLetter(t, bodies[i], batch[i].notification.get());
    }
    co_return;
  }
  std::vector<bool> failed(count, false);
  if (r->IsObject() && r->HasMember("Failed") && (*r)["Failed"].IsArray()) {
    for (const auto& f : (*r)["Failed"].GetArray()) {
      if (f.IsObject() && f.HasMember("Id") && f["Id"].IsString()) {
        size_t i = std::strtoul(f["Id"].GetString() + 1, nullptr, 10);
        if (i < count) {
          failed[i] = true;
          std::fprintf(stderr, "nimbus: sns: delivery to %s failed: %s\n", t.endpoint.c_str(),
                       f.HasMember("Message") && f["Message"].IsString() ? f["Message"].GetString()
                                                                         : "");
        }
      }
    }
  }
  for (size_t i = 0; i < count; ++i) {
    if (failed[i]) {
      DeadLetter(t, bodies[i], batch[i].notification.get());
    } else {
      ++stats_.delivered;
    }
  }
}

asio::awaitable<void> SnsService::DeliverLambda(Delivery d) {
  --in_process_pending_;
  const Target& t = *d.target;
  Notification& n = *d.notification;
  std::string payload = LambdaEventJson(n, n.MessageFor("lambda"), SignatureFor(n, "lambda"),
                                        CertUrl(t), UnsubscribeUrl(t), t.arn);
  auto parts = ParseArn(t.endpoint);
  Scope scope;
  if (parts) {
    scope.account_id = parts->account;
    scope.region = parts->region;
  }
  rapidjson::Document params(rapidjson::kObjectType);
  auto& a = params.GetAllocator();
  params.AddMember("FunctionName", Str(t.endpoint, a), a);
  params.AddMember("InvocationType", "Event", a);
  params.AddMember("Payload", Str(payload, a), a);
  auto r = co_await client_->Call("lambda", "Invoke", scope, std::move(params));
  if (!r) {
    std::fprintf(stderr, "nimbus: sns: delivery to %s failed: %s %s\n", t.endpoint.c_str(),
                 r.error().code.c_str(), r.error().message.c_str());
    DeadLetter(t, EnvelopeFor(n, t), &n);
    co_return;
  }
  ++stats_.delivered;
}

void SnsService::DeliverHttp(Notification& n, const std::shared_ptr<const Target>& t) {
  if (http_pending_ >= kMaxHttpPending) {
    ++stats_.dropped;
    std::fprintf(stderr, "nimbus: sns: %lld HTTP deliveries pending; dropped one to %s\n",
                 static_cast<long long>(http_pending_), t->endpoint.c_str());
    return;
  }
  auto a = std::make_shared<HttpAttempt>();
  a->target = t;
  a->post.url = t->endpoint;
  a->post.headers = {
      {"x-amz-sns-message-type", "Notification"},
      {"x-amz-sns-message-id", n.message_id},
      {"x-amz-sns-topic-arn", n.topic_arn},
      {"x-amz-sns-subscription-arn", t->arn},
      {"Content-Type", t->http.content_type},
      {"User-Agent", "Amazon Simple Notification Service Agent"},
  };
  if (t->raw) {
    a->post.headers.emplace_back("x-amz-sns-rawdelivery", "true");
    a->post.body = n.MessageFor(t->protocol);
  } else {
    a->post.body = EnvelopeFor(n, *t);
  }
  ++http_pending_;
  Attempt(std::move(a));
}

void SnsService::Capture(Notification& n, const std::string& kind,
                         const std::string& target, const Target* subscription,
                         const std::string& account, const std::string& region) {
  CapturedMessage m;
  m.kind = kind;
  m.target = target;
  m.account = account;
  m.region = region;
  m.message_id = n.message_id;
  m.topic_arn = n.topic_arn;
  m.subject = n.subject;
  m.timestamp = n.timestamp;
  std::string key = kind;
  if (kind == "application") {
    // AWS: a mobile endpoint gets its platform's key of a MessageStructure=json message
    // (".../endpoint/GCM/app/id" → "GCM").
    auto at = target.find(":endpoint/");
    if (at != std::string::npos) {
      auto start = at + 10;
      key = target.substr(start, target.find('/', start) - start);
    }
  }
  if (subscription != nullptr) {
    m.subscription_arn = subscription->arn;
  }
  if (kind == "email-json" && subscription != nullptr) {
    // AWS: email-json endpoints receive the JSON notification document.
    m.message = EnvelopeFor(n, *subscription);
  } else {
    m.message = n.MessageFor(key);
  }
  for (const auto& [name, attr] : n.attributes) {
    m.attributes[name] = attr.IsBinary() ? Base64Encode(attr.value) : attr.value;
  }
  shared_->captured.Add(std::move(m));
  ++stats_.delivered;
}

void SnsService::SendConfirmation(const Subscription& s, const std::string& type) {
  auto topic = St().topics.find(s.topic_arn);
  if (topic == St().topics.end() || stopped_) {
    return;
  }
  auto t = MakeTarget(s, topic->second);
  Confirmation c;
  c.type = type;
  c.message_id = NewUuid();
  c.token = type == "SubscriptionConfirmation" ? s.token : RandomHex(256);
  c.topic_arn = s.topic_arn;
  c.message = type == "SubscriptionConfirmation"
                  ? "You have chosen to subscribe to the topic " + s.topic_arn +
                        ".\nTo confirm the subscription, visit the SubscribeURL included in this "
                        "message."
                  : "You have chosen to deactivate subscription " + s.arn +
                        ".\nTo cancel this operation and restore the subscription, visit the "
                        "SubscribeURL included in this message.";
  c.subscribe_url =
      QueryUrl(t->base_url, "ConfirmSubscription", "TopicArn=" + s.topic_arn + "&Token=" + c.token);
  c.timestamp = IsoMillis(NowMs());
  auto sig = topic->second.attributes.find("SignatureVersion");
  c.signature_version = sig != topic->second.attributes.end() && sig->second == "2" ? 2 : 1;
  std::string signature = shared_->keys.Sign(StringToSign(c), c.signature_version);
  if (s.protocol == "email" || s.protocol == "email-json") {
    // AWS mails the confirmation; here it is captured (GET /_aws/sns/email-messages).
    CapturedMessage m;
    m.kind = s.protocol;
    m.target = s.endpoint;
    m.account = s.account;
    m.region = s.region;
    m.message_id = c.message_id;
    m.topic_arn = s.topic_arn;
    m.subscription_arn = s.arn;
    m.subject = "AWS Notification - Subscription Confirmation";
    m.timestamp = c.timestamp;
    m.message = s.protocol == "email-json" ? ConfirmationJson(c, signature, CertUrl(*t))
                                           : c.message + "\n\n" + c.subscribe_url;
    shared_->captured.Add(std::move(m));
    return;
  }
  auto a = std::make_shared<HttpAttempt>();
  a->target = t;
  a->post.url = s.endpoint;
  a->post.headers = {
      {"x-amz-sns-message-type", type},
      {"x-amz-sns-message-id", c.message_id},
      {"x-amz-sns-topic-arn", s.topic_arn},
      {"Content-Type", "text/plain; charset=UTF-8"},
      {"User-Agent", "Amazon Simple Notification Service Agent"},
  };
  if (type != "SubscriptionConfirmation") {
    a->post.headers.emplace_back("x-amz-sns-subscription-arn", s.arn);
  }
  a->post.body = ConfirmationJson(c, signature, CertUrl(*t));
  a->confirmation = true;
  ++http_pending_;
  Attempt(std::move(a));
}

void SnsService::Attempt(std::shared_ptr<HttpAttempt> a) {
  // AWS: throttlePolicy.maxReceivesPerSecond spaces the subscription's deliveries evenly.
  if (auto rate = a->target->http.max_receives_per_second; rate && *rate > 0 && !a->throttled) {
    auto now = std::chrono::steady_clock::now();
    auto interval = std::chrono::microseconds(1'000'000 / *rate);
    auto& next = next_send_[a->target->arn];
    auto slot = std::max(now, next);
    next = slot + interval;
    if (slot > now) {
      a->throttled = true;
      Later(std::move(a), slot - now);
      return;
    }
  }
  a->throttled = false;
  HttpPost post = a->post;
  http_->Submit(std::move(post), strand_,
                [this, a](HttpOutcome outcome) { OnHttpOutcome(a, outcome); });
}

void SnsService::Later(std::shared_ptr<HttpAttempt> a, std::chrono::steady_clock::duration delay) {
  auto timer = std::make_shared<asio::steady_timer>(strand_, delay);
  retry_timers_.insert(timer.get());
  timer->async_wait([this, a, timer](const boost::system::error_code& ec) {
    retry_timers_.erase(timer.get());
    if (ec || stopped_) {
      --http_pending_;
      return;
    }
    Attempt(a);
  });
}

void SnsService::OnHttpOutcome(std::shared_ptr<HttpAttempt> a, const HttpOutcome& outcome) {
  if (stopped_) {
    return;
  }
  if (outcome.status >= 200 && outcome.status < 300) {
    --http_pending_;
    ++stats_.delivered;
    return;
  }
  const Target& t = *a->target;
  // AWS: server errors and transport failures are retried; client errors (4xx) are not.
  bool retryable = outcome.status == 0 || outcome.status >= 500 || outcome.status == 429;
  const RetryPolicy& policy = t.http.retry;
  if (retryable && a->retries < policy.num_retries) {
    ++a->retries;
    ++stats_.retried;
    auto delay = policy.DelayBefore(a->retries);
    if (delay.count() == 0) {
      Attempt(std::move(a));
      return;
    }
    Later(std::move(a), delay);
    return;
  }
  --http_pending_;
  std::fprintf(stderr, "nimbus: sns: delivery to %s failed after %d retries: %s\n",
               t.endpoint.c_str(), a->retries,
               outcome.error.empty() ? ("HTTP " + std::to_string(outcome.status)).c_str()
                                     : outcome.error.c_str());
  if (!a->confirmation) {
    DeadLetter(t, a->post.body, nullptr);
  } else {
    ++stats_.failed;
  }
}

void SnsService::DeadLetter(const Target& t, const std::string& body, const Notification* n) {
  if (t.dlq_arn.empty()) {
    ++stats_.failed;
    return;
  }
  ++stats_.dead_lettered;
  std::string group = n != nullptr ? n->group_id : "";
  std::string dedup = n != nullptr ? n->dedup_id : "";
  asio::co_spawn(strand_, SendToDeadLetter(t.dlq_arn, body, group, dedup), asio::detached);
}

asio::awaitable<void> SnsService::SendToDeadLetter(std::string dlq_arn, std::string body,
                                                   std::string group_id,
                                                   std::string dedup_id) {
  auto queue = QueueOf(dlq_arn);
  if (!queue) {
    std::fprintf(stderr, "nimbus: sns: dead-letter target %s is not an SQS queue\n",
                 dlq_arn.c_str());
    co_return;
  }
  rapidjson::Document params(rapidjson::kObjectType);
  auto& a = params.GetAllocator();
  params.AddMember("QueueUrl", Str(queue->url, a), a);
  params.AddMember("MessageBody", Str(body, a), a);
  if (queue->fifo) {
    params.AddMember("MessageGroupId", Str(group_id.empty() ? "sns-dlq" : group_id, a), a);
    params.AddMember("MessageDeduplicationId", Str(dedup_id.empty() ? NewUuid() : dedup_id, a),
                     a);
  }
  auto r = co_await client_->Call("sqs", "SendMessage", queue->scope, std::move(params));
  if (!r) {
    std::fprintf(stderr, "nimbus: sns: dead-letter queue %s: %s %s\n", dlq_arn.c_str(),
                 r.error().code.c_str(), r.error().message.c_str());
  }
}

}  // namespace nimbus::sns
