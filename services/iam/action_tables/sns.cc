// SNS operations → IAM actions and topic ARNs.
#include "services/iam/action_tables/action_table.h"

namespace nimbus::iam {
namespace {

std::string TopicArn(const ActionInput& in) {
  std::string arn = Param(in, "TopicArn");
  if (arn.empty()) {
    arn = Param(in, "TargetArn");
  }
  if (arn.empty()) {
    arn = Param(in, "ResourceArn");
  }
  if (arn.empty()) {
    // arn:aws:sns:<r>:<a>:<topic>:<subscription id> → the topic.
    std::string sub = Param(in, "SubscriptionArn");
    if (!sub.empty() && sub.rfind(':') != std::string::npos) {
      arn = sub.substr(0, sub.rfind(':'));
    }
  }
  return arn.empty() ? "*" : arn;
}

std::string TopicArnFromName(const ActionInput& in) {
  return "arn:aws:sns:" + in.scope.region + ":" + in.scope.account_id + ":" + Param(in, "Name");
}

constexpr ActionEntry kEntries[] = {
    {"CreateTopic", "sns:CreateTopic", TopicArnFromName},
    {"DeleteTopic", "sns:DeleteTopic", TopicArn},
    {"GetTopicAttributes", "sns:GetTopicAttributes", TopicArn},
    {"SetTopicAttributes", "sns:SetTopicAttributes", TopicArn},
    {"Publish", "sns:Publish", TopicArn},
    {"PublishBatch", "sns:Publish", TopicArn},
    {"Subscribe", "sns:Subscribe", TopicArn},
    {"Unsubscribe", "sns:Unsubscribe", TopicArn},
    {"ConfirmSubscription", "sns:ConfirmSubscription", TopicArn},
    {"ListSubscriptionsByTopic", "sns:ListSubscriptionsByTopic", TopicArn},
    {"GetSubscriptionAttributes", "sns:GetSubscriptionAttributes", TopicArn},
    {"SetSubscriptionAttributes", "sns:SetSubscriptionAttributes", TopicArn},
    {"ListTopics", "sns:ListTopics", AnyResource},
    {"ListSubscriptions", "sns:ListSubscriptions", AnyResource},
    {"AddPermission", "sns:AddPermission", TopicArn},
    {"RemovePermission", "sns:RemovePermission", TopicArn},
    {"TagResource", "sns:TagResource", TopicArn},
    {"UntagResource", "sns:UntagResource", TopicArn},
    {"ListTagsForResource", "sns:ListTagsForResource", TopicArn},
};

}  // namespace

const ServiceActionTable& SnsActions() {
  static const ServiceActionTable kTable{"sns", "sns", kEntries, TopicArn};
  return kTable;
}

}  // namespace nimbus::iam
