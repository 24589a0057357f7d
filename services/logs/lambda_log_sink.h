#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "services/lambda/runtime/executor.h"

namespace nimbus::logs {

class IngestPort;
class LogsService;

// The bridge from the Lambda execution engine to CloudWatch Logs: every line a function
// environment prints (START/END/REPORT included) becomes one event, with the timestamp the
// executor read it at, in group `function.log_group` (default /aws/lambda/<function>) and the
// environment's stream; groups and streams are created on first use.
//
// Write() runs on the executor's strand and never blocks: it hands the line to the service's
// IngestPort, which posts it to the Logs strand (queryable one strand hop later). The sink
// keeps only the port, so it may outlive the service (an executor destroyed after the
// dispatcher can still write); it must outlive the executor that writes to it.
class LambdaLogSink final : public lambda::runtime::LogSink {
 public:
  explicit LambdaLogSink(const LogsService& logs);

  void Write(const lambda::runtime::FunctionConfig& function, const std::string& log_stream,
             int64_t timestamp_ms, std::string line) override;

 private:
  std::shared_ptr<IngestPort> port_;
};

}  // namespace nimbus::logs
