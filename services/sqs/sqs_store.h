#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/sqs/sqs_model.h"
#include "storage/database.h"

namespace nimbus::sqs {

struct MessageCounts {
  int64_t visible = 0;
  int64_t in_flight = 0;
  int64_t delayed = 0;
};

// A queue as cached by the store: shared, never modified (a change is a new queue row read).
using SharedQueue = std::shared_ptr<const Queue>;

struct DedupEntry {
  std::string message_id;
  std::string sequence_number;
};

// SQS state over one SQLite database: queues, messages, FIFO groups and deduplication ids.
// Every message operation uses an index on (queue_id, ...), so it costs O(log n) in the number
// of messages in the queue. Owned by SqsService and used only on its strand. Failures throw
// storage::StoreException (the dispatcher answers InternalFailure).
class SqsStore {
 public:
  explicit SqsStore(std::unique_ptr<storage::Database> db);

  storage::Database& db() { return *db_; }
  // Deletes every row (POST /_nimbus/reset) and forgets the cached queues.
  void Reset();

  // Queues. ResolveQueue() is the hot path of every message operation: queues are cached once
  // read (with their attributes parsed), and every write of a queue row, all of which go through
  // this store, drops the queue's entry. The cache is filled only outside transactions, so a
  // write rolled back later cannot leave an entry behind.
  SharedQueue ResolveQueue(std::string_view account, std::string_view region, std::string_view name);
  std::optional<Queue> FindQueue(const std::string& account, const std::string& region,
                                 const std::string& name);
  std::optional<Queue> FindQueueById(int64_t id);
  void InsertQueue(Queue& queue);
  void UpdateQueue(const Queue& queue);
  void DeleteQueue(const Queue& queue, int64_t now_ms);
  std::optional<int64_t> DeletedAtMs(const std::string& account, const std::string& region,
                                     const std::string& name);
  // Queues of an account/region whose name starts with `prefix`, after `after` in name order.
  std::vector<Queue> ListQueues(const std::string& account, const std::string& region,
                                const std::string& prefix, const std::string& after,
                                int64_t limit);

  // Messages.
  void InsertMessage(Message& message, bool fifo);
  std::vector<Message> VisibleMessages(int64_t queue_id, int64_t now_ms, int64_t limit);
  std::vector<std::string> ReadyGroups(int64_t queue_id, int64_t now_ms, int64_t limit);
  std::vector<Message> GroupHead(int64_t queue_id, const std::string& group, int64_t limit);
  std::optional<Message> FindMessage(int64_t queue_id, int64_t seq);
  void MarkReceived(const Message& message);
  void SetVisibleAt(int64_t queue_id, int64_t seq, int64_t visible_ms);
  void DeleteMessage(int64_t queue_id, int64_t seq);
  // FIFO: a group is ready once its head is visible and none of its messages is in flight.
  void RecomputeGroup(int64_t queue_id, const std::string& group);
  // Deletes messages sent at or before `sent_before_ms`; returns how many.
  int64_t ExpireMessages(int64_t queue_id, int64_t sent_before_ms);
  void PurgeMessages(int64_t queue_id);
  MessageCounts CountMessages(int64_t queue_id, int64_t now_ms);
  // The earliest time after `now_ms` at which a message of the queue becomes visible.
  std::optional<int64_t> NextVisibleMs(int64_t queue_id, int64_t now_ms);

  // FIFO sequence numbers and deduplication.
  std::string NextSequenceNumber(int64_t queue_id);
  std::optional<DedupEntry> FindDedup(int64_t queue_id, const std::string& scope,
                                      const std::string& dedup_id, int64_t now_ms);
  void PutDedup(int64_t queue_id, const std::string& scope, const std::string& dedup_id,
                const DedupEntry& entry, int64_t expires_ms);

 private:
  struct QueueKey {
    std::string_view account, region, name;
    bool operator==(const QueueKey&) const = default;
  };
  struct QueueKeyHash {
    size_t operator()(const QueueKey& k) const;
  };
  // Keyed by views into the cached queue's own strings.
  void Forget(const Queue& queue);

  std::unique_ptr<storage::Database> db_;
  std::unordered_map<QueueKey, SharedQueue, QueueKeyHash> queues_;
};

}  // namespace nimbus::sqs
