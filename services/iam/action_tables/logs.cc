// CloudWatch Logs operations → IAM actions and log group/stream ARNs.
#include "services/iam/action_tables/action_table.h"

namespace nimbus::iam {
namespace {

std::string LogResource(const ActionInput& in) {
  std::string group = Param(in, "logGroupName");
  if (group.empty()) {
    std::string id = Param(in, "logGroupIdentifier");
    if (id.rfind("arn:", 0) == 0) {
      return id;
    }
    group = id;
  }
  if (group.empty()) {
    return "*";
  }
  std::string base = "arn:aws:logs:" + in.scope.region + ":" + in.scope.account_id +
                     ":log-group:" + group;
  std::string stream = Param(in, "logStreamName");
  return stream.empty() ? base + ":*" : base + ":log-stream:" + stream;
}

constexpr ActionEntry kEntries[] = {
    {"DescribeLogGroups", "logs:DescribeLogGroups", AnyResource},
    {"CreateLogGroup", "logs:CreateLogGroup", LogResource},
    {"CreateLogStream", "logs:CreateLogStream", LogResource},
    {"PutLogEvents", "logs:PutLogEvents", LogResource},
    {"GetLogEvents", "logs:GetLogEvents", LogResource},
    {"FilterLogEvents", "logs:FilterLogEvents", LogResource},
};

}  // namespace

const ServiceActionTable& LogsActions() {
  static const ServiceActionTable kTable{"logs", "logs", kEntries, LogResource};
  return kTable;
}

}  // namespace nimbus::iam
