#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "services/lambda/runtime/executor.h"

namespace nimbus::cli {

// The log stream of `nimbus lambda invoke`: prints each line an execution environment produces
// as it is produced. Platform lines (START, END, REPORT, timeouts, runtime exits) print as AWS
// writes them; the function's own lines are put in one form whatever the runtime:
//   <ISO-8601 time>\t<request id>\t<LEVEL>\t<message>
// Called on the executor's strand; the harness runs one io thread, so lines never interleave.
class HarnessLog final : public lambda::runtime::LogSink {
 public:
  explicit HarnessLog(std::FILE* out) : out_(out) {}

  // The invocation that lines belong to from now on (init output goes to the first one).
  void SetRequestId(std::string id) { request_id_ = std::move(id); }
  // A line of the harness's own (create, run, result, terminate).
  void Lifecycle(const std::string& line);

  void Write(const lambda::runtime::FunctionConfig& function, const std::string& log_stream,
             int64_t timestamp_ms, std::string line) override;

 private:
  std::FILE* out_;
  std::string request_id_ = "-";
};

// The harness form of one function log line (exposed for tests). Lines already carrying a
// time, request id and level (the Node runtime's console form; Python's logging form
// "[LEVEL]\t<time>\t<id>\t<msg>") keep their fields; other lines get `request_id`, the time
// and INFO (or the "[LEVEL]" they start with). Python's \r-joined records become lines.
std::string FormatFunctionLine(std::string_view line, std::string_view request_id,
                               int64_t timestamp_ms);

// True for the lines the platform writes (START/END/REPORT, "Task timed out", exits).
bool IsPlatformLine(std::string_view line);

}  // namespace nimbus::cli
