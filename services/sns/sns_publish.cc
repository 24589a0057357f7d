// Publishing: Publish and PublishBatch validate the message, assign ids (FIFO sequence numbers
// and deduplication), and route it to the topic's subscriptions whose filter policy accepts it.
// Deliveries happen afterwards (sns_delivery.cc): the call returns as soon as the message is
// accepted.
#include <algorithm>
#include <cstdio>
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/sha.h>
#include <rapidjson/document.h>

#include "services/common/ids.h"
#include "services/sns/sns_errors.h"
#include "services/sns/sns_service.h"
#include "services/sns/sns_util.h"

namespace nimbus::sns {
namespace asio = boost::asio;
using rapidjson::Value;

namespace {

constexpr size_t kMaxMessageBytes = 262144;
constexpr size_t kMaxAttributes = 10;
constexpr size_t kMaxBatch = 10;
constexpr int64_t kDedupWindowMs = 5 * 60 * 1000;
// Accepted messages whose in-process deliveries have not run yet; past this Publish waits.
constexpr int64_t kMaxInProcessPending = 50000;
constexpr uint64_t kFirstSequence = 10000000000000000000ULL;

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

bool ValidNumber(const std::string& s) {
  if (s.empty()) {
    return false;
  }
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

std::optional<AwsError> ValidateAttributeName(const std::string& name) {
  if (name.size() > 256) {
    return errors::ParameterValueInvalid(
        "Length of message attribute name must be less than 256 bytes.");
  }
  if (name.empty()) {
    return errors::ParameterValueInvalid("The message attribute name can not be empty.");
  }
  if (name.front() == '.') {
    return errors::ParameterValueInvalid(
        "Invalid message attribute name starting with character '.' was found.");
  }
  if (name.back() == '.') {
    return errors::ParameterValueInvalid(
        "Invalid message attribute name ending with character '.' was found.");
  }
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "#x%X", c);
      return errors::ParameterValueInvalid(
          std::string("Invalid non-alphanumeric character '") + hex +
          "' was found in the message attribute name. Can only include alphanumeric "
          "characters, hyphens, underscores, or dots.");
    }
    if (c == '.' && i > 0 && name[i - 1] == '.') {
      return errors::ParameterValueInvalid(
          "Message attribute name can not have successive '.' character.");
    }
  }
  return std::nullopt;
}

Result<MessageAttributes> ReadAttributes(const Value* map, const std::string& at) {
  MessageAttributes out;
  if (map == nullptr || !map->IsObject()) {
    return out;
  }
  if (map->MemberCount() > kMaxAttributes) {
    return errors::ParameterValueInvalid("Number of message attributes [" +
                                         std::to_string(map->MemberCount()) +
                                         "] exceeds the allowed maximum [10].");
  }
  for (auto it = map->MemberBegin(); it != map->MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    if (auto e = ValidateAttributeName(name)) {
      return *e;
    }
    const Value& v = it->value;
    if (!v.IsObject() || !v.HasMember("DataType") || !v["DataType"].IsString()) {
      return errors::Validation("1 validation error detected: Value null at '" + at + name +
                                ".member.dataType' failed to satisfy constraint: Member must "
                                "not be null");
    }
    MessageAttribute attr;
    attr.data_type = v["DataType"].GetString();
    const std::string& type = attr.data_type;
    bool known = false;
    for (const char* prefix : {"String", "Number", "Binary"}) {
      size_t n = std::strlen(prefix);
      if (type.compare(0, n, prefix) == 0 && (type.size() == n || type[n] == '.')) {
        known = true;
      }
    }
    if (!known) {
      return errors::ParameterValueInvalid(
          "The message attribute '" + name +
          "' has an invalid message attribute type, the set of supported type prefixes is "
          "Binary, Number, and String.");
    }
    const char* field = attr.IsBinary() ? "BinaryValue" : "StringValue";
    const char* field_kind = attr.IsBinary() ? "Binary" : "String";
    if (!v.HasMember(field) || !v[field].IsString()) {
      if (!v.HasMember("StringValue") && !v.HasMember("BinaryValue")) {
        return errors::ParameterValueInvalid(
            "The message attribute '" + name +
            "' must contain non-empty message attribute value for message attribute type '" +
            type + "'.");
      }
      return errors::ParameterValueInvalid("The message attribute '" + name + "' with type '" +
                                           type + "' must use field '" + field_kind + "'.");
    }
    attr.value.assign(v[field].GetString(), v[field].GetStringLength());
    if (attr.value.empty()) {
      return errors::ParameterValueInvalid(
          "The message attribute '" + name +
          "' must contain non-empty message attribute value for message attribute type '" +
          type + "'.");
    }
    if (type.rfind("Number", 0) == 0 && !ValidNumber(attr.value)) {
      return errors::ParameterValueInvalid("Could not cast message attribute '" + name +
                                           "' value to number.");
    }
    if (type == "String.Array") {
      rapidjson::Document d;
      d.Parse(attr.value.c_str(), attr.value.size());
      if (d.HasParseError() || !d.IsArray()) {
        return errors::ParameterValueInvalid("The message attribute '" + name +
                                             "' has an invalid value: String.Array must be a "
                                             "JSON array.");
      }
    }
    out.emplace(std::move(name), std::move(attr));
  }
  return out;
}

