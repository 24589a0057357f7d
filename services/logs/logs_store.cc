#include "services/logs/logs_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nimbus::logs {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE logs_groups (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  retention_days INTEGER,
  kms_key_id TEXT NOT NULL DEFAULT '',
  log_group_class TEXT NOT NULL DEFAULT 'STANDARD',
  tags TEXT NOT NULL DEFAULT '{}',
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE(account, region, name)
);
CREATE TABLE logs_streams (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES logs_groups(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  first_event_ms INTEGER,
  last_event_ms INTEGER,
  last_ingestion_ms INTEGER,
  upload_sequence INTEGER NOT NULL DEFAULT 0,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE(group_id, name)
);
CREATE INDEX logs_streams_last_event ON logs_streams(group_id, last_event_ms, name);
CREATE TABLE logs_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id INTEGER NOT NULL,
  stream_id INTEGER NOT NULL REFERENCES logs_streams(id) ON DELETE CASCADE,
  timestamp INTEGER NOT NULL,
  ingestion_ms INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX logs_events_stream ON logs_events(stream_id, timestamp, id);
CREATE INDEX logs_events_group ON logs_events(group_id, timestamp, id);
)sql",
    // Subscription and metric filters (per group), Insights queries and saved definitions,
    // resource/account policies and destinations (per account and region).
    R"sql(
CREATE TABLE logs_subscription_filters (
  group_id INTEGER NOT NULL REFERENCES logs_groups(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  pattern TEXT NOT NULL,
  destination_arn TEXT NOT NULL,
  role_arn TEXT NOT NULL DEFAULT '',
  distribution TEXT NOT NULL DEFAULT 'ByLogStream',
  created_ms INTEGER NOT NULL,
  PRIMARY KEY(group_id, name)
);
CREATE TABLE logs_metric_filters (
  group_id INTEGER NOT NULL REFERENCES logs_groups(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  pattern TEXT NOT NULL,
  transformations TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY(group_id, name)
);
CREATE TABLE logs_queries (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  query_string TEXT NOT NULL,
  group_names TEXT NOT NULL,
  status TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT ''
);
CREATE TABLE logs_query_definitions (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  query_string TEXT NOT NULL,
  group_names TEXT NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE TABLE logs_policies (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(account, region, kind, name)
);
)sql"};

constexpr int64_t kEventOverheadBytes = 26;

constexpr char kGroupColumns[] =
    "id, account, region, name, created_ms, retention_days, kms_key_id, log_group_class, tags, "
    "stored_bytes, (SELECT count(*) FROM logs_metric_filters m WHERE m.group_id = logs_groups.id)";
constexpr char kStreamColumns[] =
    "id, group_id, name, created_ms, first_event_ms, last_event_ms, last_ingestion_ms, "
    "upload_sequence";

std::string TagsToJson(const Tags& tags) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  for (const auto& [k, v] : tags) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return sb.GetString();
}

Tags JsonToTags(const std::string& json) {
  Tags out;
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.IsObject()) {
    for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
      if (it->value.IsString()) {
        out.emplace(std::string(it->name.GetString(), it->name.GetStringLength()),
                    std::string(it->value.GetString(), it->value.GetStringLength()));
      }
    }
  }
  return out;
}

LogGroup ReadGroup(storage::Statement& st) {
  LogGroup g;
  g.id = st.Int(0);
  g.account = st.Text(1);
  g.region = st.Text(2);
  g.name = st.Text(3);
  g.created_ms = st.Int(4);
  if (!st.IsNull(5)) {
    g.retention_days = static_cast<int>(st.Int(5));
  }
  g.kms_key_id = st.Text(6);
  g.log_group_class = st.Text(7);
  g.tags = JsonToTags(st.Text(8));
  g.stored_bytes = st.Int(9);
  g.metric_filter_count = st.Int(10);
  return g;
}

std::optional<int64_t> OptInt(storage::Statement& st, int column) {
  if (st.IsNull(column)) {
    return std::nullopt;
  }
  return st.Int(column);
}

LogStream ReadStream(storage::Statement& st) {
  LogStream s;
  s.id = st.Int(0);
  s.group_id = st.Int(1);
  s.name = st.Text(2);
  s.created_ms = st.Int(3);
  s.first_event_ms = OptInt(st, 4);
  s.last_event_ms = OptInt(st, 5);
  s.last_ingestion_ms = OptInt(st, 6);
  s.upload_sequence = st.Int(7);
  return s;
}

