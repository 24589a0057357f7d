#include "services/sqs/sqs_service.h"

#include <algorithm>
#include <chrono>
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/sqs/queue_attributes.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_md5.h"

namespace nimbus::sqs {
namespace asio = boost::asio;
using rapidjson::Value;

struct ReceiveRequest {
  int64_t max_messages = 1;
  int64_t visibility_timeout = 30;
  int64_t wait_seconds = 0;
  bool all_system = false;
  std::set<std::string> system_names;
  std::vector<std::string> attribute_patterns;
  std::string attempt_id;  // FIFO ReceiveRequestAttemptId
};

struct SendRequest {
  std::string body;
  std::optional<int64_t> delay;
  MessageAttributes attributes;
  MessageAttributes system_attributes;
  std::string group_id;
  std::string dedup_id;
};

struct SendResult {
  std::string message_id;
  std::string md5_body;
  std::string md5_attributes;
  std::string md5_system;
  std::string sequence_number;
};

struct MoveTask {
  std::string handle;
  std::string account;
  std::string region;
  std::string source_arn;
  std::string destination_arn;
  std::optional<int64_t> max_per_second;
  std::string status = "RUNNING";
  int64_t moved = 0;
  int64_t to_move = 0;
  int64_t started_ms = 0;
};

namespace {

constexpr int64_t kDedupWindowMs = 5 * 60 * 1000;
constexpr int64_t kMaxVisibilityMs = 43200LL * 1000;
constexpr size_t kBatchLimitBytes = 262144;
constexpr char kHandlePrefix[] = "nimbus1:";

// Small builder for outputs (rapidjson documents shaped like the operation's output).
class Out {
 public:
  Out() { doc_.SetObject(); }
  rapidjson::Document::AllocatorType& a() { return doc_.GetAllocator(); }
  Value Str(std::string_view s) {
    return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a());
  }
  // Keys are string literals: referenced, not copied.
  void Set(Value& obj, const char* key, Value v) {
    obj.AddMember(Value(rapidjson::StringRef(key)), std::move(v), a());
  }
  void Set(const char* key, Value v) { Set(doc_, key, std::move(v)); }
  void SetStr(const char* key, std::string_view s) { Set(key, Str(s)); }
  Output Take() { return std::move(doc_); }
  Output& doc() { return doc_; }

 private:
  Output doc_;
};

Output Empty() {
  Output o;
  o.SetObject();
  return o;
}

// One page of queue URLs: trims `queues` to `limit`, writes them under `key` (omitted when
// empty unless `always`) and a NextToken when a MaxResults page was cut short.
void WriteQueueUrlPage(Out& out, std::vector<Queue>& queues, int64_t limit, bool paged,
                       const char* key, bool always,
                       const std::function<std::string(const Queue&)>& url_of) {
  bool more = static_cast<int64_t>(queues.size()) > limit;
  if (more) {
    queues.resize(static_cast<size_t>(limit));
  }
  if (always || !queues.empty()) {
    Value urls(rapidjson::kArrayType);
    for (const auto& q : queues) {
      urls.PushBack(out.Str(url_of(q)), out.a());
    }
    out.Set(key, std::move(urls));
  }
  if (more && paged) {
    out.SetStr("NextToken", Base64Encode(queues.back().name));
  }
}

// AWS: allowed message characters are #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF,
// in valid UTF-8.
bool ValidMessageChars(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80) {  // printable ASCII, the common case
      ++i;
      continue;
    }
    uint32_t cp = 0;
    int extra = 0;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      extra = 2;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= s.size() && extra > 0) {
      return false;  // truncated sequence
    }
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    i += extra + 1;
    bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
              (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool ValidAttributeName(const std::string& name) {
  if (name.empty() || name.size() > 256 || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string::npos) {
    return false;
  }
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower.rfind("aws.", 0) == 0 || lower.rfind("amazon.", 0) == 0) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}

// AWS: MessageGroupId and MessageDeduplicationId are 1-128 printable ASCII characters.
bool ValidFifoId(const std::string& id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return c >= 0x21 && c <= 0x7E;
  });
}

