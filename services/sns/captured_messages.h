#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "services/sns/signing_keys.h"

namespace nimbus::sns {

// A message for an endpoint that nothing leaves the machine for (SMS, email, mobile push),
// kept so tests can see what would have been sent.
struct CapturedMessage {
  std::string kind;    // "sms", "email", "email-json", "application"
  std::string target;  // phone number, email address or platform endpoint ARN
  std::string account;
  std::string region;
  std::string message_id;
  std::string topic_arn;        // empty for direct publishes
  std::string subscription_arn; // empty for direct publishes
  std::string message;
  std::string subject;
  std::string timestamp;
  std::map<std::string, std::string> attributes;  // name → value (binary as base64)
};

// The captured messages, newest last, at most kMax of them (the oldest are dropped). Written on
// the SNS strand, read and cleared by the edge (GET/DELETE /_aws/sns/<kind>-messages, as
// LocalStack serves them): thread-safe.
class CapturedMessages {
 public:
  static constexpr size_t kMax = 10000;

  void Add(CapturedMessage m);
  // {"<key>": {"<target>": [ {...}, ... ]}, "region": ..} for one kind group, filtered by
  // target/account/region when those are non-empty.
  std::string Json(const std::string& group, const std::string& target,
                   const std::string& account, const std::string& region) const;
  void Clear(const std::string& group, const std::string& target, const std::string& account,
             const std::string& region);

 private:
  mutable std::mutex mu_;
  std::deque<CapturedMessage> items_;
};

// What SnsService shares with its data plane on the edge port.
struct SnsShared {
  SigningKeys keys;
  CapturedMessages captured;
};

}  // namespace nimbus::sns
