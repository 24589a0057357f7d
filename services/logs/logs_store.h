#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/logs/logs_model.h"
#include "storage/database.h"

namespace nimbus::logs {

// One event as PutLogEvents (or the Lambda bridge) hands it in.
struct InputEvent {
  int64_t timestamp = 0;
  std::string message;
};

// How DescribeLogStreams orders and resumes.
struct StreamListing {
  bool by_last_event = false;  // orderBy LastEventTime (else LogStreamName)
  bool descending = false;
  std::string prefix;  // LogStreamName order only
  // Resume after this stream (exclusive) in the listing's order.
  std::optional<std::pair<int64_t, std::string>> after;  // {last event time or 0, name}
  int64_t limit = 50;
};

// CloudWatch Logs state over one SQLite database: groups, streams, events. Events are kept in
// (timestamp, id) order per stream and per group through indexes, so paging from a Cut costs
// O(log n). Owned by LogsService and used only on its strand. Failures throw
// storage::StoreException (the dispatcher answers InternalFailure).
class LogsStore {
 public:
  explicit LogsStore(std::unique_ptr<storage::Database> db);

  storage::Database& db() { return *db_; }

  // Groups, scoped by account and region.
  std::optional<LogGroup> FindGroup(const std::string& account, const std::string& region,
                                    const std::string& name);
  void InsertGroup(LogGroup& group);
  void DeleteGroup(int64_t group_id);
  void SetRetention(int64_t group_id, std::optional<int> days);
  void SetTags(int64_t group_id, const Tags& tags);
  // Groups whose name starts with `prefix`, after `after` in name order.
  std::vector<LogGroup> ListGroups(const std::string& account, const std::string& region,
                                   const std::string& prefix, const std::string& after,
                                   int64_t limit);
  std::vector<LogGroup> GroupsWithRetention();

  // Streams of a group.
  std::optional<LogStream> FindStream(int64_t group_id, const std::string& name);
  void InsertStream(LogStream& stream);
  void DeleteStream(const LogStream& stream);
  std::vector<LogStream> ListStreams(int64_t group_id, const StreamListing& listing);
  std::vector<LogStream> StreamsWithPrefix(int64_t group_id, const std::string& prefix);

  // Appends events (already validated and in order) to a stream: updates its first/last event
  // times, last ingestion time and sequence number, and the group's stored bytes. Returns the
  // stream's new upload sequence number. Runs in one transaction. `ids`, if given, receives the
  // new events' ids in order (subscription deliveries name them).
  int64_t AppendEvents(int64_t group_id, int64_t stream_id, const std::vector<InputEvent>& events,
                       int64_t ingestion_ms, std::vector<int64_t>* ids = nullptr);

  // Events of one stream with lower <= (timestamp, id) < upper, ascending, at most `limit`
  // events and (after the first) at most `max_bytes` of messages plus 26 bytes per event.
  std::vector<LogEvent> StreamEvents(int64_t stream_id, Cut lower, Cut upper, int64_t limit,
                                     int64_t max_bytes);
  // The same range read from the top: the last events, returned descending.
  std::vector<LogEvent> StreamEventsBackward(int64_t stream_id, Cut lower, Cut upper,
                                             int64_t limit, int64_t max_bytes);
  // Events of a whole group (all streams interleaved), ascending, with stream names.
  std::vector<LogEvent> GroupEvents(int64_t group_id, Cut lower, Cut upper, int64_t limit,
                                    int64_t max_bytes);

  // Deletes the group's events with timestamp < `before_ms` (retention). Returns how many.
  int64_t PurgeEvents(int64_t group_id, int64_t before_ms);

 private:
  std::unique_ptr<storage::Database> db_;
};

}  // namespace nimbus::logs
