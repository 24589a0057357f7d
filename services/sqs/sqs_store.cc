#include "services/sqs/sqs_store.h"

#include <cstdio>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/base64.h"

namespace nimbus::sqs {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE sqs_queues (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  fifo INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  last_purge_ms INTEGER NOT NULL DEFAULT 0,
  next_sequence INTEGER NOT NULL DEFAULT 0,
  UNIQUE(account, region, name)
);
CREATE TABLE sqs_deleted_queues (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, deleted_ms INTEGER NOT NULL,
  PRIMARY KEY(account, region, name)
);
CREATE TABLE sqs_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue_id INTEGER NOT NULL REFERENCES sqs_queues(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  body BLOB NOT NULL,
  attributes TEXT NOT NULL,
  system_attributes TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  sent_ms INTEGER NOT NULL,
  visible_ms INTEGER NOT NULL,
  first_receive_ms INTEGER NOT NULL DEFAULT 0,
  receive_count INTEGER NOT NULL DEFAULT 0,
  receipt TEXT NOT NULL DEFAULT '',
  group_id TEXT NOT NULL DEFAULT '',
  dedup_id TEXT NOT NULL DEFAULT '',
  sequence_number TEXT NOT NULL DEFAULT '',
  dlq_source_arn TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sqs_messages_visible ON sqs_messages(queue_id, visible_ms);
CREATE INDEX sqs_messages_sent ON sqs_messages(queue_id, sent_ms);
CREATE INDEX sqs_messages_group ON sqs_messages(queue_id, group_id, seq);
CREATE TABLE sqs_fifo_groups (
  queue_id INTEGER NOT NULL REFERENCES sqs_queues(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL,
  ready_ms INTEGER NOT NULL,
  PRIMARY KEY(queue_id, group_id)
);
CREATE INDEX sqs_fifo_groups_ready ON sqs_fifo_groups(queue_id, ready_ms);
CREATE TABLE sqs_dedup (
  queue_id INTEGER NOT NULL REFERENCES sqs_queues(id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  dedup_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sequence_number TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY(queue_id, scope, dedup_id)
);
)sql",
    // v2: a standard-queue send touches fewer B-trees. No AUTOINCREMENT (its sqlite_sequence row
    // was updated on every insert): a seq is only reused after the newest message is gone, and a
    // stale receipt handle never matches the reused seq's message (its nonce differs). The
    // group index only holds FIFO messages (standard messages have group_id '').
    R"sql(
CREATE TABLE sqs_messages_v2 (
  seq INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL REFERENCES sqs_queues(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  body BLOB NOT NULL,
  attributes TEXT NOT NULL,
  system_attributes TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  sent_ms INTEGER NOT NULL,
  visible_ms INTEGER NOT NULL,
  first_receive_ms INTEGER NOT NULL DEFAULT 0,
  receive_count INTEGER NOT NULL DEFAULT 0,
  receipt TEXT NOT NULL DEFAULT '',
  group_id TEXT NOT NULL DEFAULT '',
  dedup_id TEXT NOT NULL DEFAULT '',
  sequence_number TEXT NOT NULL DEFAULT '',
  dlq_source_arn TEXT NOT NULL DEFAULT ''
);
INSERT INTO sqs_messages_v2 SELECT * FROM sqs_messages;
DROP TABLE sqs_messages;
ALTER TABLE sqs_messages_v2 RENAME TO sqs_messages;
CREATE INDEX sqs_messages_visible ON sqs_messages(queue_id, visible_ms);
CREATE INDEX sqs_messages_sent ON sqs_messages(queue_id, sent_ms);
CREATE INDEX sqs_messages_group ON sqs_messages(queue_id, group_id, seq) WHERE group_id <> '';
DELETE FROM sqlite_sequence WHERE name = 'sqs_messages';
)sql"};

constexpr char kMessageColumns[] =
    "seq, queue_id, message_id, body, attributes, system_attributes, sender_id, sent_ms, "
    "visible_ms, first_receive_ms, receive_count, receipt, group_id, dedup_id, sequence_number, "
    "dlq_source_arn";

std::string MapToJson(const AttributeMap& m) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  for (const auto& [k, v] : m) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return sb.GetString();
}

// A document for reading a stored JSON column: parsed into a pool that starts on the stack (a
// Document's own pool starts with a 64 KiB chunk, per message read).
struct ColumnDocument {
  char scratch[2048];
  rapidjson::MemoryPoolAllocator<> pool{scratch, sizeof scratch, 4096};
  rapidjson::Document doc{&pool};
};

AttributeMap JsonToMap(const std::string& json) {
  AttributeMap out;
  if (json == "{}") {
    return out;
  }
  ColumnDocument column;
  auto& d = column.doc;
  d.Parse(json.c_str());
  if (d.IsObject()) {
    for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
      if (it->value.IsString()) {
        out.emplace(it->name.GetString(),
                    std::string(it->value.GetString(), it->value.GetStringLength()));
      }
    }
  }
  return out;
}

std::string AttributesToJson(const MessageAttributes& attrs) {
  if (attrs.empty()) {
    return "{}";
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  for (const auto& [name, a] : attrs) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartObject();
    w.Key("t");
    w.String(a.data_type.c_str(), static_cast<rapidjson::SizeType>(a.data_type.size()));
    if (a.IsBinary()) {
      auto b64 = Base64Encode(a.binary_value);
      w.Key("b");
      w.String(b64.c_str(), static_cast<rapidjson::SizeType>(b64.size()));
    } else {
      w.Key("s");
      w.String(a.string_value.c_str(), static_cast<rapidjson::SizeType>(a.string_value.size()));
    }
    w.EndObject();
  }
  w.EndObject();
  return sb.GetString();
}

MessageAttributes JsonToAttributes(const std::string& json) {
  MessageAttributes out;
  if (json == "{}") {
    return out;
  }
  ColumnDocument column;
  auto& d = column.doc;
  d.Parse(json.c_str());
  if (!d.IsObject()) {
    return out;
  }
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    MessageAttribute a;
    const auto& v = it->value;
    a.data_type = v["t"].GetString();
    if (auto b = v.FindMember("b"); b != v.MemberEnd()) {
      a.binary_value = Base64Decode(b->value.GetString()).value_or("");
    }
    if (auto s = v.FindMember("s"); s != v.MemberEnd()) {
      a.string_value.assign(s->value.GetString(), s->value.GetStringLength());
    }
    out.emplace(it->name.GetString(), std::move(a));
  }
  return out;
}

