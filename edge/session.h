#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace nimbus::edge {

class Server;

// One client connection. Reads requests with a fresh parser per message (body limit, header
// limit), answers them in order, and closes on idle timeout or when the server stops. Runs on
// the strand of its socket's executor.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, Server& server);

  static boost::asio::awaitable<void> Run(std::shared_ptr<Session> self);

  // Called (on the session's strand) when the server stops: a connection waiting for its next
  // request is closed now; one in the middle of a request finishes it first.
  void CancelIfIdle();

  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  boost::asio::awaitable<void> Loop();
  // After an early answer (413) to a request whose body is still arriving: stop sending, then
  // read and drop what the client sends for a bounded time before closing, so that the close
  // does not reset the connection and destroy the answer before the client has read it.
  boost::asio::awaitable<void> LingeringClose();

  boost::beast::tcp_stream stream_;
  Server& server_;
  std::string peer_address_;  // read once per connection
  bool idle_ = true;
};

}  // namespace nimbus::edge