size_t PublishSize(const std::string& message, const MessageAttributes& attributes) {
  size_t n = message.size();
  for (const auto& [name, attr] : attributes) {
    n += name.size() + attr.data_type.size() + attr.value.size();
  }
  return n;
}

}  // namespace

Result<std::shared_ptr<Notification>> SnsService::BuildNotification(const RequestContext& ctx,
                                                                    ParamReader& in,
                                                                    const Topic* topic,
                                                                    int position) {
  auto n = std::make_shared<Notification>();
  n->message = in.String("Message");
  if (auto subject = in.OptString("Subject")) {
    bool printable = std::all_of(subject->begin(), subject->end(), [](unsigned char c) {
      return c >= 0x20 && c < 0x7f;
    });
    if (subject->empty() || subject->size() > 100 || !printable) {
      return errors::InvalidParameter("Subject");
    }
    n->subject = *subject;
    n->has_subject = true;
  }
  if (n->message.empty()) {
    return errors::InvalidParameter("Empty message");
  }
  std::string at = position > 0 ? "publishBatchRequestEntries." + std::to_string(position) +
                                      ".member.messageAttributes."
                                : "messageAttributes.";
  auto attributes = ReadAttributes(in.Value("MessageAttributes"), at);
  if (!attributes) {
    return attributes.error();
  }
  n->attributes = std::move(*attributes);
  if (PublishSize(n->message, n->attributes) > kMaxMessageBytes) {
    return errors::InvalidParameter("Message too long");
  }
  std::string structure = in.String("MessageStructure");
  if (!structure.empty() && structure != "json") {
    return errors::InvalidParameter("MessageStructure");
  }
  if (structure == "json") {
    rapidjson::Document d;
    d.Parse(n->message.c_str(), n->message.size());
    if (d.HasParseError() || !d.IsObject()) {
      return errors::InvalidParameter("Message Structure - JSON message body failed to parse");
    }
    // AWS: keys whose values are not strings are ignored.
    for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
      if (it->value.IsString()) {
        n->per_protocol[it->name.GetString()] =
            std::string(it->value.GetString(), it->value.GetStringLength());
      }
    }
    auto def = n->per_protocol.find("default");
    if (def == n->per_protocol.end()) {
      return errors::InvalidParameter("Message Structure - No default entry in JSON message body");
    }
    n->message = def->second;
    n->per_protocol.erase(def);
  }
  n->group_id = in.String("MessageGroupId");
  n->dedup_id = in.String("MessageDeduplicationId");
  if (topic != nullptr) {
    n->topic_arn = topic->arn;
    auto sig = topic->attributes.find("SignatureVersion");
    n->signature_version = sig != topic->attributes.end() && sig->second == "2" ? 2 : 1;
    if (topic->fifo) {
      if (n->group_id.empty()) {
        return errors::InvalidParameter(
            "The MessageGroupId parameter is required for FIFO topics");
      }
      auto cbd = topic->attributes.find("ContentBasedDeduplication");
      bool content_based = cbd != topic->attributes.end() && cbd->second == "true";
      if (n->dedup_id.empty() && !content_based) {
        return errors::InvalidParameter(
            "The topic should either have ContentBasedDeduplication enabled or "
            "MessageDeduplicationId provided explicitly");
      }
      if (n->dedup_id.empty()) {
        n->dedup_id = Sha256Hex(n->message);
      }
    } else if (!n->dedup_id.empty()) {
      return errors::InvalidParameter(
          "MessageDeduplicationId Reason: The request includes MessageDeduplicationId "
          "parameter that is not valid for this topic type");
    }
  }
  n->message_id = NewUuid();
  n->timestamp = IsoMillis(ctx.clock->NowMillis());
  return n;
}

