#pragma once

#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>  // the waiters

#include "storage/database.h"

namespace nimbus::sqs {

// Group commit of sends on the SQS strand. The issue allows it: a send is acknowledged only once
// its commit is done. The first send of a round opens a write group on the database
// (storage::Database::JoinGroup) and queues the commit two strand turns later: the sends of other
// connections that are queued meanwhile join the same transaction, and one commit (one set of
// WAL frames, one journal of each page touched) serves them all. (An already-due timer batched
// as well but cost a lone send two syscalls and ~40 us.) Any other transaction on the database
// commits the group first, so a receive always sees every message sent before it.
class GroupCommit {
 public:
  struct Round {
    bool done = false;
    bool committed = false;
    std::vector<boost::asio::steady_timer*> waiters;
  };

  GroupCommit(boost::asio::any_io_executor strand, storage::Database& db);
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Opens the group's transaction if needed and returns the round the caller's writes belong to.
  std::shared_ptr<Round> Join();
  // Rolls the open group back after a writer failed half-way; its waiters hear `false`.
  void Abort();
  // Waits for the round's commit: true once committed, false if it was rolled back.
  boost::asio::awaitable<bool> Committed(std::shared_ptr<Round> round);

 private:
  void Flush();
  void Finish(bool committed);

  boost::asio::any_io_executor strand_;
  storage::Database& db_;
  std::shared_ptr<bool> alive_;  // false once destroyed: a queued flush then does nothing
  bool flush_pending_ = false;
  std::shared_ptr<Round> round_;  // the open group's round; null when no group is open
};

}  // namespace nimbus::sqs
