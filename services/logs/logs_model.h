#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace nimbus::logs {

using Tags = std::map<std::string, std::string>;

struct LogGroup {
  int64_t id = 0;
  std::string account;
  std::string region;
  std::string name;
  int64_t created_ms = 0;
  std::optional<int> retention_days;  // nullopt: events never expire
  std::string kms_key_id;
  std::string log_group_class = "STANDARD";
  Tags tags;
  int64_t stored_bytes = 0;
  int64_t metric_filter_count = 0;  // DescribeLogGroups' metricFilterCount

  // arn:aws:logs:<region>:<account>:log-group:<name> (DescribeLogGroups' logGroupArn, and the
  // ARN TagResource takes); `Arn() + ":*"` is DescribeLogGroups' `arn`.
  std::string Arn() const {
    return "arn:aws:logs:" + region + ":" + account + ":log-group:" + name;
  }
};

struct LogStream {
  int64_t id = 0;
  int64_t group_id = 0;
  std::string name;
  int64_t created_ms = 0;
  std::optional<int64_t> first_event_ms;
  std::optional<int64_t> last_event_ms;
  std::optional<int64_t> last_ingestion_ms;
  int64_t upload_sequence = 0;  // PutLogEvents calls so far (the sequence token's number)
};

struct LogEvent {
  int64_t id = 0;  // global, increasing in ingestion order, never reused
  int64_t stream_id = 0;
  int64_t timestamp = 0;
  int64_t ingestion_ms = 0;
  std::string message;
  std::string stream_name;  // filled by queries that join streams
};

// A position between two events of the (timestamp, id) order: everything with a key >= the
// cut is after it. Paging tokens carry a cut.
struct Cut {
  int64_t timestamp = 0;
  int64_t id = 0;

  static Cut Before(const LogEvent& e) { return Cut{e.timestamp, e.id}; }
  static Cut After(const LogEvent& e) { return Cut{e.timestamp, e.id + 1}; }
  friend bool operator==(const Cut&, const Cut&) = default;
};

}  // namespace nimbus::logs