bool SnsService::Sequence(Notification& n, const Topic& topic) {
  if (!topic.fifo) {
    return true;
  }
  auto& window = dedup_[topic.arn];
  int64_t now = NowMs();
  std::erase_if(window, [now](const auto& e) { return e.second.expires_ms <= now; });
  auto dup = window.find(n.dedup_id);
  if (dup != window.end()) {
    n.message_id = dup->second.message_id;
    n.sequence_number = dup->second.sequence_number;
    return false;
  }
  uint64_t& last = fifo_sequence_[topic.arn];
  if (last == 0) {
    // Seeded from the clock so that numbers keep increasing across restarts.
    last = kFirstSequence + static_cast<uint64_t>(now) * 1000;
  }
  last += 1000;
  n.sequence_number = std::to_string(last);
  window[n.dedup_id] = Dedup{n.message_id, n.sequence_number, now + kDedupWindowMs};
  return true;
}

bool SnsService::Accepts(const Target& t, const Notification& n) const {
  if (!t.filter) {
    return true;
  }
  if (t.scope == FilterScope::kMessageBody) {
    return t.filter->MatchesBody(n.MessageFor(t.protocol));
  }
  return t.filter->MatchesAttributes(n.attributes);
}

void SnsService::Fanout(const std::shared_ptr<Notification>& n) {
  auto it = targets_.find(n->topic_arn);
  if (it == targets_.end()) {
    return;
  }
  // A copy: deliveries may rebuild the topic's targets.
  auto targets = it->second;
  for (const auto& t : targets) {
    if (!Accepts(*t, *n)) {
      continue;
    }
    if (t->protocol == "sqs" || t->protocol == "lambda") {
      Enqueue(Delivery{n, t});
    } else if (t->protocol == "http" || t->protocol == "https") {
      DeliverHttp(*n, t);
    } else if (t->protocol != "firehose") {
      // email, email-json, sms, application: nothing leaves the machine; kept for inspection.
      Capture(*n, t->protocol, t->endpoint, t.get(), t->account, t->region);
    } else {
      ++stats_.delivered;
    }
  }
}

