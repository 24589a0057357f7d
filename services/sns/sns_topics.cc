// Topics: CreateTopic, DeleteTopic, ListTopics, attributes, permissions, tags and data
// protection policies.
#include <algorithm>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/sns/sns_errors.h"
#include "services/sns/sns_service.h"
#include "services/sns/sns_util.h"

namespace nimbus::sns {
using rapidjson::Value;

namespace {

constexpr size_t kListPage = 100;
constexpr size_t kMaxTags = 50;

const std::set<std::string>& TopicAttributeNames() {
  static const std::set<std::string> kNames = {
      "DeliveryPolicy",
      "DisplayName",
      "Policy",
      "SignatureVersion",
      "TracingConfig",
      "KmsMasterKeyId",
      "FifoTopic",
      "ContentBasedDeduplication",
      "ArchivePolicy",
      "FifoThroughputScope",
      "ApplicationSuccessFeedbackRoleArn",
      "ApplicationSuccessFeedbackSampleRate",
      "ApplicationFailureFeedbackRoleArn",
      "HTTPSuccessFeedbackRoleArn",
      "HTTPSuccessFeedbackSampleRate",
      "HTTPFailureFeedbackRoleArn",
      "LambdaSuccessFeedbackRoleArn",
      "LambdaSuccessFeedbackSampleRate",
      "LambdaFailureFeedbackRoleArn",
      "FirehoseSuccessFeedbackRoleArn",
      "FirehoseSuccessFeedbackSampleRate",
      "FirehoseFailureFeedbackRoleArn",
      "SQSSuccessFeedbackRoleArn",
      "SQSSuccessFeedbackSampleRate",
      "SQSFailureFeedbackRoleArn",
  };
  return kNames;
}

bool ValidTopicName(const std::string& name, bool fifo) {
  std::string base = name;
  if (fifo) {
    if (base.size() < 5 || base.compare(base.size() - 5, 5, ".fifo") != 0) {
      return false;
    }
    base.resize(base.size() - 5);
  }
  if (name.empty() || name.size() > 256 || base.empty()) {
    return false;
  }
  return std::all_of(base.begin(), base.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

std::string DefaultPolicy(const Topic& t) {
  return "{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":[{\"Sid\":"
         "\"__default_statement_ID\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
         "\"Action\":[\"SNS:GetTopicAttributes\",\"SNS:SetTopicAttributes\","
         "\"SNS:AddPermission\",\"SNS:RemovePermission\",\"SNS:DeleteTopic\","
         "\"SNS:Subscribe\",\"SNS:ListSubscriptionsByTopic\",\"SNS:Publish\"],\"Resource\":\"" +
         t.arn + "\",\"Condition\":{\"StringEquals\":{\"AWS:SourceOwner\":\"" + t.account +
         "\"}}}]}";
}

std::string Compact(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

Result<Tags> ReadTags(const Value* list) {
  Tags out;
  if (list == nullptr || !list->IsArray()) {
    return out;
  }
  std::set<std::string> seen;
  for (const auto& t : list->GetArray()) {
    if (!t.IsObject() || !t.HasMember("Key") || !t["Key"].IsString()) {
      return errors::InvalidParameter("Tags");
    }
    std::string key = t["Key"].GetString();
    std::string value = t.HasMember("Value") && t["Value"].IsString() ? t["Value"].GetString() : "";
    if (key.empty() || key.size() > 128) {
      return errors::InvalidParameter("Tags Reason: Tag keys must be between 1 and 128 characters");
    }
    if (value.size() > 256) {
      return errors::InvalidParameter(
          "Tags Reason: Tag values must be between 0 and 256 characters");
    }
    if (!seen.insert(key).second) {
      return errors::InvalidParameter("Duplicated keys are not allowed.");
    }
    out.emplace_back(key, value);
  }
  return out;
}

void MergeTags(Tags& into, const Tags& add) {
  for (const auto& [k, v] : add) {
    auto it = std::find_if(into.begin(), into.end(), [&](const auto& p) { return p.first == k; });
    if (it == into.end()) {
      into.emplace_back(k, v);
    } else {
      it->second = v;
    }
  }
}

}  // namespace

std::optional<AwsError> SnsService::ValidateTopicAttribute(const std::string& name,
                                                           const std::string& value, bool fifo,
                                                           bool create,
                                                           const std::string& prefix) {
  if (TopicAttributeNames().count(name) == 0 || (!create && name == "FifoTopic")) {
    return errors::InvalidParameterRaw(prefix + "AttributeName");
  }
  if (name == "DeliveryPolicy" && !value.empty()) {
    if (auto p = ParseTopicDeliveryPolicy(value, prefix); !p) {
      return p.error();
    }
  }
  if (name == "Policy" && !value.empty()) {
    rapidjson::Document d;
    d.Parse(value.c_str());
    if (d.HasParseError() || !d.IsObject()) {
      return errors::InvalidParameterRaw(prefix + "Policy: failed to parse JSON.");
    }
  }
  if (name == "SignatureVersion" && value != "1" && value != "2") {
    return errors::InvalidParameterRaw(prefix + "SignatureVersion");
  }
  if (name == "ContentBasedDeduplication") {
    if (value != "true" && value != "false") {
      return errors::InvalidParameterRaw(prefix + "ContentBasedDeduplication");
    }
    if (!fifo && value == "true") {
      return errors::InvalidParameterRaw(
          prefix + "ContentBasedDeduplication Reason: Content based deduplication can only be "
                   "set for FIFO topics");
    }
  }
  if (name == "TracingConfig" && value != "Active" && value != "PassThrough") {
    return errors::InvalidParameterRaw(prefix + "TracingConfig");
  }
  if (name == "DisplayName" && value.size() > 100) {
    return errors::InvalidParameterRaw(prefix + "DisplayName");
  }
  return std::nullopt;
}

AttributeMap SnsService::TopicAttributes(const Topic& t) {
  AttributeMap out = t.attributes;
  out.erase("FifoTopic");
  int64_t confirmed = 0;
  int64_t pending = 0;
  for (const auto& arn : St().topic_subscriptions[t.arn]) {
    auto it = St().subscriptions.find(arn);
    if (it != St().subscriptions.end()) {
      (it->second.pending ? pending : confirmed)++;
    }
  }
  out["TopicArn"] = t.arn;
  out["Owner"] = t.account;
  if (out.count("Policy") == 0) {
    out["Policy"] = DefaultPolicy(t);
  }
  out.emplace("DisplayName", "");
  out["SubscriptionsConfirmed"] = std::to_string(confirmed);
  out["SubscriptionsPending"] = std::to_string(pending);
  out["SubscriptionsDeleted"] = std::to_string(t.subscriptions_deleted);
  auto delivery = t.attributes.find("DeliveryPolicy");
  out["EffectiveDeliveryPolicy"] = TopicEffectiveDeliveryPolicyJson(
      delivery == t.attributes.end() ? "" : delivery->second);
  out.emplace("SignatureVersion", "1");
  if (t.fifo) {
    out["FifoTopic"] = "true";
    out.emplace("ContentBasedDeduplication", "false");
  }
  return out;
}

Result<Output> SnsService::CreateTopic(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("Name");
  AttributeMap attributes = ReadMap(in.Value("Attributes"));
  auto tags = ReadTags(in.Value("Tags"));
  if (!tags) {
    return tags.error();
  }
  auto fifo_attr = attributes.find("FifoTopic");
  bool fifo = fifo_attr != attributes.end() && fifo_attr->second == "true";
  if (fifo_attr != attributes.end() && fifo_attr->second != "true" &&
      fifo_attr->second != "false") {
    return errors::InvalidParameter("Attributes Reason: FifoTopic");
  }
  if (!ValidTopicName(name, fifo)) {
    if (fifo) {
      return errors::InvalidParameter(
          "Fifo Topic names must end with .fifo and must be made up of only uppercase and "
          "lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 "
          "and 256 characters long.");
    }
    return errors::InvalidParameter("Topic Name");
  }
  for (const auto& [k, v] : attributes) {
    if (auto e = ValidateTopicAttribute(k, v, fifo, true, "Invalid parameter: Attributes Reason: ")) {
      return *e;
    }
  }
  if (tags->size() > kMaxTags) {
    return errors::TagLimitExceeded();
  }
  std::string arn = "arn:aws:sns:" + ctx.scope.region + ":" + ctx.scope.account_id + ":" + name;
  State& s = St();
  Out out;
  auto existing = s.topics.find(arn);
  if (existing != s.topics.end()) {
    // AWS: CreateTopic is idempotent unless the attributes or tags differ.
    for (const auto& [k, v] : attributes) {
      auto cur = existing->second.attributes.find(k);
      if (k != "FifoTopic" && (cur == existing->second.attributes.end() || cur->second != v)) {
        return errors::InvalidParameter(
            "Attributes Reason: Topic already exists with different attributes");
      }
    }
    for (const auto& [k, v] : *tags) {
      auto cur = std::find_if(existing->second.tags.begin(), existing->second.tags.end(),
                              [&](const auto& p) { return p.first == k; });
      if (cur == existing->second.tags.end() || cur->second != v) {
        return errors::InvalidParameter("Tags Reason: Topic already exists with different tags");
      }
    }
    out.SetStr("TopicArn", arn);
    return out.Take();
  }
  Topic t;
  t.arn = arn;
  t.name = name;
  t.account = ctx.scope.account_id;
  t.region = ctx.scope.region;
  t.fifo = fifo;
  t.attributes = attributes;
  t.attributes.erase("FifoTopic");
  t.tags = *tags;
  t.data_protection_policy = in.String("DataProtectionPolicy");
  t.seq = NextSeq();
  Persist(t);
  s.topics.emplace(arn, std::move(t));
  s.topic_subscriptions[arn];
  RebuildTargets(arn);
  out.SetStr("TopicArn", arn);
  return out.Take();
}

Result<Output> SnsService::DeleteTopic(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("TopicArn");
  auto topic = FindTopic(ctx, arn);
  if (!topic) {
    // AWS: deleting a topic that does not exist succeeds.
    if (topic.error().code == "NotFound") {
      return Empty();
    }
    return topic.error();
  }
  State& s = St();
  auto subs = s.topic_subscriptions[arn];
  for (const auto& sub : subs) {
    RemoveSubscription(sub);
  }
  s.topic_subscriptions.erase(arn);
  s.topics.erase(arn);
  targets_.erase(arn);
  dedup_.erase(arn);
  Db().DeleteTopic(arn);
  return Empty();
}

Result<Output> SnsService::ListTopics(RequestContext& ctx, ParamReader& in) {
  std::vector<const Topic*> topics;
  for (const auto& [arn, t] : St().topics) {
    if (t.account == ctx.scope.account_id && t.region == ctx.scope.region) {
      topics.push_back(&t);
    }
  }
  std::sort(topics.begin(), topics.end(),
            [](const Topic* a, const Topic* b) { return a->seq < b->seq; });
  std::vector<int64_t> seqs;
  for (const auto* t : topics) {
    seqs.push_back(t->seq);
  }
  auto page = PageOf(seqs, in.String("NextToken"), kListPage);
  if (!page) {
    return errors::InvalidParameter("NextToken");
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    Value item(rapidjson::kObjectType);
    out.Set(item, "TopicArn", out.Str(topics[i]->arn));
    list.PushBack(std::move(item), out.a());
  }
  out.Set("Topics", std::move(list));
  if (!page->next.empty()) {
    out.SetStr("NextToken", page->next);
  }
  return out.Take();
}

Result<Output> SnsService::GetTopicAttributes(RequestContext& ctx, ParamReader& in) {
  auto topic = FindTopic(ctx, in.String("TopicArn"));
  if (!topic) {
    return topic.error();
  }
  Out out;
  out.Set("Attributes", out.Map(TopicAttributes(**topic)));
  return out.Take();
}

Result<Output> SnsService::SetTopicAttributes(RequestContext& ctx, ParamReader& in) {
  auto topic = FindTopic(ctx, in.String("TopicArn"));
  if (!topic) {
    return topic.error();
  }
  Topic& t = **topic;
  std::string name = in.String("AttributeName");
  std::string value = in.String("AttributeValue");
  if (auto e = ValidateTopicAttribute(name, value, t.fifo, false, "Invalid parameter: ")) {
    return *e;
  }
  if (value.empty() && (name == "Policy" || name == "DeliveryPolicy")) {
    t.attributes.erase(name);
  } else {
    t.attributes[name] = value;
  }
  Persist(t);
  RebuildTargets(t.arn);
  return Empty();
}

Result<Output> SnsService::AddPermission(RequestContext& ctx, ParamReader& in) {
  auto topic = FindTopic(ctx, in.String("TopicArn"));
  if (!topic) {
    return topic.error();
  }
  Topic& t = **topic;
  std::string label = in.String("Label");
  auto accounts = ReadStrings(in.Value("AWSAccountId"));
  auto actions = ReadStrings(in.Value("ActionName"));
  if (accounts.empty()) {
    return errors::InvalidParameter("AWSAccountId");
  }
  if (actions.empty()) {
    return errors::InvalidParameter("ActionName");
  }
  auto current = t.attributes.find("Policy");
  rapidjson::Document policy;
  policy.Parse((current == t.attributes.end() ? DefaultPolicy(t) : current->second).c_str());
  if (!policy.IsObject()) {
    policy.Parse(DefaultPolicy(t).c_str());
  }
  auto& a = policy.GetAllocator();
  if (!policy.HasMember("Statement") || !policy["Statement"].IsArray()) {
    policy.RemoveMember("Statement");
    policy.AddMember("Statement", Value(rapidjson::kArrayType), a);
  }
  for (const auto& st : policy["Statement"].GetArray()) {
    if (st.IsObject() && st.HasMember("Sid") && st["Sid"].IsString() &&
        label == st["Sid"].GetString()) {
      return errors::InvalidParameter("Statement already exists");
    }
  }
  Value statement(rapidjson::kObjectType);
  statement.AddMember("Sid", Value(label.c_str(), a), a);
  statement.AddMember("Effect", "Allow", a);
  Value principals(rapidjson::kArrayType);
  for (const auto& acct : accounts) {
    principals.PushBack(Value(("arn:aws:iam::" + acct + ":root").c_str(), a), a);
  }
  Value principal(rapidjson::kObjectType);
  if (principals.Size() == 1) {
    principal.AddMember("AWS", Value(principals[0], a), a);
  } else {
    principal.AddMember("AWS", std::move(principals), a);
  }
  statement.AddMember("Principal", std::move(principal), a);
  Value action_list(rapidjson::kArrayType);
  for (const auto& act : actions) {
    action_list.PushBack(Value(("SNS:" + act).c_str(), a), a);
  }
  if (action_list.Size() == 1) {
    statement.AddMember("Action", Value(action_list[0], a), a);
  } else {
    statement.AddMember("Action", std::move(action_list), a);
  }
  statement.AddMember("Resource", Value(t.arn.c_str(), a), a);
  policy["Statement"].PushBack(std::move(statement), a);
  t.attributes["Policy"] = Compact(policy);
  Persist(t);
  return Empty();
}

Result<Output> SnsService::RemovePermission(RequestContext& ctx, ParamReader& in) {
  auto topic = FindTopic(ctx, in.String("TopicArn"));
  if (!topic) {
    return topic.error();
  }
  Topic& t = **topic;
  std::string label = in.String("Label");
  auto current = t.attributes.find("Policy");
  if (current == t.attributes.end()) {
    return Empty();
  }
  rapidjson::Document policy;
  policy.Parse(current->second.c_str());
  if (!policy.IsObject() || !policy.HasMember("Statement") || !policy["Statement"].IsArray()) {
    return Empty();
  }
  auto& list = policy["Statement"];
  for (auto it = list.Begin(); it != list.End();) {
    if (it->IsObject() && it->HasMember("Sid") && (*it)["Sid"].IsString() &&
        label == (*it)["Sid"].GetString()) {
      it = list.Erase(it);
    } else {
      ++it;
    }
  }
  t.attributes["Policy"] = Compact(policy);
  Persist(t);
  return Empty();
}

Result<Output> SnsService::TagResource(RequestContext& /*ctx*/, ParamReader& in) {
  std::string arn = in.String("ResourceArn");
  auto tags = ReadTags(in.Value("Tags"));
  if (!tags) {
    return tags.error();
  }
  auto it = St().topics.find(arn);
  if (it == St().topics.end()) {
    return errors::ResourceNotFound();
  }
  Tags merged = it->second.tags;
  MergeTags(merged, *tags);
  if (merged.size() > kMaxTags) {
    return errors::TagLimitExceeded();
  }
  it->second.tags = std::move(merged);
  Persist(it->second);
  return Empty();
}

Result<Output> SnsService::UntagResource(RequestContext& /*ctx*/, ParamReader& in) {
  std::string arn = in.String("ResourceArn");
  auto keys = ReadStrings(in.Value("TagKeys"));
  auto it = St().topics.find(arn);
  if (it == St().topics.end()) {
    return errors::ResourceNotFound();
  }
  std::erase_if(it->second.tags, [&](const auto& p) {
    return std::find(keys.begin(), keys.end(), p.first) != keys.end();
  });
  Persist(it->second);
  return Empty();
}

Result<Output> SnsService::ListTagsForResource(RequestContext& /*ctx*/, ParamReader& in) {
  auto it = St().topics.find(in.String("ResourceArn"));
  if (it == St().topics.end()) {
    return errors::ResourceNotFound();
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (const auto& [k, v] : it->second.tags) {
    Value tag(rapidjson::kObjectType);
    out.Set(tag, "Key", out.Str(k));
    out.Set(tag, "Value", out.Str(v));
    list.PushBack(std::move(tag), out.a());
  }
  out.Set("Tags", std::move(list));
  return out.Take();
}

Result<Output> SnsService::GetDataProtectionPolicy(RequestContext& ctx, ParamReader& in) {
  auto topic = FindTopic(ctx, in.String("ResourceArn"));
  if (!topic) {
    return topic.error();
  }
  Out out;
  out.SetStr("DataProtectionPolicy", (*topic)->data_protection_policy);
  return out.Take();
}

Result<Output> SnsService::PutDataProtectionPolicy(RequestContext& ctx, ParamReader& in) {
  auto topic = FindTopic(ctx, in.String("ResourceArn"));
  if (!topic) {
    return topic.error();
  }
  std::string policy = in.String("DataProtectionPolicy");
  rapidjson::Document d;
  d.Parse(policy.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    return errors::InvalidParameter("DataProtectionPolicy");
  }
  (*topic)->data_protection_policy = policy;
  Persist(**topic);
  return Empty();
}

}  // namespace nimbus::sns
