#pragma once

#include "services/common/operation_table.h"

namespace nimbus::logs {

class LogsService;

// Metric filters: PutMetricFilter (AWS's validation: one transformation, metric names,
// numeric or $field values, at most three $field dimensions and then no default value, 100
// filters per group), DescribeMetricFilters (by group and name prefix, or by metric name and
// namespace across groups; paged), DeleteMetricFilter, and TestMetricFilter (the pattern
// matched for real, space-delimited fields reported as extracted values). Nimbus has no
// CloudWatch metrics service, so matching events are not turned into data points.
class MetricFilters {
 public:
  explicit MetricFilters(LogsService& logs) : logs_(logs) {}

  void Register(OperationTable& t);

  Result<Output> Put(RequestContext& ctx, ParamReader& in);
  Result<Output> Describe(RequestContext& ctx, ParamReader& in);
  Result<Output> Delete(RequestContext& ctx, ParamReader& in);
  Result<Output> Test(RequestContext& ctx, ParamReader& in);

 private:
  LogsService& logs_;
};

}  // namespace nimbus::logs
