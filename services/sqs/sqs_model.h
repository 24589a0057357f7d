#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace nimbus::sqs {

// Queue attributes as AWS names them, values as strings (the wire form). Transparent, so a
// lookup by a literal name builds no std::string.
using AttributeMap = std::map<std::string, std::string, std::less<>>;

struct Queue {
  int64_t id = 0;
  std::string account;
  std::string region;
  std::string name;
  bool fifo = false;
  AttributeMap attributes;  // settable attributes only, defaults filled in
  AttributeMap tags;
  int64_t created_at = 0;   // epoch seconds
  int64_t modified_at = 0;  // epoch seconds
  int64_t last_purge_ms = 0;

  std::string Arn() const { return "arn:aws:sqs:" + region + ":" + account + ":" + name; }
  int64_t IntAttribute(std::string_view name, int64_t fallback) const;
  bool BoolAttribute(std::string_view name) const;
};

struct MessageAttribute {
  std::string data_type;
  std::string string_value;
  std::string binary_value;  // raw bytes
  bool IsBinary() const { return data_type.rfind("Binary", 0) == 0; }
};
using MessageAttributes = std::map<std::string, MessageAttribute>;

struct Message {
  int64_t seq = 0;  // enqueue order within the store
  int64_t queue_id = 0;
  std::string message_id;
  std::string body;
  MessageAttributes attributes;
  MessageAttributes system_attributes;  // AWSTraceHeader
  std::string sender_id;
  int64_t sent_ms = 0;
  int64_t visible_ms = 0;
  int64_t first_receive_ms = 0;
  int receive_count = 0;
  std::string receipt;  // nonce of the latest receive; part of the receipt handle
  std::string group_id;
  std::string dedup_id;
  std::string sequence_number;
  std::string dlq_source_arn;
};

// A redrive policy as parsed from the RedrivePolicy attribute.
struct RedrivePolicy {
  std::string dead_letter_target_arn;
  int max_receive_count = 0;
};

}  // namespace nimbus::sqs
