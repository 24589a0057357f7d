#pragma once

#include <optional>
#include <string>

#include "services/common/operation_table.h"
#include "services/logs/logs_model.h"

namespace nimbus::logs {

class LogsService;

// The smaller everyday CloudWatch Logs operations: ListLogGroups; resource policies (account
// and resource scope, ten per region); destinations and their access policies (subscription
// filters may name them; Nimbus has no Kinesis or Firehose to forward to); KMS key
// association (echoed by DescribeLogGroups as kmsKeyId); account policies; and export tasks,
// which AWS refuses when it cannot reach the S3 bucket, as it always would here (Nimbus has
// no S3).
class LogsAdmin {
 public:
  explicit LogsAdmin(LogsService& logs) : logs_(logs) {}

  void Register(OperationTable& t);

  Result<Output> ListLogGroups(RequestContext& ctx, ParamReader& in);
  Result<Output> PutResourcePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DescribeResourcePolicies(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteResourcePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> PutDestination(RequestContext& ctx, ParamReader& in);
  Result<Output> PutDestinationPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DescribeDestinations(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteDestination(RequestContext& ctx, ParamReader& in);
  Result<Output> AssociateKmsKey(RequestContext& ctx, ParamReader& in);
  Result<Output> DisassociateKmsKey(RequestContext& ctx, ParamReader& in);
  Result<Output> PutAccountPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DescribeAccountPolicies(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteAccountPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateExportTask(RequestContext& ctx, ParamReader& in);
  Result<Output> DescribeExportTasks(RequestContext& ctx, ParamReader& in);
  Result<Output> CancelExportTask(RequestContext& ctx, ParamReader& in);

 private:
  // logs_policies rows: one JSON body per (kind, name) in the caller's account and region.
  std::optional<std::string> Find(const RequestContext& ctx, const std::string& kind,
                                  const std::string& name);
  void Save(const RequestContext& ctx, const std::string& kind, const std::string& name,
            const std::string& body);
  bool Remove(const RequestContext& ctx, const std::string& kind, const std::string& name);
  std::vector<std::pair<std::string, std::string>> List(const RequestContext& ctx,
                                                        const std::string& kind);
  Result<LogGroup> GroupByNameOrArn(const RequestContext& ctx,
                                    const std::optional<std::string>& name,
                                    const std::optional<std::string>& identifier);

  LogsService& logs_;
};

}  // namespace nimbus::logs