asio::awaitable<void> SnsService::ThrottlePublisher() {
  // Backpressure: a publisher faster than the deliveries waits here instead of growing the
  // outboxes without bound.
  while (in_process_pending_ > kMaxInProcessPending && !stopped_) {
    asio::steady_timer timer(strand_, std::chrono::milliseconds(1));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<Result<Output>> SnsService::Publish(RequestContext& ctx, ParamReader& in) {
  co_await ThrottlePublisher();
  co_return DoPublish(ctx, in);
}

asio::awaitable<Result<Output>> SnsService::PublishBatch(RequestContext& ctx, ParamReader& in) {
  co_await ThrottlePublisher();
  co_return DoPublishBatch(ctx, in);
}

Result<Output> SnsService::DoPublish(RequestContext& ctx, ParamReader& in) {
  std::string topic_arn = in.String("TopicArn");
  std::string target_arn = in.String("TargetArn");
  std::string phone = in.String("PhoneNumber");
  int given = !topic_arn.empty() + !target_arn.empty() + !phone.empty();
  if (given == 0) {
    return errors::InvalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
  }
  if (given > 1) {
    return errors::InvalidParameter(
        "TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified");
  }
  Out out;
  if (!phone.empty() || target_arn.find(":endpoint/") != std::string::npos) {
    // SMS and mobile push: validated and accepted; nothing leaves the machine.
    if (!phone.empty()) {
      bool ok = phone.size() >= 2 && phone.size() <= 16 && phone[0] == '+' &&
                std::all_of(phone.begin() + 1, phone.end(),
                            [](unsigned char c) { return std::isdigit(c); });
      if (!ok) {
        return errors::InvalidParameter("PhoneNumber Reason: " + phone +
                                        " is not valid to publish to");
      }
    } else {
      auto ep = St().endpoints.find(target_arn);
      if (ep == St().endpoints.end()) {
        return errors::InvalidParameter(
            "TargetArn Reason: No endpoint found for the target arn specified");
      }
      auto enabled = ep->second.attributes.find("Enabled");
      if (enabled != ep->second.attributes.end() && enabled->second == "false") {
        return errors::EndpointDisabled();
      }
    }
    auto n = BuildNotification(ctx, in, nullptr, 0);
    if (!n) {
      return n.error();
    }
    Capture(**n, phone.empty() ? "application" : "sms", phone.empty() ? target_arn : phone,
            nullptr, ctx.scope.account_id, ctx.scope.region);
    out.SetStr("MessageId", (*n)->message_id);
    return out.Take();
  }
  auto topic = FindTopic(ctx, topic_arn.empty() ? target_arn : topic_arn);
  if (!topic) {
    if (topic.error().code == "InvalidParameter" && topic_arn.empty()) {
      return errors::InvalidParameter("TargetArn");
    }
    return topic.error();
  }
  auto n = BuildNotification(ctx, in, *topic, 0);
  if (!n) {
    return n.error();
  }
  if (Sequence(**n, **topic)) {
    Fanout(*n);
  }
  out.SetStr("MessageId", (*n)->message_id);
  if (!(*n)->sequence_number.empty()) {
    out.SetStr("SequenceNumber", (*n)->sequence_number);
  }
  return out.Take();
}

Result<Output> SnsService::DoPublishBatch(RequestContext& ctx, ParamReader& in) {
  auto topic = FindTopic(ctx, in.String("TopicArn"));
  if (!topic) {
    return topic.error();
  }
  const Value* entries = in.Value("PublishBatchRequestEntries");
  if (entries == nullptr || !entries->IsArray() || entries->Empty()) {
    return errors::EmptyBatch();
  }
  if (entries->Size() > kMaxBatch) {
    return errors::TooManyEntries();
  }
  std::set<std::string> ids;
  for (const auto& e : entries->GetArray()) {
    std::string id = e.IsObject() && e.HasMember("Id") && e["Id"].IsString() ? e["Id"].GetString()
                                                                            : "";
    bool valid = !id.empty() && id.size() <= 80 &&
                 std::all_of(id.begin(), id.end(), [](unsigned char c) {
                   return std::isalnum(c) || c == '-' || c == '_';
                 });
    if (!valid) {
      return errors::InvalidBatchEntryId();
    }
    if (!ids.insert(id).second) {
      return errors::BatchIdsNotDistinct();
    }
  }
  // AWS: a malformed entry fails the whole batch; the batch is accepted only if all are valid.
  std::vector<std::pair<std::string, std::shared_ptr<Notification>>> accepted;
  size_t total = 0;
  int position = 0;
  for (const auto& e : entries->GetArray()) {
    ++position;
    ParamReader entry(e);
    auto n = BuildNotification(ctx, entry, *topic, position);
    if (!n) {
      return n.error();
    }
    total += PublishSize((*n)->message, (*n)->attributes);
    accepted.emplace_back(e["Id"].GetString(), std::move(*n));
  }
  if (total > kMaxMessageBytes) {
    return errors::BatchTooLong();
  }
  Out out;
  Value ok(rapidjson::kArrayType);
  for (auto& [id, n] : accepted) {
    if (Sequence(*n, **topic)) {
      Fanout(n);
    }
    Value item(rapidjson::kObjectType);
    out.Set(item, "Id", out.Str(id));
    out.Set(item, "MessageId", out.Str(n->message_id));
    if (!n->sequence_number.empty()) {
      out.Set(item, "SequenceNumber", out.Str(n->sequence_number));
    }
    ok.PushBack(std::move(item), out.a());
  }
  out.Set("Successful", std::move(ok));
  out.Set("Failed", Value(rapidjson::kArrayType));
  return out.Take();
}

}  // namespace nimbus::sns
