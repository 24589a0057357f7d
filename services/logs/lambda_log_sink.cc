#include "services/logs/lambda_log_sink.h"

#include <algorithm>

#include "services/logs/logs_service.h"

namespace nimbus::logs {
namespace {

// AWS: Lambda splits a line longer than 256 KB into several events.
constexpr size_t kMaxLineBytes = 256 * 1024;

}  // namespace

LambdaLogSink::LambdaLogSink(const LogsService& logs) : port_(logs.ingest_port()) {}

void LambdaLogSink::Write(const lambda::runtime::FunctionConfig& function,
                          const std::string& log_stream, int64_t timestamp_ms, std::string line) {
  IngestLine base;
  if (!function.account.empty()) {
    base.scope.account_id = function.account;
  }
  if (!function.region.empty()) {
    base.scope.region = function.region;
  }
  base.group = function.log_group.empty() ? "/aws/lambda/" + function.function_name
                                          : function.log_group;
  base.stream = log_stream;
  base.timestamp = timestamp_ms;
  base.origin_function_arn = function.function_arn;
  // AWS: each Lambda log event's message keeps the line's newline ("START RequestId: ...\n").
  size_t pos = 0;
  do {
    size_t n = std::min(kMaxLineBytes, line.size() - pos);
    // Never split inside a UTF-8 sequence.
    while (n > 0 && pos + n < line.size() &&
           (static_cast<unsigned char>(line[pos + n]) & 0xC0) == 0x80) {
      --n;
    }
    if (n == 0) {
      n = std::min(kMaxLineBytes, line.size() - pos);
    }
    IngestLine event = base;
    event.message = line.substr(pos, n);
    pos += n;
    if (pos >= line.size()) {
      event.message += '\n';
    }
    port_->Ingest(std::move(event));
  } while (pos < line.size());
}

}  // namespace nimbus::logs
