#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "services/logs/insights/query.h"

namespace nimbus::logs::insights {

// One stored log event as a query sees it.
struct Record {
  int64_t timestamp = 0;
  int64_t ingestion_ms = 0;
  std::string message;
  std::string stream;  // @logStream
  std::string log;     // @log: "<account>:<log group name>"
  std::string ptr;     // @ptr: an opaque pointer to the event
};

using ResultRow = std::vector<std::pair<std::string, std::string>>;  // {field, value}

struct RunResult {
  std::vector<ResultRow> rows;
  int64_t records_scanned = 0;
  int64_t records_matched = 0;
  double bytes_scanned = 0;
};

// Runs `query` over `records` (any order) and returns at most `max_rows` rows, each the
// visible fields of one result in the order the query names them. Without `sort`, event
// results come newest first. Values are rendered as Insights shows them: timestamps as
// "YYYY-MM-DD HH:MM:SS.mmm", integral numbers without a fraction.
RunResult Run(const Query& query, const std::vector<Record>& records, int64_t max_rows);

// The fields Insights discovers in a message: JSON members flattened to `a.b.0.c`, and the
// @type/@requestId/@duration/... of Lambda's START, END and REPORT lines.
std::vector<std::pair<std::string, Val>> DiscoverFields(std::string_view message);

// "YYYY-MM-DD HH:MM:SS.mmm" (UTC) for epoch milliseconds.
std::string FormatTime(int64_t ms);

}  // namespace nimbus::logs::insights
