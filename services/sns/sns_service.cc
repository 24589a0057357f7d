#include "services/sns/sns_service.h"

#include <cstdlib>

#include <rapidjson/document.h>

#include "services/sns/sns_errors.h"
#include "services/sns/sns_util.h"
#include "services/sns/topic_policy.h"
#include "storage/database.h"

namespace nimbus::sns {

SnsConfig SnsConfig::FromEnvironment() {
  SnsConfig c;
  for (const char* name : {"NIMBUS_HOST", "LOCALSTACK_HOST"}) {
    if (const char* h = std::getenv(name); h != nullptr && *h != '\0') {
      c.host = h;
      if (c.host.find(':') == std::string::npos) {
        c.host += ":4566";
      }
      break;
    }
  }
  if (const char* a = std::getenv("SNS_AUTO_CONFIRM"); a != nullptr) {
    std::string v(a);
    c.auto_confirm = v == "1" || v == "true" || v == "TRUE" || v == "True";
  }
  return c;
}

SnsService::SnsService(std::shared_ptr<SnsShared> shared)
    : shared_(shared ? std::move(shared) : std::make_shared<SnsShared>()),
      http_(std::make_unique<HttpClient>()) {}

SnsService::~SnsService() { http_->Stop(); }

void SnsService::Register(OperationTable& t) {
  t.Add("AddPermission", this, &SnsService::AddPermission);
  t.Add("CheckIfPhoneNumberIsOptedOut", this, &SnsService::CheckIfPhoneNumberIsOptedOut);
  t.Add("ConfirmSubscription", this, &SnsService::ConfirmSubscription);
  t.Add("CreatePlatformApplication", this, &SnsService::CreatePlatformApplication);
  t.Add("CreatePlatformEndpoint", this, &SnsService::CreatePlatformEndpoint);
  t.Add("CreateSMSSandboxPhoneNumber", this, &SnsService::CreateSMSSandboxPhoneNumber);
  t.Add("CreateTopic", this, &SnsService::CreateTopic);
  t.Add("DeleteEndpoint", this, &SnsService::DeleteEndpoint);
  t.Add("DeletePlatformApplication", this, &SnsService::DeletePlatformApplication);
  t.Add("DeleteSMSSandboxPhoneNumber", this, &SnsService::DeleteSMSSandboxPhoneNumber);
  t.Add("DeleteTopic", this, &SnsService::DeleteTopic);
  t.Add("GetDataProtectionPolicy", this, &SnsService::GetDataProtectionPolicy);
  t.Add("GetEndpointAttributes", this, &SnsService::GetEndpointAttributes);
  t.Add("GetPlatformApplicationAttributes", this, &SnsService::GetPlatformApplicationAttributes);
  t.Add("GetSMSAttributes", this, &SnsService::GetSMSAttributes);
  t.Add("GetSMSSandboxAccountStatus", this, &SnsService::GetSMSSandboxAccountStatus);
  t.Add("GetSubscriptionAttributes", this, &SnsService::GetSubscriptionAttributes);
  t.Add("GetTopicAttributes", this, &SnsService::GetTopicAttributes);
  t.Add("ListEndpointsByPlatformApplication", this,
        &SnsService::ListEndpointsByPlatformApplication);
  t.Add("ListOriginationNumbers", this, &SnsService::ListOriginationNumbers);
  t.Add("ListPhoneNumbersOptedOut", this, &SnsService::ListPhoneNumbersOptedOut);
  t.Add("ListPlatformApplications", this, &SnsService::ListPlatformApplications);
  t.Add("ListSMSSandboxPhoneNumbers", this, &SnsService::ListSMSSandboxPhoneNumbers);
  t.Add("ListSubscriptions", this, &SnsService::ListSubscriptions);
  t.Add("ListSubscriptionsByTopic", this, &SnsService::ListSubscriptionsByTopic);
  t.Add("ListTagsForResource", this, &SnsService::ListTagsForResource);
  t.Add("ListTopics", this, &SnsService::ListTopics);
  t.Add("OptInPhoneNumber", this, &SnsService::OptInPhoneNumber);
  t.Add("Publish", this, &SnsService::Publish);
  t.Add("PublishBatch", this, &SnsService::PublishBatch);
  t.Add("PutDataProtectionPolicy", this, &SnsService::PutDataProtectionPolicy);
  t.Add("RemovePermission", this, &SnsService::RemovePermission);
  t.Add("SetEndpointAttributes", this, &SnsService::SetEndpointAttributes);
  t.Add("SetPlatformApplicationAttributes", this, &SnsService::SetPlatformApplicationAttributes);
  t.Add("SetSMSAttributes", this, &SnsService::SetSMSAttributes);
  t.Add("SetSubscriptionAttributes", this, &SnsService::SetSubscriptionAttributes);
  t.Add("SetTopicAttributes", this, &SnsService::SetTopicAttributes);
  t.Add("Subscribe", this, &SnsService::Subscribe);
  t.Add("TagResource", this, &SnsService::TagResource);
  t.Add("Unsubscribe", this, &SnsService::Unsubscribe);
  t.Add("UntagResource", this, &SnsService::UntagResource);
  t.Add("VerifySMSSandboxPhoneNumber", this, &SnsService::VerifySMSSandboxPhoneNumber);
}

void SnsService::Start(const ServiceEnv& env) {
  config_ = SnsConfig::FromEnvironment();
  strand_ = env.strand;
  client_ = env.client;
  clock_ = env.clock;
  if (env.persistence && !env.data_dir.empty()) {
    shared_->keys.Configure(env.data_dir + "/sns");
  }
  auto open = env.open_database;
  store_.Init([open] { return std::make_unique<SnsStore>(open("sns")); });
}

void SnsService::Stop() {
  stopped_ = true;
  for (auto* t : retry_timers_) {
    t->cancel();
  }
  retry_timers_.clear();
  http_->Stop();
}

void SnsService::Reset() {
  Db().db().Reset();
  state_.reset();
  targets_.clear();
  dedup_.clear();
  fifo_sequence_.clear();
  next_send_.clear();
  for (auto* t : retry_timers_) {
    t->cancel();
  }
  retry_timers_.clear();
}

SnsService::State& SnsService::St() {
  if (state_) {
    return *state_;
  }
  state_.emplace();
  SnsSnapshot snap = Db().Load();
  State& s = *state_;
  s.seq = snap.max_seq;
  for (auto& t : snap.topics) {
    s.topic_subscriptions[t.arn];
    std::string arn = t.arn;
    s.topics.emplace(arn, std::move(t));
  }
  for (auto& sub : snap.subscriptions) {
    s.topic_subscriptions[sub.topic_arn].push_back(sub.arn);
    if (!sub.token.empty()) {
      s.tokens[sub.token] = sub.arn;
    }
    std::string arn = sub.arn;
    s.subscriptions.emplace(arn, std::move(sub));
  }
  for (auto& a : snap.applications) {
    std::string arn = a.arn;
    s.applications.emplace(arn, std::move(a));
  }
  for (auto& e : snap.endpoints) {
    std::string arn = e.arn;
    s.endpoints.emplace(arn, std::move(e));
  }
  s.sms = std::move(snap.sms);
  for (const auto& [arn, topic] : s.topics) {
    RebuildTargets(arn);
  }
  return s;
}

std::string SnsService::BaseUrl(const std::string& request_host) const {
  std::string host = !config_.host.empty() ? config_.host : request_host;
  if (host.empty()) {
    host = "localhost:4566";
  }
  return "http://" + host;
}

Result<Topic*> SnsService::FindTopic(const RequestContext& ctx, const std::string& arn) {
  auto parts = ParseArn(arn);
  if (!parts || parts->service != "sns" || parts->resource.find(':') != std::string::npos) {
    return errors::InvalidParameter("TopicArn");
  }
  auto& topics = St().topics;
  auto it = topics.find(arn);
  if (it == topics.end()) {
    return errors::TopicNotFound();
  }
  Topic& topic = it->second;
  const std::string& caller = ctx.scope.account_id;
  if (!ctx.internal && caller != topic.account) {
    auto policy = topic.attributes.find("Policy");
    std::string action = "SNS:" + (ctx.operation == "PublishBatch" ? std::string("Publish")
                                                                     : ctx.operation);
    // AWS: the default policy only lets the owner's account in.
    if (policy == topic.attributes.end() || !PolicyAllows(policy->second, caller, action)) {
      return errors::AuthorizationError("User: arn:aws:iam::" + caller +
                                        ":root is not authorized to perform: " + action +
                                        " on resource: " + arn);
    }
  }
  return &topic;
}

void SnsService::RemoveSubscription(const std::string& arn) {
  State& s = St();
  auto it = s.subscriptions.find(arn);
  if (it == s.subscriptions.end()) {
    return;
  }
  std::string topic_arn = it->second.topic_arn;
  if (!it->second.token.empty()) {
    s.tokens.erase(it->second.token);
  }
  s.subscriptions.erase(it);
  auto& list = s.topic_subscriptions[topic_arn];
  std::erase(list, arn);
  Db().DeleteSubscription(arn);
  auto topic = s.topics.find(topic_arn);
  if (topic != s.topics.end()) {
    ++topic->second.subscriptions_deleted;
    Persist(topic->second);
  }
  RebuildTargets(topic_arn);
}

std::shared_ptr<const Target> SnsService::MakeTarget(const Subscription& s,
                                                     const Topic& topic) const {
  auto t = std::make_shared<Target>();
  t->arn = s.arn;
  t->topic_arn = s.topic_arn;
  t->protocol = s.protocol;
  t->endpoint = s.endpoint;
  t->account = s.account;
  t->region = s.region;
  t->base_url = BaseUrl(s.host);
  t->fifo_topic = topic.fifo;
  auto get = [&s](const char* key) {
    auto it = s.attributes.find(key);
    return it == s.attributes.end() ? std::string() : it->second;
  };
  t->raw = get("RawMessageDelivery") == "true";
  t->scope = get("FilterPolicyScope") == "MessageBody" ? FilterScope::kMessageBody
                                                       : FilterScope::kMessageAttributes;
  std::string filter = get("FilterPolicy");
  if (!filter.empty()) {
    if (auto p = FilterPolicy::Parse(filter, t->scope, false)) {
      t->filter = *p;
    }
  }
  auto topic_policy = topic.attributes.find("DeliveryPolicy");
  t->http = EffectivePolicy(topic_policy == topic.attributes.end() ? "" : topic_policy->second,
                            get("DeliveryPolicy"));
  std::string redrive = get("RedrivePolicy");
  if (!redrive.empty()) {
    rapidjson::Document d;
    d.Parse(redrive.c_str());
    if (d.IsObject() && d.HasMember("deadLetterTargetArn") && d["deadLetterTargetArn"].IsString()) {
      t->dlq_arn = d["deadLetterTargetArn"].GetString();
    }
  }
  return t;
}

void SnsService::RebuildTargets(const std::string& topic_arn) {
  State& s = *state_;
  auto topic = s.topics.find(topic_arn);
  if (topic == s.topics.end()) {
    targets_.erase(topic_arn);
    return;
  }
  std::vector<std::shared_ptr<const Target>> list;
  for (const auto& arn : s.topic_subscriptions[topic_arn]) {
    auto it = s.subscriptions.find(arn);
    if (it != s.subscriptions.end() && !it->second.pending) {
      list.push_back(MakeTarget(it->second, topic->second));
    }
  }
  targets_[topic_arn] = std::move(list);
}

}  // namespace nimbus::sns
