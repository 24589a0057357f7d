#include "services/lambda/sqs_event.h"

#include "services/common/base64.h"

namespace nimbus::lambda {
namespace {

using rapidjson::Value;

std::string_view Text(const Value& v) {
  return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}

const Value* Member(const Value& o, const char* key) {
  if (!o.IsObject()) {
    return nullptr;
  }
  auto it = o.FindMember(key);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

std::string_view StrMember(const Value& o, const char* key) {
  const Value* v = Member(o, key);
  return v ? Text(*v) : std::string_view();
}

Value Str(std::string_view s, rapidjson::Document::AllocatorType& a) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// AWS: the system attributes an ESM record carries, in the order AWS writes them.
constexpr const char* kRecordAttributes[] = {
    "ApproximateReceiveCount", "AWSTraceHeader",    "SentTimestamp",
    "SequenceNumber",          "MessageGroupId",    "SenderId",
    "MessageDeduplicationId",  "ApproximateFirstReceiveTimestamp",
};

Value MessageAttributeRecord(const Value& attr, rapidjson::Document::AllocatorType& a) {
  Value out(rapidjson::kObjectType);
  if (const Value* s = Member(attr, "StringValue"); s != nullptr && s->IsString()) {
    out.AddMember("stringValue", Str(Text(*s), a), a);
  }
  if (const Value* b = Member(attr, "BinaryValue"); b != nullptr && b->IsString()) {
    out.AddMember("binaryValue", Str(Base64Encode(Text(*b)), a), a);
  }
  Value strings(rapidjson::kArrayType);
  if (const Value* list = Member(attr, "StringListValues"); list != nullptr && list->IsArray()) {
    for (const auto& s : list->GetArray()) {
      strings.PushBack(Str(Text(s), a), a);
    }
  }
  Value binaries(rapidjson::kArrayType);
  if (const Value* list = Member(attr, "BinaryListValues"); list != nullptr && list->IsArray()) {
    for (const auto& b : list->GetArray()) {
      binaries.PushBack(Str(Base64Encode(Text(b)), a), a);
    }
  }
  out.AddMember("stringListValues", std::move(strings), a);
  out.AddMember("binaryListValues", std::move(binaries), a);
  out.AddMember("dataType", Str(StrMember(attr, "DataType"), a), a);
  return out;
}

}  // namespace

Value SqsEventRecord(const Value& message, const std::string& queue_arn,
                     const std::string& region, rapidjson::Document::AllocatorType& a) {
  Value r(rapidjson::kObjectType);
  r.AddMember("messageId", Str(StrMember(message, "MessageId"), a), a);
  r.AddMember("receiptHandle", Str(StrMember(message, "ReceiptHandle"), a), a);
  r.AddMember("body", Str(StrMember(message, "Body"), a), a);
  Value attributes(rapidjson::kObjectType);
  if (const Value* attrs = Member(message, "Attributes"); attrs != nullptr && attrs->IsObject()) {
    for (const char* name : kRecordAttributes) {
      if (const Value* v = Member(*attrs, name); v != nullptr && v->IsString()) {
        attributes.AddMember(rapidjson::StringRef(name), Str(Text(*v), a), a);
      }
    }
  }
  r.AddMember("attributes", std::move(attributes), a);
  Value message_attributes(rapidjson::kObjectType);
  if (const Value* attrs = Member(message, "MessageAttributes");
      attrs != nullptr && attrs->IsObject()) {
    for (auto m = attrs->MemberBegin(); m != attrs->MemberEnd(); ++m) {
      message_attributes.AddMember(Str(Text(m->name), a), MessageAttributeRecord(m->value, a), a);
    }
  }
  r.AddMember("messageAttributes", std::move(message_attributes), a);
  r.AddMember("md5OfBody", Str(StrMember(message, "MD5OfBody"), a), a);
  if (auto md5 = StrMember(message, "MD5OfMessageAttributes"); !md5.empty()) {
    r.AddMember("md5OfMessageAttributes", Str(md5, a), a);
  }
  r.AddMember("eventSource", "aws:sqs", a);
  r.AddMember("eventSourceARN", Str(queue_arn, a), a);
  r.AddMember("awsRegion", Str(region, a), a);
  return r;
}

rapidjson::Document FilterView(const Value& record) {
  rapidjson::Document view;
  view.CopyFrom(record, view.GetAllocator());
  auto body = view.FindMember("body");
  if (body != view.MemberEnd() && body->value.IsString()) {
    rapidjson::Document parsed(&view.GetAllocator());
    parsed.Parse(body->value.GetString(), body->value.GetStringLength());
    if (!parsed.HasParseError()) {
      body->value = static_cast<Value&>(parsed);  // moves; same allocator
    }
  }
  return view;
}

BatchItemFailures ParseBatchItemFailures(std::string_view payload,
                                         const std::vector<std::string>& message_ids) {
  BatchItemFailures out;
  size_t start = payload.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return out;  // empty response: success
  }
  rapidjson::Document d;
  d.Parse(payload.data(), payload.size());
  if (d.HasParseError()) {
    out.whole_batch = true;
    return out;
  }
  if (d.IsNull()) {
    return out;
  }
  if (!d.IsObject()) {
    out.whole_batch = true;
    return out;
  }
  const Value* failures = Member(d, "batchItemFailures");
  if (failures == nullptr || failures->IsNull()) {
    return out;
  }
  if (!failures->IsArray()) {
    out.whole_batch = true;
    return out;
  }
  std::set<std::string_view> known(message_ids.begin(), message_ids.end());
  for (const auto& item : failures->GetArray()) {
    const Value* id = Member(item, "itemIdentifier");
    if (id == nullptr || !id->IsString() || id->GetStringLength() == 0 ||
        !known.contains(Text(*id))) {
      out.whole_batch = true;
      out.failed.clear();
      return out;
    }
    out.failed.emplace(Text(*id));
  }
  return out;
}

}  // namespace nimbus::lambda