Queue ReadQueue(storage::Statement& st) {
  Queue q;
  q.id = st.Int(0);
  q.account = st.Text(1);
  q.region = st.Text(2);
  q.name = st.Text(3);
  q.fifo = st.Int(4) != 0;
  q.attributes = JsonToMap(st.Text(5));
  q.tags = JsonToMap(st.Text(6));
  q.created_at = st.Int(7);
  q.modified_at = st.Int(8);
  q.last_purge_ms = st.Int(9);
  return q;
}

constexpr char kQueueColumns[] =
    "id, account, region, name, fifo, attributes, tags, created_at, modified_at, last_purge_ms";

Message ReadMessage(storage::Statement& st) {
  Message m;
  m.seq = st.Int(0);
  m.queue_id = st.Int(1);
  m.message_id = st.Text(2);
  m.body = st.Text(3);
  m.attributes = JsonToAttributes(st.Text(4));
  m.system_attributes = JsonToAttributes(st.Text(5));
  m.sender_id = st.Text(6);
  m.sent_ms = st.Int(7);
  m.visible_ms = st.Int(8);
  m.first_receive_ms = st.Int(9);
  m.receive_count = static_cast<int>(st.Int(10));
  m.receipt = st.Text(11);
  m.group_id = st.Text(12);
  m.dedup_id = st.Text(13);
  m.sequence_number = st.Text(14);
  m.dlq_source_arn = st.Text(15);
  return m;
}

}  // namespace

