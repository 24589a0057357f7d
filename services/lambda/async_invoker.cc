#include "services/lambda/async_invoker.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nimbus::lambda {
namespace {

using rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr size_t kMaxDeadLetterErrorBytes = 1024;

void WritePayload(Writer& w, const std::string& payload) {
  rapidjson::Document d;
  d.Parse(payload.data(), payload.size());
  if (!payload.empty() && !d.HasParseError()) {
    d.Accept(w);
    return;
  }
  if (payload.empty()) {
    w.Null();
    return;
  }
  w.String(payload.data(), static_cast<rapidjson::SizeType>(payload.size()));
}

void Str(Writer& w, const char* key, std::string_view v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

}  // namespace

std::string_view ConditionName(AsyncCondition c) {
  switch (c) {
    case AsyncCondition::kSuccess:
      return "Success";
    case AsyncCondition::kRetriesExhausted:
      return "RetriesExhausted";
    case AsyncCondition::kEventAgeExceeded:
      return "EventAgeExceeded";
  }
  return "";
}

RetryDecision AfterFailure(const RetryPolicy& policy, int attempts, int64_t age_ms) {
  RetryDecision d;
  int retries_done = attempts - 1;
  if (retries_done >= policy.maximum_retry_attempts) {
    d.condition = AsyncCondition::kRetriesExhausted;
    return d;
  }
  auto delay = policy.retry_base * (int64_t{1} << std::min(retries_done, 20));
  if (age_ms + delay.count() > policy.maximum_event_age_ms) {
    d.condition = AsyncCondition::kEventAgeExceeded;
    return d;
  }
  d.retry = true;
  d.delay = delay;
  return d;
}

bool EventTooOld(const RetryPolicy& policy, int64_t age_ms) {
  return age_ms > policy.maximum_event_age_ms;
}

std::string IsoTimestamp(int64_t epoch_ms) {
  time_t secs = static_cast<time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(epoch_ms % 1000));
  return buf;
}

std::string DestinationRecord(const DestinationInput& in) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "version", "1.0");
  Str(w, "timestamp", IsoTimestamp(in.timestamp_ms));
  w.Key("requestContext");
  w.StartObject();
  Str(w, "requestId", in.request_id);
  Str(w, "functionArn", in.function_arn);
  Str(w, "condition", ConditionName(in.condition));
  w.Key("approximateInvokeCount");
  w.Int(in.approximate_invoke_count);
  w.EndObject();
  w.Key("requestPayload");
  WritePayload(w, in.request_payload);
  if (in.invoked) {
    w.Key("responseContext");
    w.StartObject();
    w.Key("statusCode");
    w.Int(in.status_code);
    Str(w, "executedVersion", in.executed_version);
    if (!in.function_error.empty()) {
      Str(w, "functionError", in.function_error);
    }
    w.EndObject();
    w.Key("responsePayload");
    WritePayload(w, in.response_payload);
  }
  w.EndObject();
  return sb.GetString();
}

Value DeadLetterAttributes(const std::string& request_id, int error_code,
                           const std::string& error_message,
                           rapidjson::Document::AllocatorType& a) {
  auto attr = [&](const char* type, std::string_view value) {
    Value v(rapidjson::kObjectType);
    v.AddMember("DataType", Value(type, a), a);
    v.AddMember("StringValue",
                Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), a), a);
    return v;
  };
  std::string message = error_message.substr(0, kMaxDeadLetterErrorBytes);
  Value out(rapidjson::kObjectType);
  out.AddMember("RequestID", attr("String", request_id), a);
  out.AddMember("ErrorCode", attr("Number", std::to_string(error_code)), a);
  out.AddMember("ErrorMessage", attr("String", message.empty() ? "Unhandled" : message), a);
  return out;
}

std::string ErrorMessageOf(const std::string& response_payload) {
  rapidjson::Document d;
  d.Parse(response_payload.data(), response_payload.size());
  if (!d.HasParseError() && d.IsObject()) {
    auto it = d.FindMember("errorMessage");
    if (it != d.MemberEnd() && it->value.IsString()) {
      return std::string(it->value.GetString(), it->value.GetStringLength());
    }
  }
  return response_payload;
}

std::string ArnService(std::string_view arn) {
  // arn:<partition>:<service>:...
  if (arn.rfind("arn:", 0) != 0) {
    return {};
  }
  auto p = arn.find(':', 4);
  if (p == std::string_view::npos) {
    return {};
  }
  auto s = arn.find(':', p + 1);
  if (s == std::string_view::npos) {
    return {};
  }
  return std::string(arn.substr(p + 1, s - p - 1));
}

}  // namespace nimbus::lambda
