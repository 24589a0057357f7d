#include "services/sqs/queue_attributes.h"

#include <cctype>
#include <cstdlib>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/sqs/sqs_errors.h"

namespace nimbus::sqs {
namespace {

struct IntRange {
  const char* name;
  int64_t min;
  int64_t max;
};

// AWS: ranges of the numeric queue attributes.
constexpr IntRange kRanges[] = {
    {"DelaySeconds", 0, 900},
    {"MaximumMessageSize", 1024, 1048576},
    {"MessageRetentionPeriod", 60, 1209600},
    {"ReceiveMessageWaitTimeSeconds", 0, 20},
    {"VisibilityTimeout", 0, 43200},
    {"KmsDataKeyReusePeriodSeconds", 60, 86400},
};

const std::set<std::string>& ReadOnly() {
  static const std::set<std::string> k = {
      "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
      "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
      "QueueArn"};
  return k;
}

std::optional<int64_t> ParseInt(const std::string& v) {
  if (v.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (*end != '\0') {
    return std::nullopt;
  }
  return n;
}

bool IsBool(const std::string& v) { return v == "true" || v == "false"; }

// RedrivePolicy: {"deadLetterTargetArn": "...", "maxReceiveCount": n}; clients send the count as
// a number or a string. Stored normalized with the count as a number.
std::optional<std::string> NormalizeRedrivePolicy(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    return std::nullopt;
  }
  auto arn = d.FindMember("deadLetterTargetArn");
  auto count = d.FindMember("maxReceiveCount");
  if (arn == d.MemberEnd() || !arn->value.IsString() || count == d.MemberEnd()) {
    return std::nullopt;
  }
  int64_t n = 0;
  if (count->value.IsInt64()) {
    n = count->value.GetInt64();
  } else if (count->value.IsString()) {
    auto parsed = ParseInt(count->value.GetString());
    if (!parsed) {
      return std::nullopt;
    }
    n = *parsed;
  } else {
    return std::nullopt;
  }
  if (n < 1 || n > 1000) {
    return std::nullopt;
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("deadLetterTargetArn");
  w.String(arn->value.GetString());
  w.Key("maxReceiveCount");
  w.Int64(n);
  w.EndObject();
  return std::string(sb.GetString());
}

bool ValidRedriveAllowPolicy(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    return false;
  }
  auto perm = d.FindMember("redrivePermission");
  if (perm == d.MemberEnd() || !perm->value.IsString()) {
    return false;
  }
  std::string p = perm->value.GetString();
  auto arns = d.FindMember("sourceQueueArns");
  if (p == "byQueue") {
    return arns != d.MemberEnd() && arns->value.IsArray() && arns->value.Size() >= 1 &&
           arns->value.Size() <= 10;
  }
  return (p == "allowAll" || p == "denyAll") && arns == d.MemberEnd();
}

bool IsJsonObject(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  return !d.HasParseError() && d.IsObject();
}

}  // namespace

int64_t Queue::IntAttribute(std::string_view attr, int64_t fallback) const {
  auto it = attributes.find(attr);
  if (it == attributes.end()) {
    return fallback;
  }
  return ParseInt(it->second).value_or(fallback);
}

bool Queue::BoolAttribute(std::string_view attr) const {
  auto it = attributes.find(attr);
  return it != attributes.end() && it->second == "true";
}

AttributeMap DefaultAttributes(bool fifo) {
  // AWS: defaults of a new queue. MaximumMessageSize keeps the long-standing 256 KiB default;
  // up to 1 MiB may be set.
  AttributeMap a = {
      {"DelaySeconds", "0"},
      {"MaximumMessageSize", "262144"},
      {"MessageRetentionPeriod", "345600"},
      {"ReceiveMessageWaitTimeSeconds", "0"},
      {"VisibilityTimeout", "30"},
      {"SqsManagedSseEnabled", "true"},
  };
  if (fifo) {
    a["FifoQueue"] = "true";
    a["ContentBasedDeduplication"] = "false";
    a["DeduplicationScope"] = "queue";
    a["FifoThroughputLimit"] = "perQueue";
  }
  return a;
}

std::optional<AwsError> ApplyAttributes(const AttributeMap& given, bool fifo, bool creating,
                                        AttributeMap& current) {
  static const std::set<std::string> kFifoOnly = {"ContentBasedDeduplication",
                                                  "DeduplicationScope", "FifoThroughputLimit"};
  static const std::set<std::string> kKnown = {
      "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
      "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "Policy", "RedrivePolicy",
      "RedriveAllowPolicy", "FifoQueue", "ContentBasedDeduplication", "KmsMasterKeyId",
      "KmsDataKeyReusePeriodSeconds", "DeduplicationScope", "FifoThroughputLimit",
      "SqsManagedSseEnabled"};
  AttributeMap next = current;
  for (const auto& [name, value] : given) {
    if (ReadOnly().contains(name) || !kKnown.contains(name)) {
      return errors::InvalidAttributeName(name);
    }
    if (kFifoOnly.contains(name) && !fifo) {
      return errors::InvalidAttributeName(name);
    }
    bool ranged = false;
    for (const auto& r : kRanges) {
      if (name == r.name) {
        ranged = true;
        auto n = ParseInt(value);
        if (!n || *n < r.min || *n > r.max) {
          return errors::InvalidAttributeValue(name);
        }
        next[name] = std::to_string(*n);
      }
    }
    if (ranged) {
      continue;
    }
    if (name == "FifoQueue") {
      // AWS: FifoQueue is fixed at creation and must match the name's .fifo suffix.
      if (!creating || !IsBool(value) || (value == "true") != fifo) {
        return errors::InvalidAttributeValue(name);
      }
      if (fifo) {
        next[name] = value;
      }
    } else if (name == "ContentBasedDeduplication" || name == "SqsManagedSseEnabled") {
      if (!IsBool(value)) {
        return errors::InvalidAttributeValue(name);
      }
      next[name] = value;
    } else if (name == "DeduplicationScope") {
      if (value != "queue" && value != "messageGroup") {
        return errors::InvalidAttributeValue(name);
      }
      next[name] = value;
    } else if (name == "FifoThroughputLimit") {
      if (value != "perQueue" && value != "perMessageGroupId") {
        return errors::InvalidAttributeValue(name);
      }
      next[name] = value;
    } else if (name == "RedrivePolicy") {
      if (value.empty()) {
        next.erase(name);
        continue;
      }
      auto normalized = NormalizeRedrivePolicy(value);
      if (!normalized) {
        // AWS: a malformed redrive policy is a parameter error, not an attribute error.
        return errors::InvalidParameterValue("Value " + value +
                                             " for parameter RedrivePolicy is invalid. Reason: "
                                             "Redrive policy is not a valid JSON map with "
                                             "deadLetterTargetArn and maxReceiveCount (1-1000).");
      }
      next[name] = *normalized;
    } else if (name == "RedriveAllowPolicy") {
      if (!value.empty() && !ValidRedriveAllowPolicy(value)) {
        return errors::InvalidParameterValue("Value " + value +
                                             " for parameter RedriveAllowPolicy is invalid.");
      }
      next[name] = value;
    } else if (name == "Policy") {
      if (value.empty()) {
        next.erase(name);
        continue;
      }
      if (!IsJsonObject(value)) {
        return errors::InvalidAttributeValue(name, "Invalid policy document");
      }
      next[name] = value;
    } else {  // KmsMasterKeyId: accepted and echoed
      next[name] = value;
    }
  }
  current = std::move(next);
  return std::nullopt;
}

std::optional<RedrivePolicy> ParseRedrivePolicy(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    return std::nullopt;
  }
  auto arn = d.FindMember("deadLetterTargetArn");
  auto count = d.FindMember("maxReceiveCount");
  if (arn == d.MemberEnd() || !arn->value.IsString() || count == d.MemberEnd() ||
      !count->value.IsInt()) {
    return std::nullopt;
  }
  return RedrivePolicy{arn->value.GetString(), count->value.GetInt()};
}

bool ValidQueueName(const std::string& name, bool fifo) {
  std::string base = name;
  if (fifo) {
    if (name.size() < 5 || name.compare(name.size() - 5, 5, ".fifo") != 0) {
      return false;
    }
    base = name.substr(0, name.size() - 5);
  }
  if (base.empty() || name.size() > 80) {
    return false;
  }
  for (char c : base) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace nimbus::sqs
