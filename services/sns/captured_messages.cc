#include "services/sns/captured_messages.h"

#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nimbus::sns {
namespace {

// The kinds of a group, and the JSON key LocalStack answers under.
bool InGroup(const std::string& group, const std::string& kind) {
  if (group == "sms") {
    return kind == "sms";
  }
  if (group == "platform-endpoint") {
    return kind == "application";
  }
  if (group == "email") {
    return kind == "email" || kind == "email-json";
  }
  return false;
}

std::string KeyOf(const std::string& group) {
  if (group == "platform-endpoint") {
    return "platform_endpoint_messages";
  }
  return group + "_messages";
}

bool Selected(const CapturedMessage& m, const std::string& group, const std::string& target,
              const std::string& account, const std::string& region) {
  return InGroup(group, m.kind) && (target.empty() || m.target == target) &&
         (account.empty() || m.account == account) && (region.empty() || m.region == region);
}

}  // namespace

void CapturedMessages::Add(CapturedMessage m) {
  std::lock_guard lock(mu_);
  items_.push_back(std::move(m));
  while (items_.size() > kMax) {
    items_.pop_front();
  }
}

std::string CapturedMessages::Json(const std::string& group, const std::string& target,
                                   const std::string& account, const std::string& region) const {
  std::map<std::string, std::vector<CapturedMessage>> by_target;
  {
    std::lock_guard lock(mu_);
    for (const auto& m : items_) {
      if (Selected(m, group, target, account, region)) {
        by_target[m.target].push_back(m);
      }
    }
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto str = [&w](const std::string& s) {
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("region");
  str(region.empty() ? "us-east-1" : region);
  w.Key(KeyOf(group).c_str());
  w.StartObject();
  for (const auto& [t, list] : by_target) {
    w.Key(t.c_str(), static_cast<rapidjson::SizeType>(t.size()));
    w.StartArray();
    for (const auto& m : list) {
      w.StartObject();
      w.Key(group == "sms" ? "PhoneNumber" : group == "email" ? "Endpoint" : "TargetArn");
      str(m.target);
      w.Key("Protocol");
      str(m.kind);
      w.Key("MessageId");
      str(m.message_id);
      w.Key("Message");
      str(m.message);
      if (!m.subject.empty()) {
        w.Key("Subject");
        str(m.subject);
      }
      if (!m.topic_arn.empty()) {
        w.Key("TopicArn");
        str(m.topic_arn);
        w.Key("SubscriptionArn");
        str(m.subscription_arn);
      }
      w.Key("Timestamp");
      str(m.timestamp);
      w.Key("AccountId");
      str(m.account);
      w.Key("Region");
      str(m.region);
      w.Key("MessageAttributes");
      w.StartObject();
      for (const auto& [k, v] : m.attributes) {
        w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
        str(v);
      }
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

void CapturedMessages::Clear(const std::string& group, const std::string& target,
                             const std::string& account, const std::string& region) {
  std::lock_guard lock(mu_);
  std::erase_if(items_, [&](const CapturedMessage& m) {
    return Selected(m, group, target, account, region);
  });
}

}  // namespace nimbus::sns
