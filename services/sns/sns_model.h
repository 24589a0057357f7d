#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nimbus::sns {

// One message attribute as Publish takes it. `value` holds StringValue, or the raw bytes of
// BinaryValue when the type starts with "Binary".
struct MessageAttribute {
  std::string data_type;
  std::string value;
  bool IsBinary() const { return data_type.rfind("Binary", 0) == 0; }
};
using MessageAttributes = std::map<std::string, MessageAttribute>;

using Tags = std::vector<std::pair<std::string, std::string>>;  // in insertion order
using AttributeMap = std::map<std::string, std::string>;

struct Topic {
  std::string arn;
  std::string name;
  std::string account;
  std::string region;
  bool fifo = false;
  AttributeMap attributes;  // as set by the user (Policy, DisplayName, DeliveryPolicy, ...)
  Tags tags;
  std::string data_protection_policy;
  int64_t seq = 0;  // creation order, for listing
  int64_t subscriptions_deleted = 0;
};

struct Subscription {
  std::string arn;
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  std::string owner;
  std::string account;  // of the topic
  std::string region;
  AttributeMap attributes;  // user-settable ones (FilterPolicy, RawMessageDelivery, ...)
  bool pending = false;
  bool confirmation_authenticated = false;
  std::string token;  // confirmation token (http/https)
  std::string host;   // host[:port] handed-out URLs use (the Subscribe request's)
  int64_t seq = 0;
};

struct PlatformApplication {
  std::string arn;
  std::string name;
  std::string platform;
  std::string account;
  std::string region;
  AttributeMap attributes;
  int64_t seq = 0;
};

struct PlatformEndpoint {
  std::string arn;
  std::string application_arn;
  std::string account;
  std::string region;
  AttributeMap attributes;  // Token, Enabled, CustomUserData
  int64_t seq = 0;
};

// SMS settings and phone-number lists of one account and region.
struct SmsState {
  AttributeMap attributes;                          // SetSMSAttributes
  std::map<std::string, std::string> sandbox;       // phone number → Pending|Verified
  std::vector<std::string> opted_out;               // phone numbers, sorted
};

}  // namespace nimbus::sns