SqsStore::SqsStore(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {
  db_->Migrate("sqs", kMigrations);
}

size_t SqsStore::QueueKeyHash::operator()(const QueueKey& k) const {
  std::hash<std::string_view> h;
  return h(k.name) ^ (h(k.account) * 31) ^ (h(k.region) * 131);
}

void SqsStore::Reset() {
  queues_.clear();
  db_->Reset();
}

void SqsStore::Forget(const Queue& q) { queues_.erase(QueueKey{q.account, q.region, q.name}); }

SharedQueue SqsStore::ResolveQueue(std::string_view account, std::string_view region,
                                std::string_view name) {
  if (auto it = queues_.find(QueueKey{account, region, name}); it != queues_.end()) {
    return it->second;
  }
  static const std::string kSql = std::string("SELECT ") + kQueueColumns +
                                  " FROM sqs_queues WHERE account = ?1 AND region = ?2 AND name = ?3";
  auto& st = db_->Prepare(kSql);
  st.Bind(1, account).Bind(2, region).Bind(3, name);
  if (!st.Step()) {
    return nullptr;
  }
  auto q = std::make_shared<const Queue>(ReadQueue(st));
  st.Reset();
  if (!db_->InTransaction()) {
    queues_.emplace(QueueKey{q->account, q->region, q->name}, q);
  }
  return q;
}

std::optional<Queue> SqsStore::FindQueue(const std::string& account, const std::string& region,
                                         const std::string& name) {
  auto q = ResolveQueue(account, region, name);
  if (!q) {
    return std::nullopt;
  }
  return *q;
}

std::optional<Queue> SqsStore::FindQueueById(int64_t id) {
  static const std::string kSql =
      std::string("SELECT ") + kQueueColumns + " FROM sqs_queues WHERE id = ?1";
  auto& st = db_->Prepare(kSql);
  st.Bind(1, id);
  if (!st.Step()) {
    return std::nullopt;
  }
  return ReadQueue(st);
}

void SqsStore::InsertQueue(Queue& q) {
  Forget(q);
  db_->Prepare(
         "INSERT INTO sqs_queues(account, region, name, fifo, attributes, tags, created_at, "
         "modified_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .Bind(1, q.account)
      .Bind(2, q.region)
      .Bind(3, q.name)
      .Bind(4, static_cast<int64_t>(q.fifo))
      .Bind(5, MapToJson(q.attributes))
      .Bind(6, MapToJson(q.tags))
      .Bind(7, q.created_at)
      .Bind(8, q.modified_at)
      .Run();
  q.id = db_->LastInsertRowId();
  db_->Prepare("DELETE FROM sqs_deleted_queues WHERE account = ?1 AND region = ?2 AND name = ?3")
      .Bind(1, q.account)
      .Bind(2, q.region)
      .Bind(3, q.name)
      .Run();
}

void SqsStore::UpdateQueue(const Queue& q) {
  Forget(q);
  db_->Prepare(
         "UPDATE sqs_queues SET attributes = ?2, tags = ?3, modified_at = ?4, last_purge_ms = ?5 "
         "WHERE id = ?1")
      .Bind(1, q.id)
      .Bind(2, MapToJson(q.attributes))
      .Bind(3, MapToJson(q.tags))
      .Bind(4, q.modified_at)
      .Bind(5, q.last_purge_ms)
      .Run();
}

void SqsStore::DeleteQueue(const Queue& q, int64_t now_ms) {
  Forget(q);
  storage::Database::Transaction tx(*db_);
  db_->Prepare("DELETE FROM sqs_queues WHERE id = ?1").Bind(1, q.id).Run();
  db_->Prepare(
         "INSERT OR REPLACE INTO sqs_deleted_queues(account, region, name, deleted_ms) "
         "VALUES(?1, ?2, ?3, ?4)")
      .Bind(1, q.account)
      .Bind(2, q.region)
      .Bind(3, q.name)
      .Bind(4, now_ms)
      .Run();
  tx.Commit();
}

std::optional<int64_t> SqsStore::DeletedAtMs(const std::string& account, const std::string& region,
                                             const std::string& name) {
  auto& st = db_->Prepare(
      "SELECT deleted_ms FROM sqs_deleted_queues WHERE account = ?1 AND region = ?2 AND name = ?3");
  st.Bind(1, account).Bind(2, region).Bind(3, name);
  if (!st.Step()) {
    return std::nullopt;
  }
  return st.Int(0);
}

std::vector<Queue> SqsStore::ListQueues(const std::string& account, const std::string& region,
                                        const std::string& prefix, const std::string& after,
                                        int64_t limit) {
  static const std::string kSql = std::string("SELECT ") + kQueueColumns +
                                  " FROM sqs_queues WHERE account = ?1 AND region = ?2 AND "
                                  "name > ?3 AND substr(name, 1, length(?4)) = ?4 ORDER BY name "
                                  "LIMIT ?5";
  auto& st = db_->Prepare(kSql);
  st.Bind(1, account).Bind(2, region).Bind(3, after).Bind(4, prefix).Bind(5, limit);
  std::vector<Queue> out;
  while (st.Step()) {
    out.push_back(ReadQueue(st));
  }
  return out;
}

void SqsStore::InsertMessage(Message& m, bool fifo) {
  db_->Prepare(
         "INSERT INTO sqs_messages(queue_id, message_id, body, attributes, system_attributes, "
         "sender_id, sent_ms, visible_ms, group_id, dedup_id, sequence_number, dlq_source_arn, "
         "receive_count, first_receive_ms) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")
      // `m` and the temporaries live until Run() returns: no copies of the message.
      .Bind(1, m.queue_id)
      .BindStatic(2, m.message_id)
      .BindStaticBlob(3, m.body)
      .BindStatic(4, AttributesToJson(m.attributes))
      .BindStatic(5, AttributesToJson(m.system_attributes))
      .BindStatic(6, m.sender_id)
      .Bind(7, m.sent_ms)
      .Bind(8, m.visible_ms)
      .BindStatic(9, m.group_id)
      .BindStatic(10, m.dedup_id)
      .BindStatic(11, m.sequence_number)
      .BindStatic(12, m.dlq_source_arn)
      .Bind(13, static_cast<int64_t>(m.receive_count))
      .Bind(14, m.first_receive_ms)
      .Run();
  m.seq = db_->LastInsertRowId();
  if (fifo) {
    // A new group is ready when its first message is; an existing group keeps its state.
    db_->Prepare(
           "INSERT INTO sqs_fifo_groups(queue_id, group_id, ready_ms) VALUES(?1, ?2, ?3) "
           "ON CONFLICT(queue_id, group_id) DO NOTHING")
        .Bind(1, m.queue_id)
        .Bind(2, m.group_id)
        .Bind(3, m.visible_ms)
        .Run();
  }
}

std::vector<Message> SqsStore::VisibleMessages(int64_t queue_id, int64_t now_ms, int64_t limit) {
  static const std::string kSql = std::string("SELECT ") + kMessageColumns +
                                  " FROM sqs_messages WHERE queue_id = ?1 AND visible_ms <= ?2 "
                                  "ORDER BY visible_ms LIMIT ?3";
  auto& st = db_->Prepare(kSql);
  st.Bind(1, queue_id).Bind(2, now_ms).Bind(3, limit);
  std::vector<Message> out;
  while (st.Step()) {
    out.push_back(ReadMessage(st));
  }
  return out;
}

std::vector<std::string> SqsStore::ReadyGroups(int64_t queue_id, int64_t now_ms, int64_t limit) {
  auto& st = db_->Prepare(
      "SELECT group_id FROM sqs_fifo_groups WHERE queue_id = ?1 AND ready_ms <= ?2 "
      "ORDER BY ready_ms LIMIT ?3");
  st.Bind(1, queue_id).Bind(2, now_ms).Bind(3, limit);
  std::vector<std::string> out;
  while (st.Step()) {
    out.push_back(st.Text(0));
  }
  return out;
}

std::vector<Message> SqsStore::GroupHead(int64_t queue_id, const std::string& group,
                                         int64_t limit) {
  static const std::string kSql = std::string("SELECT ") + kMessageColumns +
                                  " FROM sqs_messages WHERE queue_id = ?1 AND group_id = ?2 "
                                  "AND group_id <> '' ORDER BY seq LIMIT ?3";
  auto& st = db_->Prepare(kSql);
  st.Bind(1, queue_id).Bind(2, group).Bind(3, limit);
  std::vector<Message> out;
  while (st.Step()) {
    out.push_back(ReadMessage(st));
  }
  return out;
}

std::optional<Message> SqsStore::FindMessage(int64_t queue_id, int64_t seq) {
  static const std::string kSql = std::string("SELECT ") + kMessageColumns +
                                  " FROM sqs_messages WHERE seq = ?1 AND queue_id = ?2";
  auto& st = db_->Prepare(kSql);
  st.Bind(1, seq).Bind(2, queue_id);
  if (!st.Step()) {
    return std::nullopt;
  }
  return ReadMessage(st);
}

void SqsStore::MarkReceived(const Message& m) {
  db_->Prepare(
         "UPDATE sqs_messages SET receive_count = ?2, first_receive_ms = ?3, visible_ms = ?4, "
         "receipt = ?5 WHERE seq = ?1")
      .Bind(1, m.seq)
      .Bind(2, static_cast<int64_t>(m.receive_count))
      .Bind(3, m.first_receive_ms)
      .Bind(4, m.visible_ms)
      .Bind(5, m.receipt)
      .Run();
}

void SqsStore::SetVisibleAt(int64_t queue_id, int64_t seq, int64_t visible_ms) {
  db_->Prepare("UPDATE sqs_messages SET visible_ms = ?3 WHERE seq = ?1 AND queue_id = ?2")
      .Bind(1, seq)
      .Bind(2, queue_id)
      .Bind(3, visible_ms)
      .Run();
}

void SqsStore::DeleteMessage(int64_t queue_id, int64_t seq) {
  db_->Prepare("DELETE FROM sqs_messages WHERE seq = ?1 AND queue_id = ?2")
      .Bind(1, seq)
      .Bind(2, queue_id)
      .Run();
}

void SqsStore::RecomputeGroup(int64_t queue_id, const std::string& group) {
  // Received messages of a group always form a prefix of it (FIFO delivers in order), so the
  // scan stops at the first never-received message.
  auto& st = db_->Prepare(
      "SELECT visible_ms, receive_count FROM sqs_messages WHERE queue_id = ?1 AND group_id = ?2 "
      "AND group_id <> '' ORDER BY seq");
  st.Bind(1, queue_id).Bind(2, group);
  bool any = false;
  int64_t ready = 0;
  while (st.Step()) {
    any = true;
    ready = std::max(ready, st.Int(0));
    if (st.Int(1) == 0) {
      break;
    }
  }
  st.Reset();
  if (!any) {
    db_->Prepare("DELETE FROM sqs_fifo_groups WHERE queue_id = ?1 AND group_id = ?2")
        .Bind(1, queue_id)
        .Bind(2, group)
        .Run();
    return;
  }
  db_->Prepare(
         "INSERT INTO sqs_fifo_groups(queue_id, group_id, ready_ms) VALUES(?1, ?2, ?3) "
         "ON CONFLICT(queue_id, group_id) DO UPDATE SET ready_ms = excluded.ready_ms")
      .Bind(1, queue_id)
      .Bind(2, group)
      .Bind(3, ready)
      .Run();
}

int64_t SqsStore::ExpireMessages(int64_t queue_id, int64_t sent_before_ms) {
  db_->Prepare("DELETE FROM sqs_messages WHERE queue_id = ?1 AND sent_ms <= ?2")
      .Bind(1, queue_id)
      .Bind(2, sent_before_ms)
      .Run();
  return db_->Changes();
}

void SqsStore::PurgeMessages(int64_t queue_id) {
  storage::Database::Transaction tx(*db_);
  db_->Prepare("DELETE FROM sqs_messages WHERE queue_id = ?1").Bind(1, queue_id).Run();
  db_->Prepare("DELETE FROM sqs_fifo_groups WHERE queue_id = ?1").Bind(1, queue_id).Run();
  tx.Commit();
}

MessageCounts SqsStore::CountMessages(int64_t queue_id, int64_t now_ms) {
  MessageCounts c;
  auto& st = db_->Prepare(
      "SELECT COALESCE(SUM(visible_ms <= ?2), 0), "
      "COALESCE(SUM(visible_ms > ?2 AND receive_count > 0), 0), "
      "COALESCE(SUM(visible_ms > ?2 AND receive_count = 0), 0) "
      "FROM sqs_messages WHERE queue_id = ?1");
  st.Bind(1, queue_id).Bind(2, now_ms);
  if (st.Step()) {
    c.visible = st.Int(0);
    c.in_flight = st.Int(1);
    c.delayed = st.Int(2);
  }
  return c;
}

std::optional<int64_t> SqsStore::NextVisibleMs(int64_t queue_id, int64_t now_ms) {
  auto& st = db_->Prepare(
      "SELECT visible_ms FROM sqs_messages WHERE queue_id = ?1 AND visible_ms > ?2 "
      "ORDER BY visible_ms LIMIT 1");
  st.Bind(1, queue_id).Bind(2, now_ms);
  if (!st.Step()) {
    return std::nullopt;
  }
  return st.Int(0);
}

std::string SqsStore::NextSequenceNumber(int64_t queue_id) {
  db_->Prepare("UPDATE sqs_queues SET next_sequence = next_sequence + 1 WHERE id = ?1")
      .Bind(1, queue_id)
      .Run();
  auto& st = db_->Prepare("SELECT next_sequence FROM sqs_queues WHERE id = ?1");
  st.Bind(1, queue_id);
  int64_t n = st.Step() ? st.Int(0) : 0;
  // AWS: a large, increasing decimal string (20 digits here).
  char buf[32];
  std::snprintf(buf, sizeof buf, "1%019lld", static_cast<long long>(n));
  return buf;
}

std::optional<DedupEntry> SqsStore::FindDedup(int64_t queue_id, const std::string& scope,
                                              const std::string& dedup_id, int64_t now_ms) {
  auto& st = db_->Prepare(
      "SELECT message_id, sequence_number, expires_ms FROM sqs_dedup "
      "WHERE queue_id = ?1 AND scope = ?2 AND dedup_id = ?3");
  st.Bind(1, queue_id).Bind(2, scope).Bind(3, dedup_id);
  if (!st.Step() || st.Int(2) <= now_ms) {
    return std::nullopt;
  }
  return DedupEntry{st.Text(0), st.Text(1)};
}

void SqsStore::PutDedup(int64_t queue_id, const std::string& scope, const std::string& dedup_id,
                        const DedupEntry& entry, int64_t expires_ms) {
  db_->Prepare(
         "INSERT OR REPLACE INTO sqs_dedup(queue_id, scope, dedup_id, message_id, "
         "sequence_number, expires_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
      .Bind(1, queue_id)
      .Bind(2, scope)
      .Bind(3, dedup_id)
      .Bind(4, entry.message_id)
      .Bind(5, entry.sequence_number)
      .Bind(6, expires_ms)
      .Run();
}

}  // namespace nimbus::sqs