// Reads rows until the statement ends or the messages (+26 bytes each) would pass
// `max_bytes`; the first row is always taken.
std::vector<LogEvent> ReadEvents(storage::Statement& st, bool with_stream_name,
                                 int64_t max_bytes) {
  std::vector<LogEvent> out;
  int64_t bytes = 0;
  while (st.Step()) {
    bytes += st.Int(5 + with_stream_name) + kEventOverheadBytes;
    if (bytes > max_bytes && !out.empty()) {
      break;
    }
    LogEvent e;
    e.id = st.Int(0);
    e.stream_id = st.Int(1);
    e.timestamp = st.Int(2);
    e.ingestion_ms = st.Int(3);
    e.message = st.Text(4);
    if (with_stream_name) {
      e.stream_name = st.Text(5);
    }
    out.push_back(std::move(e));
  }
  return out;
}

// The number of characters (not bytes) of a UTF-8 string, as SQLite's substr() counts them.
int64_t CharCount(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) {
    n += (c & 0xC0) != 0x80;
  }
  return n;
}

}  // namespace

LogsStore::LogsStore(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {
  db_->Migrate("logs", kMigrations);
}

// ---- Groups ----------------------------------------------------------------------------------

std::optional<LogGroup> LogsStore::FindGroup(const std::string& account, const std::string& region,
                                             const std::string& name) {
  auto& st = db_->Prepare(std::string("SELECT ") + kGroupColumns +
                          " FROM logs_groups WHERE account = ?1 AND region = ?2 AND name = ?3");
  st.Bind(1, account).Bind(2, region).Bind(3, name);
  if (!st.Step()) {
    return std::nullopt;
  }
  return ReadGroup(st);
}

void LogsStore::InsertGroup(LogGroup& g) {
  auto& st = db_->Prepare(
      "INSERT INTO logs_groups(account, region, name, created_ms, retention_days, kms_key_id, "
      "log_group_class, tags) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  st.Bind(1, g.account).Bind(2, g.region).Bind(3, g.name).Bind(4, g.created_ms);
  if (g.retention_days) {
    st.Bind(5, static_cast<int64_t>(*g.retention_days));
  } else {
    st.BindNull(5);
  }
  st.Bind(6, g.kms_key_id).Bind(7, g.log_group_class).Bind(8, TagsToJson(g.tags));
  st.Run();
  g.id = db_->LastInsertRowId();
}

void LogsStore::DeleteGroup(int64_t group_id) {
  // Streams and their events go with it (ON DELETE CASCADE).
  db_->Prepare("DELETE FROM logs_groups WHERE id = ?1").Bind(1, group_id).Run();
}

void LogsStore::SetRetention(int64_t group_id, std::optional<int> days) {
  auto& st = db_->Prepare("UPDATE logs_groups SET retention_days = ?2 WHERE id = ?1");
  st.Bind(1, group_id);
  if (days) {
    st.Bind(2, static_cast<int64_t>(*days));
  } else {
    st.BindNull(2);
  }
  st.Run();
}

void LogsStore::SetTags(int64_t group_id, const Tags& tags) {
  db_->Prepare("UPDATE logs_groups SET tags = ?2 WHERE id = ?1")
      .Bind(1, group_id)
      .Bind(2, TagsToJson(tags))
      .Run();
}

std::vector<LogGroup> LogsStore::ListGroups(const std::string& account, const std::string& region,
                                            const std::string& prefix, const std::string& after,
                                            int64_t limit) {
  auto& st = db_->Prepare(std::string("SELECT ") + kGroupColumns +
                          " FROM logs_groups WHERE account = ?1 AND region = ?2 AND name > ?3 "
                          "AND substr(name, 1, ?4) = ?5 ORDER BY name LIMIT ?6");
  st.Bind(1, account).Bind(2, region).Bind(3, after).Bind(4, CharCount(prefix)).Bind(5, prefix);
  st.Bind(6, limit);
  std::vector<LogGroup> out;
  while (st.Step()) {
    out.push_back(ReadGroup(st));
  }
  return out;
}

std::vector<LogGroup> LogsStore::GroupsWithRetention() {
  auto& st = db_->Prepare(std::string("SELECT ") + kGroupColumns +
                          " FROM logs_groups WHERE retention_days IS NOT NULL");
  std::vector<LogGroup> out;
  while (st.Step()) {
    out.push_back(ReadGroup(st));
  }
  return out;
}

// ---- Streams ---------------------------------------------------------------------------------

std::optional<LogStream> LogsStore::FindStream(int64_t group_id, const std::string& name) {
  auto& st = db_->Prepare(std::string("SELECT ") + kStreamColumns +
                          " FROM logs_streams WHERE group_id = ?1 AND name = ?2");
  st.Bind(1, group_id).Bind(2, name);
  if (!st.Step()) {
    return std::nullopt;
  }
  return ReadStream(st);
}

void LogsStore::InsertStream(LogStream& s) {
  db_->Prepare("INSERT INTO logs_streams(group_id, name, created_ms) VALUES(?1, ?2, ?3)")
      .Bind(1, s.group_id)
      .Bind(2, s.name)
      .Bind(3, s.created_ms)
      .Run();
  s.id = db_->LastInsertRowId();
}

void LogsStore::DeleteStream(const LogStream& s) {
  storage::Database::Transaction tx(*db_);
  db_->Prepare(
         "UPDATE logs_groups SET stored_bytes = max(0, stored_bytes - "
         "(SELECT stored_bytes FROM logs_streams WHERE id = ?2)) WHERE id = ?1")
      .Bind(1, s.group_id)
      .Bind(2, s.id)
      .Run();
  db_->Prepare("DELETE FROM logs_streams WHERE id = ?1").Bind(1, s.id).Run();
  tx.Commit();
}

std::vector<LogStream> LogsStore::ListStreams(int64_t group_id, const StreamListing& l) {
  // The cursor compares as a row value in the listing's order; an absent cursor starts at the
  // first row (the empty name sorts before every name, and -1 before every event time).
  std::string sql =
      std::string("SELECT ") + kStreamColumns + " FROM logs_streams WHERE group_id = ?1";
  const char* cmp = l.descending ? "<" : ">";
  const char* dir = l.descending ? " DESC" : "";
  if (l.by_last_event) {
    if (l.after) {
      sql += std::string(" AND (coalesce(last_event_ms, 0), name) ") + cmp + " (?2, ?3)";
    }
    sql += std::string(" ORDER BY coalesce(last_event_ms, 0)") + dir + ", name" + dir;
  } else {
    if (l.after) {
      sql += std::string(" AND name ") + cmp + " ?3";
    }
    sql += " AND substr(name, 1, ?4) = ?5";
    sql += std::string(" ORDER BY name") + dir;
  }
  sql += " LIMIT ?6";
  auto& st = db_->Prepare(sql);
  st.Bind(1, group_id);
  if (l.after) {
    st.Bind(2, l.after->first).Bind(3, l.after->second);
  }
  if (!l.by_last_event) {
    st.Bind(4, CharCount(l.prefix)).Bind(5, l.prefix);
  }
  st.Bind(6, l.limit);
  std::vector<LogStream> out;
  while (st.Step()) {
    out.push_back(ReadStream(st));
  }
  return out;
}

std::vector<LogStream> LogsStore::StreamsWithPrefix(int64_t group_id, const std::string& prefix) {
  auto& st = db_->Prepare(std::string("SELECT ") + kStreamColumns +
                          " FROM logs_streams WHERE group_id = ?1 AND substr(name, 1, ?2) = ?3 "
                          "ORDER BY name");
  st.Bind(1, group_id).Bind(2, CharCount(prefix)).Bind(3, prefix);
  std::vector<LogStream> out;
  while (st.Step()) {
    out.push_back(ReadStream(st));
  }
  return out;
}

// ---- Events ----------------------------------------------------------------------------------

int64_t LogsStore::AppendEvents(int64_t group_id, int64_t stream_id,
                                const std::vector<InputEvent>& events, int64_t ingestion_ms,
                                std::vector<int64_t>* ids) {
  storage::Database::Transaction tx(*db_);
  auto& insert = db_->Prepare(
      "INSERT INTO logs_events(group_id, stream_id, timestamp, ingestion_ms, message) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
  int64_t bytes = 0;
  int64_t first = INT64_MAX;
  int64_t last = INT64_MIN;
  for (const auto& e : events) {
    insert.Reset();
    insert.Bind(1, group_id).Bind(2, stream_id).Bind(3, e.timestamp).Bind(4, ingestion_ms);
    insert.Bind(5, e.message);
    insert.Run();
    if (ids != nullptr) {
      ids->push_back(db_->LastInsertRowId());
    }
    bytes += static_cast<int64_t>(e.message.size());
    first = std::min(first, e.timestamp);
    last = std::max(last, e.timestamp);
  }
  auto& update = db_->Prepare(
      "UPDATE logs_streams SET upload_sequence = upload_sequence + 1, stored_bytes = stored_bytes "
      "+ ?2, first_event_ms = CASE WHEN ?3 IS NULL THEN first_event_ms ELSE "
      "min(coalesce(first_event_ms, ?3), ?3) END, last_event_ms = CASE WHEN ?4 IS NULL THEN "
      "last_event_ms ELSE max(coalesce(last_event_ms, ?4), ?4) END, last_ingestion_ms = CASE "
      "WHEN ?3 IS NULL THEN last_ingestion_ms ELSE ?5 END WHERE id = ?1 RETURNING upload_sequence");
  update.Bind(1, stream_id).Bind(2, bytes);
  if (events.empty()) {
    update.BindNull(3).BindNull(4);
  } else {
    update.Bind(3, first).Bind(4, last);
  }
  update.Bind(5, ingestion_ms);
  int64_t sequence = update.Step() ? update.Int(0) : 0;
  update.Reset();
  if (bytes > 0) {
    db_->Prepare("UPDATE logs_groups SET stored_bytes = stored_bytes + ?2 WHERE id = ?1")
        .Bind(1, group_id)
        .Bind(2, bytes)
        .Run();
  }
  tx.Commit();
  return sequence;
}

std::vector<LogEvent> LogsStore::StreamEvents(int64_t stream_id, Cut lower, Cut upper,
                                              int64_t limit, int64_t max_bytes) {
  auto& st = db_->Prepare(
      "SELECT id, stream_id, timestamp, ingestion_ms, message, length(CAST(message AS BLOB)) "
      "FROM logs_events "
      "WHERE stream_id = ?1 AND (timestamp, id) >= (?2, ?3) AND (timestamp, id) < (?4, ?5) "
      "ORDER BY timestamp, id LIMIT ?6");
  st.Bind(1, stream_id).Bind(2, lower.timestamp).Bind(3, lower.id).Bind(4, upper.timestamp);
  st.Bind(5, upper.id).Bind(6, limit);
  return ReadEvents(st, false, max_bytes);
}

std::vector<LogEvent> LogsStore::StreamEventsBackward(int64_t stream_id, Cut lower, Cut upper,
                                                      int64_t limit, int64_t max_bytes) {
  auto& st = db_->Prepare(
      "SELECT id, stream_id, timestamp, ingestion_ms, message, length(CAST(message AS BLOB)) "
      "FROM logs_events "
      "WHERE stream_id = ?1 AND (timestamp, id) >= (?2, ?3) AND (timestamp, id) < (?4, ?5) "
      "ORDER BY timestamp DESC, id DESC LIMIT ?6");
  st.Bind(1, stream_id).Bind(2, lower.timestamp).Bind(3, lower.id).Bind(4, upper.timestamp);
  st.Bind(5, upper.id).Bind(6, limit);
  return ReadEvents(st, false, max_bytes);
}

std::vector<LogEvent> LogsStore::GroupEvents(int64_t group_id, Cut lower, Cut upper,
                                             int64_t limit, int64_t max_bytes) {
  auto& st = db_->Prepare(
      "SELECT e.id, e.stream_id, e.timestamp, e.ingestion_ms, e.message, s.name, "
      "length(CAST(e.message AS BLOB)) "
      "FROM logs_events e JOIN logs_streams s ON s.id = e.stream_id "
      "WHERE e.group_id = ?1 AND (e.timestamp, e.id) >= (?2, ?3) "
      "AND (e.timestamp, e.id) < (?4, ?5) "
      "ORDER BY e.timestamp, e.id LIMIT ?6");
  st.Bind(1, group_id).Bind(2, lower.timestamp).Bind(3, lower.id).Bind(4, upper.timestamp);
  st.Bind(5, upper.id).Bind(6, limit);
  return ReadEvents(st, true, max_bytes);
}

int64_t LogsStore::PurgeEvents(int64_t group_id, int64_t before_ms) {
  auto& count = db_->Prepare(
      "SELECT stream_id, count(*), coalesce(sum(length(CAST(message AS BLOB))), 0) "
      "FROM logs_events WHERE group_id = ?1 AND timestamp < ?2 GROUP BY stream_id");
  count.Bind(1, group_id).Bind(2, before_ms);
  std::vector<std::pair<int64_t, int64_t>> per_stream;
  int64_t events = 0;
  int64_t bytes = 0;
  while (count.Step()) {
    per_stream.emplace_back(count.Int(0), count.Int(2));
    events += count.Int(1);
    bytes += count.Int(2);
  }
  count.Reset();
  if (events == 0) {
    return 0;
  }
  storage::Database::Transaction tx(*db_);
  db_->Prepare("DELETE FROM logs_events WHERE group_id = ?1 AND timestamp < ?2")
      .Bind(1, group_id)
      .Bind(2, before_ms)
      .Run();
  auto& stream_bytes = db_->Prepare(
      "UPDATE logs_streams SET stored_bytes = max(0, stored_bytes - ?2) WHERE id = ?1");
  for (const auto& [stream_id, b] : per_stream) {
    stream_bytes.Reset();
    stream_bytes.Bind(1, stream_id).Bind(2, b).Run();
  }
  db_->Prepare("UPDATE logs_groups SET stored_bytes = max(0, stored_bytes - ?2) WHERE id = ?1")
      .Bind(1, group_id)
      .Bind(2, bytes)
      .Run();
  tx.Commit();
  return events;
}

}  // namespace nimbus::logs
