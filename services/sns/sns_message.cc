#include "services/sns/sns_message.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/base64.h"
#include "services/sns/sns_util.h"

namespace nimbus::sns {
namespace {

void Field(std::string& out, const char* key, const std::string& value, bool last = false) {
  out.append("  \"").append(key).append("\" : ").append(JsonQuote(value));
  out.append(last ? "\n" : ",\n");
}

void AttributesField(std::string& out, const MessageAttributes& attributes) {
  out.append("  \"MessageAttributes\" : {");
  bool first = true;
  for (const auto& [name, attr] : attributes) {
    out.append(first ? "\n" : ",\n");
    first = false;
    // AWS: the attribute's type is reported without its custom suffix only for Binary.
    std::string value = attr.IsBinary() ? Base64Encode(attr.value) : attr.value;
    out.append("    ")
        .append(JsonQuote(name))
        .append(" : {\"Type\":")
        .append(JsonQuote(attr.data_type))
        .append(",\"Value\":")
        .append(JsonQuote(value))
        .append("}");
  }
  out.append("\n  }\n");
}

void Pair(std::string& out, const char* key, const std::string& value) {
  out.append(key).append("\n").append(value).append("\n");
}

}  // namespace

const std::string& Notification::MessageFor(const std::string& protocol) const {
  auto it = per_protocol.find(protocol);
  return it == per_protocol.end() ? message : it->second;
}

std::string Notification::KeyFor(const std::string& protocol) const {
  return per_protocol.count(protocol) != 0 ? protocol : std::string();
}

std::string StringToSign(const Notification& n, const std::string& message) {
  std::string out;
  Pair(out, "Message", message);
  Pair(out, "MessageId", n.message_id);
  if (n.has_subject) {
    Pair(out, "Subject", n.subject);
  }
  Pair(out, "Timestamp", n.timestamp);
  Pair(out, "TopicArn", n.topic_arn);
  Pair(out, "Type", "Notification");
  return out;
}

std::string StringToSign(const Confirmation& c) {
  std::string out;
  Pair(out, "Message", c.message);
  Pair(out, "MessageId", c.message_id);
  Pair(out, "SubscribeURL", c.subscribe_url);
  Pair(out, "Timestamp", c.timestamp);
  Pair(out, "Token", c.token);
  Pair(out, "TopicArn", c.topic_arn);
  Pair(out, "Type", c.type);
  return out;
}

std::string NotificationJson(const Notification& n, const std::string& message,
                             const std::string& signature, const std::string& cert_url,
                             const std::string& unsubscribe_url) {
  std::string out = "{\n";
  Field(out, "Type", "Notification");
  Field(out, "MessageId", n.message_id);
  if (!n.sequence_number.empty()) {
    Field(out, "SequenceNumber", n.sequence_number);
  }
  Field(out, "TopicArn", n.topic_arn);
  if (n.has_subject) {
    Field(out, "Subject", n.subject);
  }
  Field(out, "Message", message);
  Field(out, "Timestamp", n.timestamp);
  Field(out, "SignatureVersion", std::to_string(n.signature_version));
  Field(out, "Signature", signature);
  Field(out, "SigningCertURL", cert_url);
  Field(out, "UnsubscribeURL", unsubscribe_url, n.attributes.empty());
  if (!n.attributes.empty()) {
    AttributesField(out, n.attributes);
  }
  out.append("}");
  return out;
}

std::string ConfirmationJson(const Confirmation& c, const std::string& signature,
                             const std::string& cert_url) {
  std::string out = "{\n";
  Field(out, "Type", c.type);
  Field(out, "MessageId", c.message_id);
  Field(out, "Token", c.token);
  Field(out, "TopicArn", c.topic_arn);
  Field(out, "Message", c.message);
  Field(out, "SubscribeURL", c.subscribe_url);
  Field(out, "Timestamp", c.timestamp);
  Field(out, "SignatureVersion", std::to_string(c.signature_version));
  Field(out, "Signature", signature);
  Field(out, "SigningCertURL", cert_url, true);
  out.append("}");
  return out;
}

std::string LambdaEventJson(const Notification& n, const std::string& message,
                            const std::string& signature, const std::string& cert_url,
                            const std::string& unsubscribe_url,
                            const std::string& subscription_arn) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto str = [&w](const std::string& s) {
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("Records");
  w.StartArray();
  w.StartObject();
  w.Key("EventSource");
  w.String("aws:sns");
  w.Key("EventVersion");
  w.String("1.0");
  w.Key("EventSubscriptionArn");
  str(subscription_arn);
  w.Key("Sns");
  w.StartObject();
  w.Key("Type");
  w.String("Notification");
  w.Key("MessageId");
  str(n.message_id);
  w.Key("TopicArn");
  str(n.topic_arn);
  w.Key("Subject");
  // AWS: Subject is null in the Lambda event when the publisher gave none.
  if (n.has_subject) {
    str(n.subject);
  } else {
    w.Null();
  }
  w.Key("Message");
  str(message);
  w.Key("Timestamp");
  str(n.timestamp);
  w.Key("SignatureVersion");
  str(std::to_string(n.signature_version));
  w.Key("Signature");
  str(signature);
  // AWS: "...Url" here, "...URL" in HTTP and SQS bodies.
  w.Key("SigningCertUrl");
  str(cert_url);
  w.Key("UnsubscribeUrl");
  str(unsubscribe_url);
  w.Key("MessageAttributes");
  w.StartObject();
  for (const auto& [name, attr] : n.attributes) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartObject();
    w.Key("Type");
    str(attr.data_type);
    w.Key("Value");
    str(attr.IsBinary() ? Base64Encode(attr.value) : attr.value);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace nimbus::sns
