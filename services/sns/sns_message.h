#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "services/sns/sns_model.h"

namespace nimbus::sns {

// A message published to a topic, shared by all of its deliveries. Used on the SNS strand.
struct Notification {
  std::string message_id;
  std::string topic_arn;
  std::string subject;
  bool has_subject = false;
  std::string message;                              // the default text
  std::map<std::string, std::string> per_protocol;  // MessageStructure=json: protocol → text
  MessageAttributes attributes;
  std::string timestamp;  // ISO 8601 with milliseconds
  std::string group_id;   // FIFO topics
  std::string dedup_id;
  std::string sequence_number;
  int signature_version = 1;
  // Signatures already computed, by message text's protocol key ("" = default).
  std::map<std::string, std::string> signatures;

  // The text a subscriber of `protocol` receives (AWS: MessageStructure=json picks the
  // protocol's key, falling back to "default").
  const std::string& MessageFor(const std::string& protocol) const;
  // The key of that text in per_protocol ("" for the default).
  std::string KeyFor(const std::string& protocol) const;
};

// SubscriptionConfirmation / UnsubscribeConfirmation.
struct Confirmation {
  std::string type;
  std::string message_id;
  std::string token;
  std::string topic_arn;
  std::string message;
  std::string subscribe_url;
  std::string timestamp;
  int signature_version = 1;
};

// AWS's canonical strings to sign: "<Key>\n<value>\n" for each present key, in the fixed
// (alphabetical) order of the message type.
std::string StringToSign(const Notification& n, const std::string& message);
std::string StringToSign(const Confirmation& c);

// The JSON documents HTTP subscribers (and SQS queues, non-raw) receive, laid out as AWS
// sends them.
std::string NotificationJson(const Notification& n, const std::string& message,
                             const std::string& signature, const std::string& cert_url,
                             const std::string& unsubscribe_url);
std::string ConfirmationJson(const Confirmation& c, const std::string& signature,
                             const std::string& cert_url);

// The Lambda event for one delivery: {"Records":[{"EventSource":"aws:sns",...,"Sns":{...}}]}.
std::string LambdaEventJson(const Notification& n, const std::string& message,
                            const std::string& signature, const std::string& cert_url,
                            const std::string& unsubscribe_url,
                            const std::string& subscription_arn);

}  // namespace nimbus::sns
