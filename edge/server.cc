#include "edge/server.h"

#include <cstdio>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "edge/session.h"

namespace nimbus::edge {
namespace asio = boost::asio;
using asio::ip::tcp;

Server::Server(asio::io_context& ioc, const Config& config, Gateway& gateway)
    : ioc_(ioc), config_(config), gateway_(gateway), drain_timer_(ioc) {}

asio::any_io_executor Server::ConnectionExecutor() {
  // One thread runs everything in order already; a strand per connection would only add a
  // queue and a lock to every completion.
  if (config_.io_threads == 1) {
    return ioc_.get_executor();
  }
  return asio::make_strand(ioc_);
}

Server::~Server() = default;

std::vector<tcp::endpoint> Server::Listen() {
  std::vector<tcp::endpoint> bound;
  for (const auto& addr : config_.listen) {
    tcp::endpoint endpoint(asio::ip::make_address(addr.host), addr.port);
    auto acceptor = std::make_unique<tcp::acceptor>(ConnectionExecutor());
    acceptor->open(endpoint.protocol());
    acceptor->set_option(asio::socket_base::reuse_address(true));
    if (endpoint.address().is_v6()) {
      acceptor->set_option(asio::ip::v6_only(false));
    }
    acceptor->bind(endpoint);
    acceptor->listen(asio::socket_base::max_listen_connections);
    bound.push_back(acceptor->local_endpoint());
    acceptors_.push_back(std::move(acceptor));
  }
  for (auto& acceptor : acceptors_) {
    asio::co_spawn(acceptor->get_executor(), Accept(*acceptor), asio::detached);
  }
  return bound;
}

asio::awaitable<void> Server::Accept(tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] =
        co_await acceptor.async_accept(ConnectionExecutor(), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
        co_return;
      }
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    socket.set_option(tcp::no_delay(true));
    auto session = std::make_shared<Session>(std::move(socket), *this);
    asio::co_spawn(session->executor(), Session::Run(session), asio::detached);
  }
}

void Server::Register(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mu_);
  sessions_.emplace(session.get(), session);
}

void Server::Unregister(Session* session) {
  std::lock_guard lock(mu_);
  sessions_.erase(session);
}

void Server::Stop(std::function<void()> on_drained, std::chrono::milliseconds deadline) {
  stopping_.store(true, std::memory_order_release);
  for (auto& acceptor : acceptors_) {
    asio::post(acceptor->get_executor(), [a = acceptor.get()] {
      boost::system::error_code ec;
      a->close(ec);
    });
  }
  {
    std::lock_guard lock(mu_);
    for (auto& [raw, weak] : sessions_) {
      if (auto s = weak.lock()) {
        asio::post(s->executor(), [s] { s->CancelIfIdle(); });
      }
    }
  }
  on_drained_ = std::move(on_drained);
  drain_deadline_ = std::chrono::steady_clock::now() + deadline;
  PollDrained();
}

void Server::PollDrained() {
  bool empty;
  {
    std::lock_guard lock(mu_);
    empty = sessions_.empty();
  }
  if (empty || std::chrono::steady_clock::now() >= drain_deadline_) {
    if (auto done = std::move(on_drained_)) {
      done();
    }
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(5));
  drain_timer_.async_wait([this](const boost::system::error_code&) { PollDrained(); });
}

}  // namespace nimbus::edge
