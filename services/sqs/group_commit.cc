#include "services/sqs/group_commit.h"

#include <chrono>
#include <cstdio>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace nimbus::sqs {
namespace asio = boost::asio;

GroupCommit::GroupCommit(asio::any_io_executor strand, storage::Database& db)
    : strand_(strand), db_(db), alive_(std::make_shared<bool>(true)) {
  db_.SetGroupListener([this](bool committed) { Finish(committed); });
}

GroupCommit::~GroupCommit() {
  db_.SetGroupListener(nullptr);
  *alive_ = false;
}

std::shared_ptr<GroupCommit::Round> GroupCommit::Join() {
  if (!db_.GroupOpen()) {
    db_.JoinGroup();
    round_ = std::make_shared<Round>();
  }
  if (!flush_pending_) {
    flush_pending_ = true;
    // Two turns of the strand: the commit runs after the handlers queued now and after those
    // that the sends arriving meanwhile queue behind them, without a timer (and its syscalls).
    asio::post(strand_, [this, alive = alive_] {
      asio::post(strand_, [this, alive] {
        if (!*alive) {
          return;  // shutting down: ~Database commits what is open
        }
        flush_pending_ = false;
        Flush();
      });
    });
  }
  return round_;
}

void GroupCommit::Flush() {
  try {
    db_.CommitGroup();
  } catch (const storage::StoreException& e) {
    // The waiters heard `false` (Finish) and answer InternalFailure.
    std::fprintf(stderr, "nimbus: sqs: group commit failed: %s\n", e.what());
  }
}

void GroupCommit::Abort() { db_.AbortGroup(); }

void GroupCommit::Finish(bool committed) {
  auto round = std::move(round_);
  if (!round) {
    return;
  }
  round->done = true;
  round->committed = committed;
  for (auto* t : round->waiters) {
    t->cancel();
  }
}

asio::awaitable<bool> GroupCommit::Committed(std::shared_ptr<Round> round) {
  if (!round->done) {
    asio::steady_timer wait(strand_, std::chrono::steady_clock::time_point::max());
    // Leaves the list however the wait ends (a frame destroyed at shutdown included).
    struct Enlisted {
      Round& round;
      asio::steady_timer* timer;
      ~Enlisted() { std::erase(round.waiters, timer); }
    } enlisted{*round, &wait};
    round->waiters.push_back(&wait);
    while (!round->done) {
      co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
  co_return round->committed;
}

}  // namespace nimbus::sqs
