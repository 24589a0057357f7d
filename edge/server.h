#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "edge/config.h"
#include "edge/gateway.h"

namespace nimbus::edge {

class Session;

// The HTTP/1.1 listener(s): keep-alive, pipelining (requests on one connection are answered in
// order), a body limit with a 413 above it, idle timeouts, and a graceful stop. Each connection
// runs on its own strand when several threads run the io_context.
class Server {
 public:
  Server(boost::asio::io_context& ioc, const Config& config, Gateway& gateway);
  ~Server();

  // Binds every configured address and starts accepting. Returns the bound endpoints (with the
  // real port when 0 was asked). Throws boost::system::system_error on a bind failure.
  std::vector<boost::asio::ip::tcp::endpoint> Listen();

  // Stops accepting, closes idle connections and lets in-flight requests finish. Calls
  // `on_drained` once no connection is left, or after `deadline` at the latest.
  void Stop(std::function<void()> on_drained, std::chrono::milliseconds deadline);

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  const Config& config() const { return config_; }
  Gateway& gateway() { return gateway_; }

  void Register(const std::shared_ptr<Session>& session);
  void Unregister(Session* session);

 private:
  boost::asio::awaitable<void> Accept(boost::asio::ip::tcp::acceptor& acceptor);
  boost::asio::any_io_executor ConnectionExecutor();
  void PollDrained();

  boost::asio::io_context& ioc_;
  const Config& config_;
  Gateway& gateway_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::atomic<bool> stopping_{false};

  std::mutex mu_;  // guards sessions_: sessions run on many strands
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;

  boost::asio::steady_timer drain_timer_;
  std::chrono::steady_clock::time_point drain_deadline_;
  std::function<void()> on_drained_;
};

}  // namespace nimbus::edge