bool ValidBatchId(const std::string& id) {
  return !id.empty() && id.size() <= 80 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

Result<MessageAttributes> ReadMessageAttributes(const Value* map, bool system) {
  MessageAttributes out;
  if (map == nullptr || !map->IsObject()) {
    return out;
  }
  if (!system && map->MemberCount() > 10) {
    return errors::InvalidParameterValue(
        "Number of message attributes [" + std::to_string(map->MemberCount()) +
        "] exceeds the allowed maximum [10].");
  }
  for (auto it = map->MemberBegin(); it != map->MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    if (system && name != "AWSTraceHeader") {
      return errors::InvalidParameterValue("Message system attribute name '" + name +
                                           "' is invalid.");
    }
    if (!system && !ValidAttributeName(name)) {
      return errors::InvalidParameterValue("Message (user) attribute name '" + name +
                                           "' is invalid.");
    }
    const Value& v = it->value;
    MessageAttribute a;
    if (auto t = v.FindMember("DataType"); t != v.MemberEnd() && t->value.IsString()) {
      a.data_type = t->value.GetString();
    }
    auto base = a.data_type.substr(0, a.data_type.find('.'));
    if (base != "String" && base != "Number" && base != "Binary") {
      return errors::InvalidParameterValue("The type of message (user) attribute '" + name +
                                           "' is invalid. You must use only the following "
                                           "supported type prefixes: Binary, Number, String.");
    }
    auto sv = v.FindMember("StringValue");
    auto bv = v.FindMember("BinaryValue");
    if (base == "Binary") {
      if (bv == v.MemberEnd() || !bv->value.IsString() || bv->value.GetStringLength() == 0) {
        return errors::InvalidParameterValue("Message (user) attribute '" + name +
                                             "' must contain a non-empty value of type 'Binary'.");
      }
      a.binary_value.assign(bv->value.GetString(), bv->value.GetStringLength());
    } else {
      if (sv == v.MemberEnd() || !sv->value.IsString() || sv->value.GetStringLength() == 0) {
        return errors::InvalidParameterValue("Message (user) attribute '" + name +
                                             "' must contain a non-empty value of type '" + base +
                                             "'.");
      }
      a.string_value.assign(sv->value.GetString(), sv->value.GetStringLength());
      if (!ValidMessageChars(a.string_value)) {
        return errors::InvalidMessageContents();
      }
      if (base == "Number") {
        char* end = nullptr;
        std::strtod(a.string_value.c_str(), &end);
        if (end == a.string_value.c_str() || *end != '\0') {
          return errors::InvalidParameterValue("Can't cast the value of message (user) attribute '" +
                                               name + "' to a number.");
        }
      }
    }
    out.emplace(std::move(name), std::move(a));
  }
  return out;
}

size_t AttributesSize(const MessageAttributes& attrs) {
  size_t n = 0;
  for (const auto& [name, a] : attrs) {
    n += name.size() + a.data_type.size() + a.string_value.size() + a.binary_value.size();
  }
  return n;
}

void WriteMessageAttributes(Out& out, Value& parent, const char* key,
                            const MessageAttributes& attrs) {
  Value map(rapidjson::kObjectType);
  for (const auto& [name, a] : attrs) {
    Value v(rapidjson::kObjectType);
    out.Set(v, "DataType", out.Str(a.data_type));
    if (a.IsBinary()) {
      out.Set(v, "BinaryValue", out.Str(a.binary_value));
    } else {
      out.Set(v, "StringValue", out.Str(a.string_value));
    }
    map.AddMember(out.Str(name), std::move(v), out.a());
  }
  out.Set(parent, key, std::move(map));
}

std::string MakeHandle(int64_t queue_id, int64_t seq, const std::string& nonce) {
  return Base64Encode(std::string(kHandlePrefix) + std::to_string(queue_id) + ":" +
                      std::to_string(seq) + ":" + nonce);
}

struct DecodedHandle {
  int64_t queue_id;
  int64_t seq;
  std::string nonce;
};

std::optional<DecodedHandle> DecodeHandle(const std::string& handle) {
  auto raw = Base64Decode(handle);
  if (!raw || raw->rfind(kHandlePrefix, 0) != 0) {
    return std::nullopt;
  }
  std::string rest = raw->substr(sizeof(kHandlePrefix) - 1);
  auto c1 = rest.find(':');
  auto c2 = rest.find(':', c1 == std::string::npos ? 0 : c1 + 1);
  if (c1 == std::string::npos || c2 == std::string::npos) {
    return std::nullopt;
  }
  try {
    return DecodedHandle{std::stoll(rest.substr(0, c1)), std::stoll(rest.substr(c1 + 1, c2 - c1 - 1)),
                         rest.substr(c2 + 1)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool MatchesAttributePattern(const std::vector<std::string>& patterns, const std::string& name) {
  for (const auto& p : patterns) {
    if (p == "All" || p == ".*" || p == name) {
      return true;
    }
    if (p.size() > 2 && p.compare(p.size() - 2, 2, ".*") == 0 &&
        name.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> StringList(const Value* list) {
  std::vector<std::string> out;
  if (list != nullptr && list->IsArray()) {
    for (const auto& v : list->GetArray()) {
      if (v.IsString()) {
        out.emplace_back(v.GetString(), v.GetStringLength());
      }
    }
  }
  return out;
}

AttributeMap StringMap(const Value* map) {
  AttributeMap out;
  if (map != nullptr && map->IsObject()) {
    for (auto it = map->MemberBegin(); it != map->MemberEnd(); ++it) {
      if (it->value.IsString()) {
        out[it->name.GetString()] = std::string(it->value.GetString(), it->value.GetStringLength());
      }
    }
  }
  return out;
}

// Batch entry failure as AWS reports it inside a 200 response.
void AddFailure(Out& out, Value& failed, const std::string& id, const AwsError& e) {
  Value f(rapidjson::kObjectType);
  out.Set(f, "Id", out.Str(id));
  out.Set(f, "SenderFault", Value(e.fault == Fault::kSender));
  out.Set(f, "Code", out.Str(e.code));
  out.Set(f, "Message", out.Str(e.message));
  failed.PushBack(std::move(f), out.a());
}

// Common batch-shape checks (AWS: empty, more than 10, duplicate or malformed ids).
std::optional<AwsError> CheckBatch(const Value* entries) {
  if (entries == nullptr || !entries->IsArray() || entries->Empty()) {
    return errors::EmptyBatchRequest();
  }
  if (entries->Size() > 10) {
    return errors::TooManyEntriesInBatchRequest(entries->Size());
  }
  std::set<std::string> ids;
  for (const auto& e : entries->GetArray()) {
    auto it = e.FindMember("Id");
    std::string id = it != e.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
    if (!ValidBatchId(id)) {
      return errors::InvalidBatchEntryId();
    }
    if (!ids.insert(id).second) {
      return errors::BatchEntryIdsNotDistinct(id);
    }
  }
  return std::nullopt;
}

std::string EntryString(const Value& e, const char* key) {
  auto it = e.FindMember(key);
  return it != e.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}

}  // namespace

SqsService::SqsService(QueueUrlConfig urls) : urls_(std::move(urls)) {}
SqsService::~SqsService() = default;

void SqsService::Register(OperationTable& t) {
  t.Add("AddPermission", this, &SqsService::AddPermission);
  t.Add("CancelMessageMoveTask", this, &SqsService::CancelMessageMoveTask);
  t.Add("ChangeMessageVisibility", this, &SqsService::ChangeMessageVisibility);
  t.Add("ChangeMessageVisibilityBatch", this, &SqsService::ChangeMessageVisibilityBatch);
  t.Add("CreateQueue", this, &SqsService::CreateQueue);
  t.Add("DeleteMessage", this, &SqsService::DeleteMessage);
  t.Add("DeleteMessageBatch", this, &SqsService::DeleteMessageBatch);
  t.Add("DeleteQueue", this, &SqsService::DeleteQueue);
  t.Add("GetQueueAttributes", this, &SqsService::GetQueueAttributes);
  t.Add("GetQueueUrl", this, &SqsService::GetQueueUrl);
  t.Add("ListDeadLetterSourceQueues", this, &SqsService::ListDeadLetterSourceQueues);
  t.Add("ListMessageMoveTasks", this, &SqsService::ListMessageMoveTasks);
  t.Add("ListQueueTags", this, &SqsService::ListQueueTags);
  t.Add("ListQueues", this, &SqsService::ListQueues);
  t.Add("PurgeQueue", this, &SqsService::PurgeQueue);
  t.Add("ReceiveMessage", this, &SqsService::ReceiveMessage);
  t.Add("RemovePermission", this, &SqsService::RemovePermission);
  t.Add("SendMessage", this, &SqsService::SendMessage);
  t.Add("SendMessageBatch", this, &SqsService::SendMessageBatch);
  t.Add("SetQueueAttributes", this, &SqsService::SetQueueAttributes);
  t.Add("StartMessageMoveTask", this, &SqsService::StartMessageMoveTask);
  t.Add("TagQueue", this, &SqsService::TagQueue);
  t.Add("UntagQueue", this, &SqsService::UntagQueue);
}

void SqsService::Start(const ServiceEnv& env) {
  store_.Init([open = env.open_database] { return std::make_unique<SqsStore>(open("sqs")); });
  clock_ = env.clock;
  strand_ = env.strand;
}

GroupCommit& SqsService::Sends() {
  if (!sends_) {
    sends_ = std::make_unique<GroupCommit>(strand_, store_->db());
  }
  return *sends_;
}

void SqsService::Stop() {
  stopping_ = true;
  if (sends_) {
    try {
      store_->db().CommitGroup();  // answers the sends still waiting
    } catch (const storage::StoreException&) {
      // Their senders hear InternalFailure.
    }
  }
  for (auto& [id, timers] : waiters_) {
    for (auto* t : timers) {
      t->cancel();
    }
  }
}

void SqsService::Reset() {
  store_->Reset();
  move_tasks_.clear();
  attempts_.clear();
  for (auto& [id, timers] : waiters_) {
    for (auto* t : timers) {
      t->cancel();
    }
  }
}

void SqsService::Notify(int64_t queue_id) {
  auto it = waiters_.find(queue_id);
  if (it == waiters_.end()) {
    return;
  }
  for (auto* t : it->second) {
    t->cancel();
  }
}

std::string SqsService::UrlOf(const RequestContext& ctx, const Queue& q) const {
  return BuildQueueUrl(urls_, ctx.host, q.region, q.account, q.name);
}

Result<SharedQueue> SqsService::ResolveQueue(const RequestContext& ctx, const std::string& url) {
  auto ref = ParseQueueUrl(url);
  if (!ref) {
    return errors::QueueDoesNotExist();
  }
  auto q = store_->ResolveQueue(ref->account.empty() ? ctx.scope.account_id : ref->account,
                                ref->region.empty() ? ctx.scope.region : ref->region, ref->name);
  if (!q) {
    return errors::QueueDoesNotExist();
  }
  return q;
}

SharedQueue SqsService::QueueByArn(const std::string& arn) {
  auto ref = ParseQueueArn(arn);
  if (!ref) {
    return nullptr;
  }
  return store_->ResolveQueue(ref->account, ref->region, ref->name);
}

std::optional<AwsError> SqsService::CheckRedriveTarget(const RequestContext&, const Queue& q) {
  auto it = q.attributes.find("RedrivePolicy");
  if (it == q.attributes.end()) {
    return std::nullopt;
  }
  auto policy = ParseRedrivePolicy(it->second);
  auto target = policy ? QueueByArn(policy->dead_letter_target_arn) : nullptr;
  if (!target) {
    return errors::InvalidParameterValue("Value " + it->second +
                                         " for parameter RedrivePolicy is invalid. Reason: "
                                         "Dead-letter target does not exist.");
  }
  if (target->fifo != q.fifo) {
    return errors::InvalidParameterValue("Value " + it->second +
                                         " for parameter RedrivePolicy is invalid. Reason: "
                                         "Dead-letter queue type must match the source queue.");
  }
  // AWS: the dead-letter queue's RedriveAllowPolicy decides which sources may use it.
  if (auto allow = target->attributes.find("RedriveAllowPolicy");
      allow != target->attributes.end() && !allow->second.empty()) {
    rapidjson::Document d;
    d.Parse(allow->second.c_str());
    std::string permission = d.IsObject() && d.HasMember("redrivePermission") &&
                                     d["redrivePermission"].IsString()
                                 ? d["redrivePermission"].GetString()
                                 : "allowAll";
    bool allowed = permission == "allowAll";
    if (permission == "byQueue" && d.HasMember("sourceQueueArns") &&
        d["sourceQueueArns"].IsArray()) {
      for (const auto& arn : d["sourceQueueArns"].GetArray()) {
        allowed = allowed || (arn.IsString() && q.Arn() == arn.GetString());
      }
    }
    if (!allowed) {
      return errors::InvalidParameterValue(
          "Value " + it->second +
          " for parameter RedrivePolicy is invalid. Reason: Queue " + q.Arn() +
          " doesn't have permission to use " + target->Arn() + " as a dead-letter queue.");
    }
  }
  return std::nullopt;
}

// ---- Queues ----------------------------------------------------------------------------------

Result<Output> SqsService::CreateQueue(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("QueueName");
  AttributeMap given = StringMap(in.Value("Attributes"));
  AttributeMap tags = StringMap(in.Value("tags"));
  if (in.error()) {
    return *in.error();
  }
  bool fifo = given.contains("FifoQueue") && given["FifoQueue"] == "true";
  if (!ValidQueueName(name, fifo)) {
    return errors::InvalidParameterValue(
        fifo ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
               "underscores, must end with .fifo suffix and be 1 to 80 in length."
             : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in "
               "length");
  }
  const std::string& account = ctx.scope.account_id;
  const std::string& region = ctx.scope.region;
  if (auto existing = store_->FindQueue(account, region, name)) {
    // AWS: CreateQueue is idempotent when the given attributes match the queue's.
    AttributeMap merged = existing->attributes;
    if (auto err = ApplyAttributes(given, existing->fifo, true, merged)) {
      return *err;
    }
    for (const auto& [k, v] : given) {
      auto cur = existing->attributes.find(k);
      bool same = cur != existing->attributes.end() ? cur->second == merged[k]
                                                    : DefaultAttributes(fifo)[k] == merged[k];
      if (!same) {
        return errors::QueueNameExists(k);
      }
    }
    Out out;
    out.SetStr("QueueUrl", UrlOf(ctx, *existing));
    return out.Take();
  }
  if (auto deleted = store_->DeletedAtMs(account, region, name);
      deleted && NowMs() - *deleted < 60000) {
    return errors::QueueDeletedRecently();
  }
  Queue q;
  q.account = account;
  q.region = region;
  q.name = name;
  q.fifo = fifo;
  q.attributes = DefaultAttributes(fifo);
  if (auto err = ApplyAttributes(given, fifo, true, q.attributes)) {
    return *err;
  }
  if (auto err = CheckRedriveTarget(ctx, q)) {
    return *err;
  }
  if (tags.size() > 50) {
    return errors::InvalidParameterValue("Too many tags added for queue " + name + ".");
  }
  q.tags = std::move(tags);
  q.created_at = NowMs() / 1000;
  q.modified_at = q.created_at;
  store_->InsertQueue(q);
  Out out;
  out.SetStr("QueueUrl", UrlOf(ctx, q));
  return out.Take();
}

Result<Output> SqsService::GetQueueUrl(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("QueueName");
  std::string owner = in.String("QueueOwnerAWSAccountId", ctx.scope.account_id);
  auto q = store_->FindQueue(owner, ctx.scope.region, name);
  if (!q) {
    return errors::QueueDoesNotExist();
  }
  Out out;
  out.SetStr("QueueUrl", UrlOf(ctx, *q));
  return out.Take();
}

Result<Output> SqsService::ListQueues(RequestContext& ctx, ParamReader& in) {
  std::string prefix = in.String("QueueNamePrefix");
  auto max = in.OptInt("MaxResults");
  std::string token = in.String("NextToken");
  if (in.error()) {
    return *in.error();
  }
  if (max && (*max < 1 || *max > 1000)) {
    return errors::InvalidParameterValue("Value " + std::to_string(*max) +
                                         " for parameter MaxResults is invalid. Reason: "
                                         "MaxResults must be an integer between 1 and 1000.");
  }
  std::string after;
  if (!token.empty()) {
    auto decoded = Base64Decode(token);
    if (!decoded) {
      return errors::InvalidParameterValue("Invalid NextToken value.");
    }
    after = *decoded;
  }
  int64_t limit = max.value_or(1000);
  auto queues = store_->ListQueues(ctx.scope.account_id, ctx.scope.region, prefix, after, limit + 1);
  Out out;
  WriteQueueUrlPage(out, queues, limit, max.has_value(), "QueueUrls", false,
                    [&](const Queue& q) { return UrlOf(ctx, q); });
  return out.Take();
}

Result<Output> SqsService::DeleteQueue(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  const Queue& q = **resolved;
  store_->DeleteQueue(q, NowMs());
  Notify(q.id);
  return Empty();
}

Result<Output> SqsService::GetQueueAttributes(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  const Queue& q = **resolved;
  auto names = StringList(in.Value("AttributeNames"));
  static const std::set<std::string> kAll = {
      "All", "Policy", "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod",
      "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "CreatedTimestamp",
      "LastModifiedTimestamp", "QueueArn", "ApproximateNumberOfMessagesDelayed", "DelaySeconds",
      "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "FifoQueue", "ContentBasedDeduplication",
      "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "DeduplicationScope",
      "FifoThroughputLimit", "RedriveAllowPolicy", "SqsManagedSseEnabled"};
  bool all = false;
  std::set<std::string> wanted;
  for (const auto& n : names) {
    if (!kAll.contains(n)) {
      return errors::InvalidAttributeName(n);
    }
    all = all || n == "All";
    wanted.insert(n);
  }
  ExpireOld(q);
  AttributeMap attrs = q.attributes;
  auto counts = store_->CountMessages(q.id, NowMs());
  attrs["QueueArn"] = q.Arn();
  attrs["CreatedTimestamp"] = std::to_string(q.created_at);
  attrs["LastModifiedTimestamp"] = std::to_string(q.modified_at);
  attrs["ApproximateNumberOfMessages"] = std::to_string(counts.visible);
  attrs["ApproximateNumberOfMessagesNotVisible"] = std::to_string(counts.in_flight);
  attrs["ApproximateNumberOfMessagesDelayed"] = std::to_string(counts.delayed);
  Out out;
  Value map(rapidjson::kObjectType);
  for (const auto& [k, v] : attrs) {
    if (all || wanted.contains(k)) {
      map.AddMember(out.Str(k), out.Str(v), out.a());
    }
  }
  if (map.MemberCount() > 0) {
    out.Set("Attributes", std::move(map));
  }
  return out.Take();
}

Result<Output> SqsService::SetQueueAttributes(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  Queue q = **resolved;
  AttributeMap given = StringMap(in.Value("Attributes"));
  if (auto err = ApplyAttributes(given, q.fifo, false, q.attributes)) {
    return *err;
  }
  if (given.contains("RedrivePolicy")) {
    if (auto err = CheckRedriveTarget(ctx, q)) {
      return *err;
    }
  }
  q.modified_at = NowMs() / 1000;
  store_->UpdateQueue(q);
  return Empty();
}

Result<Output> SqsService::PurgeQueue(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  Queue q = **resolved;
  int64_t now = NowMs();
  if (q.last_purge_ms != 0 && now - q.last_purge_ms < 60000) {
    return errors::PurgeQueueInProgress(q.Arn());
  }
  store_->PurgeMessages(q.id);
  q.last_purge_ms = now;
  store_->UpdateQueue(q);
  return Empty();
}

Result<Output> SqsService::TagQueue(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  Queue q = **resolved;
  for (const auto& [k, v] : StringMap(in.Value("Tags"))) {
    q.tags[k] = v;
  }
  if (q.tags.size() > 50) {
    return errors::InvalidParameterValue("Too many tags added for queue " + q.name + ".");
  }
  store_->UpdateQueue(q);
  return Empty();
}

Result<Output> SqsService::UntagQueue(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  Queue q = **resolved;
  for (const auto& k : StringList(in.Value("TagKeys"))) {
    q.tags.erase(k);
  }
  store_->UpdateQueue(q);
  return Empty();
}

Result<Output> SqsService::ListQueueTags(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  const Queue& q = **resolved;
  Out out;
  if (!q.tags.empty()) {
    Value map(rapidjson::kObjectType);
    for (const auto& [k, v] : q.tags) {
      map.AddMember(out.Str(k), out.Str(v), out.a());
    }
    out.Set("Tags", std::move(map));
  }
  return out.Take();
}

Result<Output> SqsService::AddPermission(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  Queue q = **resolved;
  std::string label = in.String("Label");
  auto accounts = StringList(in.Value("AWSAccountIds"));
  auto actions = StringList(in.Value("Actions"));
  rapidjson::Document policy;
  auto it = q.attributes.find("Policy");
  policy.Parse(it != q.attributes.end() ? it->second.c_str() : "{}");
  if (!policy.IsObject()) {
    policy.SetObject();
  }
  auto& a = policy.GetAllocator();
  if (!policy.HasMember("Version")) {
    policy.AddMember("Version", "2012-10-17", a);
  }
  if (!policy.HasMember("Id")) {
    policy.AddMember("Id", Value((q.Arn() + "/SQSDefaultPolicy").c_str(), a), a);
  }
  if (!policy.HasMember("Statement") || !policy["Statement"].IsArray()) {
    policy.RemoveMember("Statement");
    policy.AddMember("Statement", Value(rapidjson::kArrayType), a);
  }
  for (const auto& s : policy["Statement"].GetArray()) {
    if (s.HasMember("Sid") && s["Sid"].IsString() && label == s["Sid"].GetString()) {
      return errors::InvalidParameterValue("Value " + label +
                                           " for parameter Label is invalid. Reason: Already "
                                           "exists.");
    }
  }
  Value st(rapidjson::kObjectType);
  st.AddMember("Sid", Value(label.c_str(), a), a);
  st.AddMember("Effect", "Allow", a);
  Value principals(rapidjson::kArrayType);
  for (const auto& acct : accounts) {
    principals.PushBack(Value(("arn:aws:iam::" + acct + ":root").c_str(), a), a);
  }
  Value principal(rapidjson::kObjectType);
  principal.AddMember("AWS", principals, a);
  st.AddMember("Principal", principal, a);
  Value acts(rapidjson::kArrayType);
  for (const auto& act : actions) {
    acts.PushBack(Value(("SQS:" + act).c_str(), a), a);
  }
  st.AddMember("Action", acts, a);
  st.AddMember("Resource", Value(q.Arn().c_str(), a), a);
  policy["Statement"].PushBack(st, a);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  policy.Accept(w);
  q.attributes["Policy"] = sb.GetString();
  store_->UpdateQueue(q);
  return Empty();
}

Result<Output> SqsService::RemovePermission(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  Queue q = **resolved;
  std::string label = in.String("Label");
  rapidjson::Document policy;
  auto it = q.attributes.find("Policy");
  policy.Parse(it != q.attributes.end() ? it->second.c_str() : "{}");
  bool removed = false;
  if (policy.IsObject() && policy.HasMember("Statement") && policy["Statement"].IsArray()) {
    auto& stmts = policy["Statement"];
    for (auto s = stmts.Begin(); s != stmts.End(); ++s) {
      if (s->HasMember("Sid") && (*s)["Sid"].IsString() && label == (*s)["Sid"].GetString()) {
        stmts.Erase(s);
        removed = true;
        break;
      }
    }
  }
  if (!removed) {
    return errors::InvalidParameterValue("Value " + label +
                                         " for parameter Label is invalid. Reason: can't find "
                                         "label on existing policy.");
  }
  if (policy["Statement"].Empty()) {
    q.attributes.erase("Policy");
  } else {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    policy.Accept(w);
    q.attributes["Policy"] = sb.GetString();
  }
  store_->UpdateQueue(q);
  return Empty();
}

// ---- Sending ---------------------------------------------------------------------------------

Result<SendResult> SqsService::SendOne(const RequestContext& ctx, const Queue& q,
                                       SendRequest& req) {
  if (req.body.empty()) {
    return errors::MissingParameter("MessageBody");
  }
  if (!ValidMessageChars(req.body)) {
    return errors::InvalidMessageContents();
  }
  size_t size = req.body.size() + AttributesSize(req.attributes);
  int64_t max_size = q.IntAttribute("MaximumMessageSize", 262144);
  if (static_cast<int64_t>(size) > max_size) {
    return errors::InvalidParameterValue(
        "One or more parameters are invalid. Reason: Message must be shorter than " +
        std::to_string(max_size) + " bytes.");
  }
  if (req.delay && (*req.delay < 0 || *req.delay > 900)) {
    return errors::InvalidParameterValue("Value " + std::to_string(*req.delay) +
                                         " for parameter DelaySeconds is invalid. Reason: "
                                         "DelaySeconds must be >= 0 and <= 900.");
  }
  if (q.fifo) {
    if (req.delay && *req.delay != 0) {
      return errors::InvalidParameterValue(
          "Value " + std::to_string(*req.delay) +
          " for parameter DelaySeconds is invalid. Reason: The request include parameter that "
          "is not valid for this queue type.");
    }
    if (req.group_id.empty()) {
      return errors::MissingParameter("MessageGroupId");
    }
    if (!ValidFifoId(req.group_id)) {
      return errors::InvalidParameterValue("Value " + req.group_id +
                                           " for parameter MessageGroupId is invalid. Reason: "
                                           "MessageGroupId can only include alphanumeric and "
                                           "punctuation characters. 1 to 128 in length.");
    }
    if (!req.dedup_id.empty() && !ValidFifoId(req.dedup_id)) {
      return errors::InvalidParameterValue(
          "Value " + req.dedup_id +
          " for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can "
          "only include alphanumeric and punctuation characters. 1 to 128 in length.");
    }
    if (req.dedup_id.empty()) {
      if (!q.BoolAttribute("ContentBasedDeduplication")) {
        return errors::InvalidParameterValue(
            "The queue should either have ContentBasedDeduplication enabled or "
            "MessageDeduplicationId provided explicitly");
      }
      req.dedup_id = Sha256Hex(req.body);
    }
  } else if (!req.dedup_id.empty()) {
    return errors::InvalidParameterValue(
        "The request include parameter MessageDeduplicationId that is not valid for this queue "
        "type");
  }

  SendResult result;
  result.md5_body = Md5Hex(req.body);
  result.md5_attributes = Md5OfAttributes(req.attributes);
  result.md5_system = Md5OfAttributes(req.system_attributes);
  int64_t now = NowMs();
  std::string scope;
  if (q.fifo) {
    scope = q.attributes.count("DeduplicationScope") &&
                    q.attributes.at("DeduplicationScope") == "messageGroup"
                ? req.group_id
                : "";
    if (auto dup = store_->FindDedup(q.id, scope, req.dedup_id, now)) {
      // AWS: a duplicate within the 5-minute window is accepted but not enqueued again.
      result.message_id = dup->message_id;
      result.sequence_number = dup->sequence_number;
      return result;
    }
  }
  Message m;
  m.queue_id = q.id;
  m.message_id = NewUuid();
  m.body = std::move(req.body);
  m.attributes = std::move(req.attributes);
  m.system_attributes = std::move(req.system_attributes);
  // AWS: SenderId is the account id for root credentials (IAM user ids arrive with IAM).
  m.sender_id = ctx.scope.account_id;
  m.sent_ms = now;
  m.visible_ms = now + 1000 * req.delay.value_or(q.IntAttribute("DelaySeconds", 0));
  if (q.fifo) {
    m.group_id = req.group_id;
    m.dedup_id = req.dedup_id;
    m.sequence_number = store_->NextSequenceNumber(q.id);
    store_->PutDedup(q.id, scope, m.dedup_id, {m.message_id, m.sequence_number},
                     now + kDedupWindowMs);
  }
  store_->InsertMessage(m, q.fifo);
  result.message_id = m.message_id;
  result.sequence_number = m.sequence_number;
  return result;
}

asio::awaitable<Result<Output>> SqsService::SendMessage(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    co_return resolved.error();
  }
  const Queue& q = **resolved;
  SendRequest req;
  req.body = in.String("MessageBody");
  req.delay = in.OptInt("DelaySeconds");
  req.group_id = in.String("MessageGroupId");
  req.dedup_id = in.String("MessageDeduplicationId");
  if (in.error()) {
    co_return *in.error();
  }
  auto attrs = ReadMessageAttributes(in.Value("MessageAttributes"), false);
  if (!attrs) {
    co_return attrs.error();
  }
  auto sys = ReadMessageAttributes(in.Value("MessageSystemAttributes"), true);
  if (!sys) {
    co_return sys.error();
  }
  req.attributes = std::move(*attrs);
  req.system_attributes = std::move(*sys);
  auto round = Sends().Join();
  Result<SendResult> r = SendResult{};
  try {
    r = SendOne(ctx, q, req);  // writes nothing unless it succeeds
  } catch (const storage::StoreException&) {
    Sends().Abort();
    throw;
  }
  if (!r) {
    co_return r.error();
  }
  if (!co_await Sends().Committed(round)) {
    co_return InternalFailure("The service failed to store the message.");
  }
  Notify(q.id);
  Out out;
  out.SetStr("MD5OfMessageBody", r->md5_body);
  if (!r->md5_attributes.empty()) {
    out.SetStr("MD5OfMessageAttributes", r->md5_attributes);
  }
  if (!r->md5_system.empty()) {
    out.SetStr("MD5OfMessageSystemAttributes", r->md5_system);
  }
  out.SetStr("MessageId", r->message_id);
  if (!r->sequence_number.empty()) {
    out.SetStr("SequenceNumber", r->sequence_number);
  }
  co_return out.Take();
}

asio::awaitable<Result<Output>> SqsService::SendMessageBatch(RequestContext& ctx,
                                                              ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    co_return resolved.error();
  }
  const Queue& q = **resolved;
  const Value* entries = in.Value("Entries");
  if (auto err = CheckBatch(entries)) {
    co_return *err;
  }
  size_t total = 0;
  for (const auto& e : entries->GetArray()) {
    total += EntryString(e, "MessageBody").size();
    if (auto a = e.FindMember("MessageAttributes"); a != e.MemberEnd()) {
      if (auto parsed = ReadMessageAttributes(&a->value, false)) {
        total += AttributesSize(*parsed);
      }
    }
  }
  size_t limit = std::max<size_t>(kBatchLimitBytes,
                                  static_cast<size_t>(q.IntAttribute("MaximumMessageSize", 0)));
  if (total > limit) {
    co_return errors::BatchRequestTooLong(total, limit);
  }
  Out out;
  Value ok(rapidjson::kArrayType);
  Value failed(rapidjson::kArrayType);
  auto round = Sends().Join();
  for (const auto& e : entries->GetArray()) {
    std::string id = EntryString(e, "Id");
    SendRequest req;
    req.body = EntryString(e, "MessageBody");
    if (auto d = e.FindMember("DelaySeconds"); d != e.MemberEnd() && d->value.IsInt64()) {
      req.delay = d->value.GetInt64();
    }
    req.group_id = EntryString(e, "MessageGroupId");
    req.dedup_id = EntryString(e, "MessageDeduplicationId");
    auto a = e.FindMember("MessageAttributes");
    auto attrs = ReadMessageAttributes(a != e.MemberEnd() ? &a->value : nullptr, false);
    auto s = e.FindMember("MessageSystemAttributes");
    auto sys = ReadMessageAttributes(s != e.MemberEnd() ? &s->value : nullptr, true);
    Result<SendResult> r = !attrs ? Result<SendResult>(attrs.error())
                           : !sys ? Result<SendResult>(sys.error())
                                  : Result<SendResult>(SendResult{});
    if (r) {
      req.attributes = std::move(*attrs);
      req.system_attributes = std::move(*sys);
      try {
        r = SendOne(ctx, q, req);  // writes nothing unless it succeeds
      } catch (const storage::StoreException&) {
        Sends().Abort();
        throw;
      }
    }
    if (!r) {
      AddFailure(out, failed, id, r.error());
      continue;
    }
    Value v(rapidjson::kObjectType);
    out.Set(v, "Id", out.Str(id));
    out.Set(v, "MessageId", out.Str(r->message_id));
    out.Set(v, "MD5OfMessageBody", out.Str(r->md5_body));
    if (!r->md5_attributes.empty()) {
      out.Set(v, "MD5OfMessageAttributes", out.Str(r->md5_attributes));
    }
    if (!r->md5_system.empty()) {
      out.Set(v, "MD5OfMessageSystemAttributes", out.Str(r->md5_system));
    }
    if (!r->sequence_number.empty()) {
      out.Set(v, "SequenceNumber", out.Str(r->sequence_number));
    }
    ok.PushBack(std::move(v), out.a());
  }
  if (!co_await Sends().Committed(round)) {
    co_return InternalFailure("The service failed to store the messages.");
  }
  Notify(q.id);
  out.Set("Successful", std::move(ok));
  out.Set("Failed", std::move(failed));
  co_return out.Take();
}

// ---- Receiving -------------------------------------------------------------------------------

void SqsService::ExpireOld(const Queue& q) {
  int64_t retention_ms = 1000 * q.IntAttribute("MessageRetentionPeriod", 345600);
  // AWS: messages older than the retention period are deleted. FIFO groups left without
  // messages are dropped by RecomputeGroup when a receive next visits them.
  store_->ExpireMessages(q.id, NowMs() - retention_ms);
}

bool SqsService::MoveToDeadLetterQueue(const Queue& q, const Message& m) {
  auto it = q.attributes.find("RedrivePolicy");
  if (it == q.attributes.end()) {
    return false;
  }
  auto policy = ParseRedrivePolicy(it->second);
  if (!policy || m.receive_count < policy->max_receive_count) {
    return false;
  }
  auto dlq = QueueByArn(policy->dead_letter_target_arn);
  if (!dlq) {
    return false;  // AWS: without a target the message stays where it is
  }
  Message moved = m;
  moved.queue_id = dlq->id;
  moved.visible_ms = NowMs();
  moved.receipt.clear();
  moved.dlq_source_arn = q.Arn();
  if (dlq->fifo) {
    moved.sequence_number = store_->NextSequenceNumber(dlq->id);
  }
  store_->DeleteMessage(q.id, m.seq);
  store_->InsertMessage(moved, dlq->fifo);
  Notify(dlq->id);
  return true;
}

std::optional<std::vector<Message>> SqsService::ReplayAttempt(const Queue& q,
                                                              const ReceiveRequest& req,
                                                              int64_t now) {
  if (req.attempt_id.empty()) {
    return std::nullopt;
  }
  auto it = attempts_.find({q.id, req.attempt_id});
  if (it == attempts_.end()) {
    return std::nullopt;
  }
  if (it->second.expires_ms <= now) {
    attempts_.erase(it);
    return std::nullopt;
  }
  std::vector<Message> out;
  for (const auto& [seq, receipt] : it->second.messages) {
    auto m = store_->FindMessage(q.id, seq);
    if (!m || m->receipt != receipt) {
      attempts_.erase(it);  // deleted or received again since: the attempt no longer replays
      return std::nullopt;
    }
    out.push_back(std::move(*m));
  }
  return out;
}

Result<Output> SqsService::ReceiveOnce(const RequestContext& /*ctx*/, const Queue& q,
                                       const ReceiveRequest& req) {
  storage::Database::Transaction tx(store_->db());
  ExpireOld(q);
  int64_t now = NowMs();
  std::vector<Message> taken;
  auto take = [&](Message m) {
    m.receive_count += 1;
    if (m.first_receive_ms == 0) {
      m.first_receive_ms = now;
    }
    m.visible_ms = now + 1000 * req.visibility_timeout;
    m.receipt = RandomHex(16);
    store_->MarkReceived(m);
    taken.push_back(std::move(m));
  };
  if (!q.fifo) {
    // Over-fetch a little so messages moved to the DLQ don't leave the answer short.
    for (auto& m : store_->VisibleMessages(q.id, now, req.max_messages * 2)) {
      if (static_cast<int64_t>(taken.size()) >= req.max_messages) {
        break;
      }
      if (MoveToDeadLetterQueue(q, m)) {
        continue;
      }
      take(std::move(m));
    }
  } else if (auto replay = ReplayAttempt(q, req, now)) {
    // AWS: a retried receive with the same ReceiveRequestAttemptId returns the same messages.
    taken = std::move(*replay);
  } else {
    // A head moved to the dead-letter queue frees its group: look again so the next message
    // of the group is delivered by this very receive.
    bool moved = true;
    for (int pass = 0; moved && pass < 4 && static_cast<int64_t>(taken.size()) < req.max_messages;
         ++pass) {
      moved = false;
      for (const auto& group : store_->ReadyGroups(q.id, now, req.max_messages)) {
        if (static_cast<int64_t>(taken.size()) >= req.max_messages) {
          break;
        }
        for (auto& m : store_->GroupHead(q.id, group, req.max_messages - taken.size())) {
          if (m.visible_ms > now) {
            break;  // in flight or delayed: the rest of the group waits behind it
          }
          if (MoveToDeadLetterQueue(q, m)) {
            moved = true;
            continue;
          }
          take(std::move(m));
        }
        store_->RecomputeGroup(q.id, group);
      }
    }
    if (!req.attempt_id.empty() && !taken.empty()) {
      ReceiveAttempt attempt;
      attempt.expires_ms = now + kDedupWindowMs;
      for (const auto& m : taken) {
        attempt.messages.emplace_back(m.seq, m.receipt);
      }
      if (attempts_.size() > 10000) {
        std::erase_if(attempts_, [now](const auto& kv) { return kv.second.expires_ms <= now; });
      }
      attempts_[{q.id, req.attempt_id}] = std::move(attempt);
    }
  }
  tx.Commit();

  Out out;
  if (taken.empty()) {
    return out.Take();
  }
  Value list(rapidjson::kArrayType);
  auto want = [&](const char* name) {
    return req.all_system || req.system_names.contains(name);
  };
  for (const auto& m : taken) {
    Value v(rapidjson::kObjectType);
    out.Set(v, "MessageId", out.Str(m.message_id));
    out.Set(v, "ReceiptHandle", out.Str(MakeHandle(q.id, m.seq, m.receipt)));
    out.Set(v, "MD5OfBody", out.Str(Md5Hex(m.body)));
    out.Set(v, "Body", out.Str(m.body));
    Value attrs(rapidjson::kObjectType);
    auto add = [&](const char* name, const std::string& value) {
      if (want(name) && !value.empty()) {
        attrs.AddMember(Value(name, out.a()), out.Str(value), out.a());
      }
    };
    add("SenderId", m.sender_id);
    add("SentTimestamp", std::to_string(m.sent_ms));
    add("ApproximateReceiveCount", std::to_string(m.receive_count));
    add("ApproximateFirstReceiveTimestamp", std::to_string(m.first_receive_ms));
    if (auto t = m.system_attributes.find("AWSTraceHeader"); t != m.system_attributes.end()) {
      add("AWSTraceHeader", t->second.string_value);
    }
    if (q.fifo) {
      add("MessageGroupId", m.group_id);
      add("MessageDeduplicationId", m.dedup_id);
      add("SequenceNumber", m.sequence_number);
    }
    add("DeadLetterQueueSourceArn", m.dlq_source_arn);
    if (attrs.MemberCount() > 0) {
      out.Set(v, "Attributes", std::move(attrs));
    }
    MessageAttributes selected;
    for (const auto& [name, a] : m.attributes) {
      if (MatchesAttributePattern(req.attribute_patterns, name)) {
        selected.emplace(name, a);
      }
    }
    if (!selected.empty()) {
      out.Set(v, "MD5OfMessageAttributes", out.Str(Md5OfAttributes(selected)));
      WriteMessageAttributes(out, v, "MessageAttributes", selected);
    }
    list.PushBack(std::move(v), out.a());
  }
  out.Set("Messages", std::move(list));
  return out.Take();
}

asio::awaitable<Result<Output>> SqsService::ReceiveMessage(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    co_return resolved.error();
  }
  const Queue& q = **resolved;
  ReceiveRequest req;
  req.max_messages = in.OptInt("MaxNumberOfMessages").value_or(1);
  auto vt = in.OptInt("VisibilityTimeout");
  auto wait = in.OptInt("WaitTimeSeconds");
  if (in.error()) {
    co_return *in.error();
  }
  if (req.max_messages < 1 || req.max_messages > 10) {
    co_return errors::InvalidParameterValue(
        "Value " + std::to_string(req.max_messages) +
        " for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if "
        "provided.");
  }
  if (vt && (*vt < 0 || *vt > 43200)) {
    co_return errors::InvalidParameterValue("Value " + std::to_string(*vt) +
                                            " for parameter VisibilityTimeout is invalid. Reason: "
                                            "Must be between 0 and 43200, if provided.");
  }
  if (wait && (*wait < 0 || *wait > 20)) {
    co_return errors::InvalidParameterValue("Value " + std::to_string(*wait) +
                                            " for parameter WaitTimeSeconds is invalid. Reason: "
                                            "Must be >= 0 and <= 20, if provided.");
  }
  req.visibility_timeout = vt.value_or(q.IntAttribute("VisibilityTimeout", 30));
  req.wait_seconds = wait.value_or(q.IntAttribute("ReceiveMessageWaitTimeSeconds", 0));
  for (const char* key : {"AttributeNames", "MessageSystemAttributeNames"}) {
    for (auto& n : StringList(in.Value(key))) {
      req.all_system = req.all_system || n == "All";
      req.system_names.insert(std::move(n));
    }
  }
  req.attribute_patterns = StringList(in.Value("MessageAttributeNames"));
  if (q.fifo) {
    req.attempt_id = in.String("ReceiveRequestAttemptId");
  }

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(req.wait_seconds);
  int64_t queue_id = q.id;
  SharedQueue current = *resolved;
  for (bool first = true;; first = false) {
    if (!first) {
      // The queue may have changed, or been deleted (and perhaps created anew), while we waited.
      current = store_->ResolveQueue(q.account, q.region, q.name);
      if (!current || current->id != queue_id) {
        co_return Empty();
      }
    }
    auto out = ReceiveOnce(ctx, *current, req);
    auto steady_now = std::chrono::steady_clock::now();
    if (!out || out->HasMember("Messages") || req.wait_seconds == 0 || stopping_ ||
        steady_now >= deadline) {
      co_return out;
    }
    // Wait for a send (Notify), the next message becoming visible, or the end of the wait.
    auto wake = deadline;
    int64_t now_ms = NowMs();
    if (auto next = store_->NextVisibleMs(queue_id, now_ms)) {
      wake = std::min(wake, steady_now + std::chrono::milliseconds(*next - now_ms));
    }
    asio::steady_timer timer(strand_);
    timer.expires_at(wake);
    auto& list = waiters_[queue_id];
    list.push_back(&timer);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    auto& after = waiters_[queue_id];
    after.erase(std::remove(after.begin(), after.end(), &timer), after.end());
    if (after.empty()) {
      waiters_.erase(queue_id);
    }
  }
}

// ---- Deleting and visibility -----------------------------------------------------------------

std::optional<AwsError> SqsService::DeleteByHandle(const Queue& q, const std::string& handle) {
  auto h = DecodeHandle(handle);
  if (!h || h->queue_id != q.id) {
    return errors::ReceiptHandleIsInvalid(handle);
  }
  auto m = store_->FindMessage(q.id, h->seq);
  // AWS: deleting an already-deleted message succeeds; an older receipt handle of a message
  // received again succeeds without deleting it.
  if (!m || m->receipt != h->nonce) {
    return std::nullopt;
  }
  store_->DeleteMessage(q.id, m->seq);
  if (q.fifo) {
    store_->RecomputeGroup(q.id, m->group_id);
    Notify(q.id);
  }
  return std::nullopt;
}

Result<Output> SqsService::DeleteMessage(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  const Queue& q = **resolved;
  storage::Database::Transaction tx(store_->db());
  if (auto err = DeleteByHandle(q, in.String("ReceiptHandle"))) {
    return *err;
  }
  tx.Commit();
  return Empty();
}

Result<Output> SqsService::DeleteMessageBatch(RequestContext& ctx, ParamReader& in) {
  return RunEntryBatch(ctx, in, [this](const Queue& q, const Value& e) {
    return DeleteByHandle(q, EntryString(e, "ReceiptHandle"));
  });
}

std::optional<AwsError> SqsService::ChangeVisibilityByHandle(const Queue& q,
                                                             const std::string& handle,
                                                             int64_t timeout) {
  if (timeout < 0 || timeout > 43200) {
    return errors::InvalidParameterValue("Value " + std::to_string(timeout) +
                                         " for parameter VisibilityTimeout is invalid. Reason: "
                                         "Must be between 0 and 43200.");
  }
  auto h = DecodeHandle(handle);
  if (!h || h->queue_id != q.id) {
    return errors::ReceiptHandleIsInvalid(handle);
  }
  auto m = store_->FindMessage(q.id, h->seq);
  if (!m || m->receipt != h->nonce) {
    return errors::ReceiptHandleIsInvalid(handle);
  }
  int64_t now = NowMs();
  if (m->visible_ms <= now) {
    return errors::MessageNotInflight();
  }
  if (now + 1000 * timeout - m->first_receive_ms > kMaxVisibilityMs) {
    return errors::InvalidParameterValue(
        "Value " + std::to_string(timeout) +
        " for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the "
        "message is beyond the limit [43200 seconds]");
  }
  store_->SetVisibleAt(q.id, m->seq, now + 1000 * timeout);
  if (q.fifo) {
    store_->RecomputeGroup(q.id, m->group_id);
  }
  if (timeout == 0 || q.fifo) {
    Notify(q.id);
  }
  return std::nullopt;
}

Result<Output> SqsService::ChangeMessageVisibility(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  const Queue& q = **resolved;
  std::string handle = in.String("ReceiptHandle");
  int64_t timeout = in.Int("VisibilityTimeout");
  if (in.error()) {
    return *in.error();
  }
  storage::Database::Transaction tx(store_->db());
  if (auto err = ChangeVisibilityByHandle(q, handle, timeout)) {
    return *err;
  }
  tx.Commit();
  return Empty();
}

Result<Output> SqsService::ChangeMessageVisibilityBatch(RequestContext& ctx, ParamReader& in) {
  return RunEntryBatch(ctx, in, [this](const Queue& q, const Value& e) {
    int64_t timeout = 0;
    if (auto t = e.FindMember("VisibilityTimeout"); t != e.MemberEnd() && t->value.IsInt64()) {
      timeout = t->value.GetInt64();
    }
    return ChangeVisibilityByHandle(q, EntryString(e, "ReceiptHandle"), timeout);
  });
}

Result<Output> SqsService::RunEntryBatch(
    RequestContext& ctx, ParamReader& in,
    const std::function<std::optional<AwsError>(const Queue&, const Value&)>& apply) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  const Queue& q = **resolved;
  const Value* entries = in.Value("Entries");
  if (auto err = CheckBatch(entries)) {
    return *err;
  }
  // AWS: each entry succeeds or fails on its own; the call itself answers 200.
  Out out;
  Value ok(rapidjson::kArrayType);
  Value failed(rapidjson::kArrayType);
  storage::Database::Transaction tx(store_->db());
  for (const auto& e : entries->GetArray()) {
    std::string id = EntryString(e, "Id");
    if (auto err = apply(q, e)) {
      AddFailure(out, failed, id, *err);
      continue;
    }
    Value v(rapidjson::kObjectType);
    out.Set(v, "Id", out.Str(id));
    ok.PushBack(std::move(v), out.a());
  }
  tx.Commit();
  out.Set("Successful", std::move(ok));
  out.Set("Failed", std::move(failed));
  return out.Take();
}

// ---- Dead-letter queues and message move tasks -----------------------------------------------

Result<Output> SqsService::ListDeadLetterSourceQueues(RequestContext& ctx, ParamReader& in) {
  auto resolved = ResolveQueue(ctx, in.String("QueueUrl"));
  if (!resolved) {
    return resolved.error();
  }
  const Queue& q = **resolved;
  auto max = in.OptInt("MaxResults");
  std::string token = in.String("NextToken");
  std::string after = token.empty() ? "" : Base64Decode(token).value_or("");
  std::string arn = q.Arn();
  std::vector<Queue> sources;
  for (auto& candidate : store_->ListQueues(q.account, q.region, "", after, 1000000)) {
    auto it = candidate.attributes.find("RedrivePolicy");
    if (it == candidate.attributes.end()) {
      continue;
    }
    auto policy = ParseRedrivePolicy(it->second);
    if (policy && policy->dead_letter_target_arn == arn) {
      sources.push_back(std::move(candidate));
    }
  }
  Out out;
  int64_t limit = max.value_or(1000);
  WriteQueueUrlPage(out, sources, limit, max.has_value(), "queueUrls", true,
                    [&](const Queue& q) { return UrlOf(ctx, q); });
  return out.Take();
}

void SqsService::RunMoveTask(std::shared_ptr<MoveTask> task) {
  // Moves in slices so a large DLQ doesn't hold the strand; each slice is one transaction.
  if (task->status != "RUNNING" || stopping_) {
    if (task->status == "CANCELLING") {
      task->status = "CANCELLED";
    }
    return;
  }
  auto source = QueueByArn(task->source_arn);
  if (!source) {
    task->status = "FAILED";
    return;
  }
  int64_t slice = task->max_per_second ? std::min<int64_t>(*task->max_per_second, 100) : 100;
  auto batch = store_->VisibleMessages(source->id, NowMs(), slice);
  if (batch.empty()) {
    task->status = "COMPLETED";
    return;
  }
  storage::Database::Transaction tx(store_->db());
  for (auto& m : batch) {
    std::string dest_arn = task->destination_arn.empty() ? m.dlq_source_arn : task->destination_arn;
    auto dest = QueueByArn(dest_arn);
    if (!dest) {
      task->status = "FAILED";
      tx.Commit();
      return;
    }
    store_->DeleteMessage(source->id, m.seq);
    Message moved = m;
    moved.queue_id = dest->id;
    moved.visible_ms = NowMs();
    moved.receive_count = 0;
    moved.first_receive_ms = 0;
    moved.receipt.clear();
    moved.dlq_source_arn.clear();
    if (dest->fifo) {
      moved.sequence_number = store_->NextSequenceNumber(dest->id);
      if (moved.group_id.empty()) {
        moved.group_id = "default";
      }
    }
    store_->InsertMessage(moved, dest->fifo);
    Notify(dest->id);
    ++task->moved;
  }
  tx.Commit();
  auto delay = task->max_per_second ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(0);
  auto timer = std::make_shared<asio::steady_timer>(strand_, delay);
  timer->async_wait([this, task, timer](const boost::system::error_code&) { RunMoveTask(task); });
}

Result<Output> SqsService::StartMessageMoveTask(RequestContext& ctx, ParamReader& in) {
  std::string source_arn = in.String("SourceArn");
  std::string dest_arn = in.String("DestinationArn");
  auto rate = in.OptInt("MaxNumberOfMessagesPerSecond");
  if (in.error()) {
    return *in.error();
  }
  auto source = QueueByArn(source_arn);
  if (!source) {
    return errors::ResourceNotFound("The resource that you specified for the SourceArn parameter "
                                    "doesn't exist.");
  }
  if (!dest_arn.empty() && !QueueByArn(dest_arn)) {
    return errors::ResourceNotFound("The resource that you specified for the DestinationArn "
                                    "parameter doesn't exist.");
  }
  if (rate && (*rate < 1 || *rate > 500)) {
    return errors::InvalidParameterValue("Value " + std::to_string(*rate) +
                                         " for parameter MaxNumberOfMessagesPerSecond is invalid.");
  }
  for (const auto& t : move_tasks_) {
    if (t->source_arn == source_arn && t->status == "RUNNING") {
      return errors::InvalidParameterValue("There is already a task running. Only one active "
                                           "task is allowed for a source queue arn at a given "
                                           "time.");
    }
  }
  auto task = std::make_shared<MoveTask>();
  task->handle = Base64Encode(NewUuid() + ":" + source_arn);
  task->account = ctx.scope.account_id;
  task->region = ctx.scope.region;
  task->source_arn = source_arn;
  task->destination_arn = dest_arn;
  task->max_per_second = rate;
  task->started_ms = NowMs();
  task->to_move = store_->CountMessages(source->id, NowMs()).visible;
  move_tasks_.push_back(task);
  asio::post(strand_, [this, task] { RunMoveTask(task); });
  Out out;
  out.SetStr("TaskHandle", task->handle);
  return out.Take();
}

Result<Output> SqsService::ListMessageMoveTasks(RequestContext&, ParamReader& in) {
  std::string source_arn = in.String("SourceArn");
  int64_t max = in.Int("MaxResults", 1);
  if (!QueueByArn(source_arn)) {
    return errors::ResourceNotFound("The resource that you specified for the SourceArn parameter "
                                    "doesn't exist.");
  }
  if (max < 1 || max > 10) {
    return errors::InvalidParameterValue("Value " + std::to_string(max) +
                                         " for parameter MaxResults is invalid.");
  }
  Out out;
  Value results(rapidjson::kArrayType);
  for (auto it = move_tasks_.rbegin(); it != move_tasks_.rend() && results.Size() < max; ++it) {
    const auto& t = **it;
    if (t.source_arn != source_arn) {
      continue;
    }
    Value v(rapidjson::kObjectType);
    if (t.status == "RUNNING") {
      out.Set(v, "TaskHandle", out.Str(t.handle));
    }
    out.Set(v, "Status", out.Str(t.status));
    out.Set(v, "SourceArn", out.Str(t.source_arn));
    if (!t.destination_arn.empty()) {
      out.Set(v, "DestinationArn", out.Str(t.destination_arn));
    }
    if (t.max_per_second) {
      out.Set(v, "MaxNumberOfMessagesPerSecond", Value(*t.max_per_second));
    }
    out.Set(v, "ApproximateNumberOfMessagesMoved", Value(t.moved));
    out.Set(v, "ApproximateNumberOfMessagesToMove", Value(t.to_move));
    out.Set(v, "StartedTimestamp", Value(t.started_ms));
    results.PushBack(std::move(v), out.a());
  }
  out.Set("Results", std::move(results));
  return out.Take();
}

Result<Output> SqsService::CancelMessageMoveTask(RequestContext&, ParamReader& in) {
  std::string handle = in.String("TaskHandle");
  for (auto& t : move_tasks_) {
    if (t->handle == handle) {
      if (t->status != "RUNNING") {
        return errors::UnsupportedOperation("Only active tasks can be cancelled.");
      }
      t->status = "CANCELLING";
      Out out;
      out.Set("ApproximateNumberOfMessagesMoved", Value(t->moved));
      return out.Take();
    }
  }
  return errors::ResourceNotFound("Task does not exist.");
}

}  // namespace nimbus::sqs
