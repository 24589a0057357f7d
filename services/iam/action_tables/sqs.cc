// SQS operations → IAM actions and queue ARNs.
#include <cctype>

#include <algorithm>

#include "services/iam/action_tables/action_table.h"

namespace nimbus::iam {
namespace {

// http://host/<account>/<name> (or /queue/<region>/<account>/<name>) → the queue's ARN.
std::string QueueArnFromUrl(const ActionInput& in) {
  std::string url = Param(in, "QueueUrl");
  if (url.empty()) {
    return "*";
  }
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  auto last = url.rfind('/');
  std::string name = url.substr(last + 1);
  std::string account = in.scope.account_id;
  if (last != std::string::npos && last > 0) {
    auto prev = url.rfind('/', last - 1);
    std::string seg = url.substr(prev + 1, last - prev - 1);
    if (seg.size() == 12 && std::all_of(seg.begin(), seg.end(), [](unsigned char c) {
          return std::isdigit(c);
        })) {
      account = seg;
    }
  }
  return "arn:aws:sqs:" + in.scope.region + ":" + account + ":" + name;
}

std::string QueueArnFromName(const ActionInput& in) {
  return "arn:aws:sqs:" + in.scope.region + ":" + in.scope.account_id + ":" +
         Param(in, "QueueName");
}

std::string SourceArn(const ActionInput& in) {
  std::string arn = Param(in, "SourceArn");
  return arn.empty() ? "*" : arn;
}

constexpr ActionEntry kEntries[] = {
    {"AddPermission", "sqs:AddPermission", QueueArnFromUrl},
    {"CancelMessageMoveTask", "sqs:CancelMessageMoveTask", AnyResource},
    {"ChangeMessageVisibility", "sqs:ChangeMessageVisibility", QueueArnFromUrl},
    {"ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility", QueueArnFromUrl},
    {"CreateQueue", "sqs:CreateQueue", QueueArnFromName},
    {"DeleteMessage", "sqs:DeleteMessage", QueueArnFromUrl},
    {"DeleteMessageBatch", "sqs:DeleteMessage", QueueArnFromUrl},
    {"DeleteQueue", "sqs:DeleteQueue", QueueArnFromUrl},
    {"GetQueueAttributes", "sqs:GetQueueAttributes", QueueArnFromUrl},
    {"GetQueueUrl", "sqs:GetQueueUrl", QueueArnFromName},
    {"ListDeadLetterSourceQueues", "sqs:ListDeadLetterSourceQueues", QueueArnFromUrl},
    {"ListMessageMoveTasks", "sqs:ListMessageMoveTasks", SourceArn},
    {"ListQueueTags", "sqs:ListQueueTags", QueueArnFromUrl},
    {"ListQueues", "sqs:ListQueues", AnyResource},
    {"PurgeQueue", "sqs:PurgeQueue", QueueArnFromUrl},
    {"ReceiveMessage", "sqs:ReceiveMessage", QueueArnFromUrl},
    {"RemovePermission", "sqs:RemovePermission", QueueArnFromUrl},
    {"SendMessage", "sqs:SendMessage", QueueArnFromUrl},
    {"SendMessageBatch", "sqs:SendMessage", QueueArnFromUrl},
    {"SetQueueAttributes", "sqs:SetQueueAttributes", QueueArnFromUrl},
    {"StartMessageMoveTask", "sqs:StartMessageMoveTask", SourceArn},
    {"TagQueue", "sqs:TagQueue", QueueArnFromUrl},
    {"UntagQueue", "sqs:UntagQueue", QueueArnFromUrl},
};

}  // namespace

const ServiceActionTable& SqsActions() {
  static const ServiceActionTable kTable{"sqs", "sqs", kEntries, QueueArnFromUrl};
  return kTable;
}

}  // namespace nimbus::iam
