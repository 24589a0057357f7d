// Subscriptions: Subscribe (with the HTTP handshake), ConfirmSubscription, Unsubscribe,
// listings and attributes.
#include <algorithm>
#include <set>

#include <rapidjson/document.h>

#include "services/common/ids.h"
#include "services/sns/sns_errors.h"
#include "services/sns/sns_service.h"
#include "services/sns/sns_util.h"

namespace nimbus::sns {
using rapidjson::Value;

namespace {

constexpr size_t kListPage = 100;

const std::set<std::string>& Protocols() {
  static const std::set<std::string> kProtocols = {"http",  "https", "email",
                                                   "email-json", "sms", "sqs",
                                                   "application", "lambda", "firehose"};
  return kProtocols;
}

const std::set<std::string>& SubscriptionAttributeNames() {
  static const std::set<std::string> kNames = {"DeliveryPolicy",     "FilterPolicy",
                                               "FilterPolicyScope",  "RawMessageDelivery",
                                               "RedrivePolicy",      "SubscriptionRoleArn",
                                               "ReplayPolicy"};
  return kNames;
}

bool IsE164(const std::string& s) {
  if (s.size() < 2 || s.size() > 16 || s[0] != '+' || s[1] == '0') {
    return false;
  }
  return std::all_of(s.begin() + 1, s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool EndsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

Value SubscriptionItem(Out& out, const Subscription& s) {
  Value item(rapidjson::kObjectType);
  // AWS: unconfirmed subscriptions are listed under the ARN "PendingConfirmation".
  out.Set(item, "SubscriptionArn", out.Str(s.pending ? "PendingConfirmation" : s.arn));
  out.Set(item, "Owner", out.Str(s.owner));
  out.Set(item, "Protocol", out.Str(s.protocol));
  out.Set(item, "Endpoint", out.Str(s.endpoint));
  out.Set(item, "TopicArn", out.Str(s.topic_arn));
  return item;
}

Result<Output> ListPage(const std::vector<const Subscription*>& subs, const std::string& token) {
  std::vector<int64_t> seqs;
  for (const auto* s : subs) {
    seqs.push_back(s->seq);
  }
  auto page = PageOf(seqs, token, kListPage);
  if (!page) {
    return errors::InvalidParameter("NextToken");
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    list.PushBack(SubscriptionItem(out, *subs[i]), out.a());
  }
  out.Set("Subscriptions", std::move(list));
  if (!page->next.empty()) {
    out.SetStr("NextToken", page->next);
  }
  return out.Take();
}

}  // namespace

std::optional<AwsError> SnsService::ValidateSubscriptionAttribute(const std::string& name,
                                                                  const std::string& value,
                                                                  const Subscription& s,
                                                                  bool subscribe_call,
                                                                  const AttributeMap& others) {
  std::string prefix =
      subscribe_call ? "Invalid parameter: Attributes Reason: " : "Invalid parameter: ";
  if (SubscriptionAttributeNames().count(name) == 0) {
    return errors::InvalidParameterRaw(prefix + "AttributeName");
  }
  if (name == "RawMessageDelivery") {
    std::string v = value;
    std::transform(v.begin(), v.end(), v.begin(), ::tolower);
    if (v != "true" && v != "false") {
      return errors::InvalidParameterRaw(prefix + "RawMessageDelivery: Invalid value [" + value +
                                         "]. Must be true or false.");
    }
    if (v == "true" && s.protocol != "sqs" && s.protocol != "http" && s.protocol != "https" &&
        s.protocol != "firehose") {
      return errors::InvalidParameterRaw(prefix + "Delivery protocol [" + s.protocol +
                                         "] does not support raw message delivery.");
    }
  } else if (name == "FilterPolicyScope") {
    if (value != "MessageAttributes" && value != "MessageBody") {
      return errors::InvalidParameterRaw(prefix + "FilterPolicyScope: Invalid value [" + value +
                                         "]. Please use either MessageBody or MessageAttributes");
    }
    auto policy = others.find("FilterPolicy");
    if (policy != others.end() && !policy->second.empty()) {
      auto scope =
          value == "MessageBody" ? FilterScope::kMessageBody : FilterScope::kMessageAttributes;
      if (auto p = FilterPolicy::Parse(policy->second, scope, subscribe_call); !p) {
        return p.error();
      }
    }
  } else if (name == "FilterPolicy") {
    if (!value.empty()) {
      auto scope_it = others.find("FilterPolicyScope");
      auto scope = scope_it != others.end() && scope_it->second == "MessageBody"
                       ? FilterScope::kMessageBody
                       : FilterScope::kMessageAttributes;
      if (auto p = FilterPolicy::Parse(value, scope, subscribe_call); !p) {
        return p.error();
      }
    }
  } else if (name == "RedrivePolicy") {
    if (!value.empty()) {
      rapidjson::Document d;
      d.Parse(value.c_str());
      if (d.HasParseError() || !d.IsObject()) {
        return errors::InvalidParameterRaw(prefix + "RedrivePolicy: failed to parse JSON.");
      }
      std::string dlq = d.HasMember("deadLetterTargetArn") && d["deadLetterTargetArn"].IsString()
                            ? d["deadLetterTargetArn"].GetString()
                            : "";
      auto arn = ParseArn(dlq);
      if (!arn) {
        return errors::InvalidParameterRaw(prefix +
                                           "RedrivePolicy: deadLetterTargetArn is an invalid arn");
      }
      if (EndsWith(s.topic_arn, ".fifo") && EndsWith(s.endpoint, ".fifo") &&
          (!EndsWith(arn->resource, ".fifo") || arn->service != "sqs")) {
        return errors::InvalidParameterRaw(
            prefix +
            "RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
      }
    }
  } else if (name == "DeliveryPolicy") {
    if (!value.empty()) {
      if (auto p = ParseSubscriptionDeliveryPolicy(value, prefix); !p) {
        return p.error();
      }
    }
  }
  return std::nullopt;
}

AttributeMap SnsService::SubscriptionAttributes(const Subscription& s) {
  AttributeMap out = s.attributes;
  out["SubscriptionArn"] = s.arn;
  out["TopicArn"] = s.topic_arn;
  out["Protocol"] = s.protocol;
  out["Endpoint"] = s.endpoint;
  out["Owner"] = s.owner;
  out["PendingConfirmation"] = s.pending ? "true" : "false";
  out["ConfirmationWasAuthenticated"] = s.confirmation_authenticated ? "true" : "false";
  out["SubscriptionPrincipal"] = "arn:aws:iam::" + s.owner + ":root";
  out.emplace("RawMessageDelivery", "false");
  auto filter = s.attributes.find("FilterPolicy");
  if (filter != s.attributes.end() && !filter->second.empty()) {
    out.emplace("FilterPolicyScope", "MessageAttributes");
  } else {
    out.erase("FilterPolicy");
    out.erase("FilterPolicyScope");
  }
  if (s.protocol == "http" || s.protocol == "https") {
    auto topic = St().topics.find(s.topic_arn);
    std::string topic_policy;
    if (topic != St().topics.end()) {
      auto it = topic->second.attributes.find("DeliveryPolicy");
      topic_policy = it == topic->second.attributes.end() ? "" : it->second;
    }
    auto sub_policy = s.attributes.find("DeliveryPolicy");
    out["EffectiveDeliveryPolicy"] = SubscriptionEffectiveDeliveryPolicyJson(EffectivePolicy(
        topic_policy, sub_policy == s.attributes.end() ? "" : sub_policy->second));
  }
  return out;
}

Result<Output> SnsService::Subscribe(RequestContext& ctx, ParamReader& in) {
  std::string topic_arn = in.String("TopicArn");
  std::string protocol = in.String("Protocol");
  std::string endpoint = in.String("Endpoint");
  AttributeMap attributes = ReadMap(in.Value("Attributes"));
  bool return_arn = in.Bool("ReturnSubscriptionArn");
  auto topic = FindTopic(ctx, topic_arn);
  if (!topic) {
    return topic.error();
  }
  Topic& t = **topic;
  if (Protocols().count(protocol) == 0) {
    return errors::InvalidParameter("Amazon SNS does not support this protocol string: " +
                                    protocol);
  }
  // AWS: a FIFO topic delivers to SQS queues only.
  if (t.fifo && protocol != "sqs") {
    return errors::InvalidParameter("Invalid protocol type: " + protocol);
  }
  if (endpoint.empty()) {
    return errors::InvalidParameter("Endpoint");
  }
  if ((protocol == "http" || protocol == "https") && !StartsWith(endpoint, protocol + "://")) {
    return errors::InvalidParameter("Endpoint must match the specified protocol");
  }
  auto endpoint_arn = ParseArn(endpoint);
  if (protocol == "sqs" && (!endpoint_arn || endpoint_arn->service != "sqs")) {
    return errors::InvalidParameter("SQS endpoint ARN");
  }
  if (protocol == "lambda" && (!endpoint_arn || endpoint_arn->service != "lambda")) {
    return errors::InvalidParameter("Lambda endpoint ARN");
  }
  if (protocol == "firehose" && (!endpoint_arn || endpoint_arn->service != "firehose")) {
    return errors::InvalidParameter("Firehose endpoint ARN");
  }
  if (protocol == "sms" && !IsE164(endpoint)) {
    return errors::InvalidParameterRaw("Invalid SMS endpoint: " + endpoint);
  }
  if ((protocol == "email" || protocol == "email-json") &&
      endpoint.find('@') == std::string::npos) {
    return errors::InvalidParameter("Email address");
  }
  if (protocol == "application" && St().endpoints.count(endpoint) == 0) {
    return errors::EndpointNotFound();
  }
  if (protocol == "sqs" && EndsWith(endpoint, ".fifo") && !t.fifo) {
    return errors::InvalidParameter(
        "Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
  }
  if (attributes.count("RawMessageDelivery") != 0) {
    std::string& v = attributes["RawMessageDelivery"];
    std::transform(v.begin(), v.end(), v.begin(), ::tolower);
  }
  Subscription probe;
  probe.topic_arn = topic_arn;
  probe.protocol = protocol;
  probe.endpoint = endpoint;
  for (const auto& [k, v] : attributes) {
    if (auto e = ValidateSubscriptionAttribute(k, v, probe, true, attributes)) {
      return *e;
    }
  }
  State& s = St();
  Out out;
  // AWS: subscribing the same endpoint again returns the existing subscription, unless the
  // attributes differ.
  for (const auto& arn : s.topic_subscriptions[topic_arn]) {
    auto& existing = s.subscriptions.at(arn);
    if (existing.protocol == protocol && existing.endpoint == endpoint) {
      for (const auto& [k, v] : attributes) {
        auto cur = existing.attributes.find(k);
        std::string current = cur == existing.attributes.end() ? "" : cur->second;
        if (current != v && !(k == "RawMessageDelivery" && v == "false" && current.empty())) {
          return errors::InvalidParameter(
              "Attributes Reason: Subscription already exists with different attributes");
        }
      }
      out.SetStr("SubscriptionArn",
                 existing.pending && !return_arn ? "pending confirmation" : existing.arn);
      return out.Take();
    }
  }
  Subscription sub;
  sub.arn = topic_arn + ":" + NewUuid();
  sub.topic_arn = topic_arn;
  sub.protocol = protocol;
  sub.endpoint = endpoint;
  sub.owner = ctx.scope.account_id;
  sub.account = t.account;
  sub.region = t.region;
  sub.attributes = attributes;
  sub.host = ctx.host;
  sub.seq = NextSeq();
  bool http = protocol == "http" || protocol == "https";
  bool needs_confirmation = (http && !config_.auto_confirm) || protocol == "email" ||
                            protocol == "email-json";
  sub.pending = needs_confirmation;
  sub.confirmation_authenticated = !needs_confirmation;
  if (needs_confirmation) {
    sub.token = RandomHex(256);
    s.tokens[sub.token] = sub.arn;
  }
  Persist(sub);
  std::string arn = sub.arn;
  s.subscriptions.emplace(arn, sub);
  s.topic_subscriptions[topic_arn].push_back(arn);
  RebuildTargets(topic_arn);
  if (needs_confirmation) {
    SendConfirmation(sub, "SubscriptionConfirmation");
  }
  out.SetStr("SubscriptionArn", needs_confirmation && !return_arn ? "pending confirmation" : arn);
  return out.Take();
}

Result<Output> SnsService::ConfirmSubscription(RequestContext& /*ctx*/, ParamReader& in) {
  // AWS: SubscribeURL is a plain unsigned GET, so the topic's account and region come from
  // its ARN, not from the request.
  std::string topic_arn = in.String("TopicArn");
  std::string token = in.String("Token");
  auto parts = ParseArn(topic_arn);
  if (!parts || parts->service != "sns") {
    return errors::InvalidParameter("Topic");
  }
  State& s = St();
  auto it = s.tokens.find(token);
  if (it == s.tokens.end()) {
    return errors::InvalidParameter("Token");
  }
  auto sub = s.subscriptions.find(it->second);
  if (sub == s.subscriptions.end()) {
    return errors::InvalidParameter("Token");
  }
  if (sub->second.topic_arn != topic_arn) {
    return errors::InvalidParameter("Topic");
  }
  if (sub->second.pending) {
    sub->second.pending = false;
    sub->second.confirmation_authenticated = in.String("AuthenticateOnUnsubscribe") == "true";
    Persist(sub->second);
    RebuildTargets(topic_arn);
  }
  Out out;
  out.SetStr("SubscriptionArn", sub->second.arn);
  return out.Take();
}

Result<Output> SnsService::Unsubscribe(RequestContext& /*ctx*/, ParamReader& in) {
  std::string arn = in.String("SubscriptionArn");
  auto parts = ParseArn(arn);
  if (!parts) {
    size_t count = static_cast<size_t>(std::count(arn.begin(), arn.end(), ':')) + 1;
    return errors::InvalidParameter("SubscriptionArn Reason: An ARN must have at least 6 "
                                    "elements, not " +
                                    std::to_string(count));
  }
  if (parts->service != "sns" || parts->resource.find(':') == std::string::npos) {
    return errors::InvalidParameter("SubscriptionId");
  }
  State& s = St();
  auto it = s.subscriptions.find(arn);
  if (it == s.subscriptions.end()) {
    return Empty();  // AWS: unsubscribing twice succeeds
  }
  if ((it->second.protocol == "http" || it->second.protocol == "https") && !it->second.pending) {
    SendConfirmation(it->second, "UnsubscribeConfirmation");
  }
  RemoveSubscription(arn);
  return Empty();
}

Result<Output> SnsService::ListSubscriptions(RequestContext& ctx, ParamReader& in) {
  std::vector<const Subscription*> subs;
  for (const auto& [arn, s] : St().subscriptions) {
    if (s.account == ctx.scope.account_id && s.region == ctx.scope.region) {
      subs.push_back(&s);
    }
  }
  std::sort(subs.begin(), subs.end(),
            [](const Subscription* a, const Subscription* b) { return a->seq < b->seq; });
  return ListPage(subs, in.String("NextToken"));
}

Result<Output> SnsService::ListSubscriptionsByTopic(RequestContext& ctx, ParamReader& in) {
  auto topic = FindTopic(ctx, in.String("TopicArn"));
  if (!topic) {
    return topic.error();
  }
  std::vector<const Subscription*> subs;
  for (const auto& arn : St().topic_subscriptions[(*topic)->arn]) {
    subs.push_back(&St().subscriptions.at(arn));
  }
  return ListPage(subs, in.String("NextToken"));
}

Result<Output> SnsService::GetSubscriptionAttributes(RequestContext& /*ctx*/, ParamReader& in) {
  std::string arn = in.String("SubscriptionArn");
  auto parts = ParseArn(arn);
  if (!parts || parts->service != "sns") {
    return errors::InvalidParameter("SubscriptionArn");
  }
  auto it = St().subscriptions.find(arn);
  if (it == St().subscriptions.end()) {
    return errors::SubscriptionNotFound();
  }
  Out out;
  out.Set("Attributes", out.Map(SubscriptionAttributes(it->second)));
  return out.Take();
}

Result<Output> SnsService::SetSubscriptionAttributes(RequestContext& /*ctx*/, ParamReader& in) {
  std::string arn = in.String("SubscriptionArn");
  auto parts = ParseArn(arn);
  if (!parts || parts->service != "sns") {
    return errors::InvalidParameter("SubscriptionArn");
  }
  auto it = St().subscriptions.find(arn);
  if (it == St().subscriptions.end()) {
    return errors::SubscriptionNotFound();
  }
  Subscription& sub = it->second;
  std::string name = in.String("AttributeName");
  std::string value = in.String("AttributeValue");
  if (auto e = ValidateSubscriptionAttribute(name, value, sub, false, sub.attributes)) {
    return *e;
  }
  if (name == "RawMessageDelivery") {
    std::transform(value.begin(), value.end(), value.begin(), ::tolower);
  }
  if (value.empty() && name != "RawMessageDelivery") {
    sub.attributes.erase(name);
  } else {
    sub.attributes[name] = value;
  }
  Persist(sub);
  RebuildTargets(sub.topic_arn);
  return Empty();
}

}  // namespace nimbus::sns
