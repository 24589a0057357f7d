#pragma once

#include <string>
#include <vector>

#include "services/common/operation_table.h"
#include "services/logs/logs_model.h"

namespace nimbus::logs {

class LogsService;

// CloudWatch Logs Insights over the stored events: StartQuery (parsed and run at once over
// the named groups' events in startTime..endTime; the query is Complete when StartQuery
// answers), GetQueryResults, StopQuery, DescribeQueries; saved queries (Put/Describe/
// DeleteQueryDefinition); and GetLogGroupFields (the fields Insights discovers in a group's
// recent events), GetLogRecord (the event behind a result's @ptr).
class InsightsApi {
 public:
  explicit InsightsApi(LogsService& logs) : logs_(logs) {}

  void Register(OperationTable& t);

  Result<Output> StartQuery(RequestContext& ctx, ParamReader& in);
  Result<Output> GetQueryResults(RequestContext& ctx, ParamReader& in);
  Result<Output> StopQuery(RequestContext& ctx, ParamReader& in);
  Result<Output> DescribeQueries(RequestContext& ctx, ParamReader& in);
  Result<Output> PutQueryDefinition(RequestContext& ctx, ParamReader& in);
  Result<Output> DescribeQueryDefinitions(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteQueryDefinition(RequestContext& ctx, ParamReader& in);
  Result<Output> GetLogGroupFields(RequestContext& ctx, ParamReader& in);
  Result<Output> GetLogRecord(RequestContext& ctx, ParamReader& in);

 private:
  Result<LogGroup> GroupByIdentifier(const RequestContext& ctx, const std::string& identifier);

  LogsService& logs_;
};

}  // namespace nimbus::logs
