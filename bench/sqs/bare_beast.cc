// The baseline for the SQS throughput targets: the least a Boost.Beast HTTP/1.1 keep-alive
// server can do per request on this machine, shaped like Nimbus' edge (one io_context run by one
// thread, one C++20 coroutine per connection, beast::tcp_stream with a timeout, a
// request_parser<string_body> per request, TCP_NODELAY) but with no routing, codec, service or
// store: every request gets the same small JSON body, sized like a SendMessage answer.
//
//   g++ -O2 -std=c++20 -I/usr/include -o /tmp/bare_beast bench/sqs/bare_beast.cc -lpthread
//   /tmp/bare_beast 127.0.0.1 0      # prints "Listening on 127.0.0.1:<port>" then "Ready."
#include <cstdio>
#include <cstdlib>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// Same length and shape as Nimbus' SendMessage answer.
const std::string kBody =
    R"({"MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592","MessageId":"14dfa738-14cc-4d98-aa5a-88db66b8b896"})";

asio::awaitable<void> Serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(72ull * 1024 * 1024);
    stream.expires_after(std::chrono::seconds(60));
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    if (ec) {
      break;
    }
    auto& req = parser.get();
    http::response<http::string_body> res;
    res.version(req.version());
    res.result(http::status::ok);
    res.set(http::field::content_type, "application/x-amz-json-1.0");
    res.set("x-amzn-RequestId", "75286bc1-0463-4ada-ab2a-1280ee8be9cd");
    res.keep_alive(req.keep_alive());
    res.body() = kBody;
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, kUseTuple);
    if (wec || !res.keep_alive()) {
      break;
    }
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
    if (ec) {
      if (!acceptor.is_open()) {
        co_return;
      }
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), Serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* host = argc > 1 ? argv[1] : "127.0.0.1";
  auto port = static_cast<unsigned short>(argc > 2 ? std::atoi(argv[2]) : 0);
  asio::io_context ioc(1);
  tcp::acceptor acceptor(ioc);
  tcp::endpoint endpoint(asio::ip::make_address(host), port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  auto bound = acceptor.local_endpoint();
  std::printf("Listening on %s:%u\nReady.\n", bound.address().to_string().c_str(), bound.port());
  std::fflush(stdout);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });
  asio::co_spawn(ioc, Accept(acceptor), asio::detached);
  ioc.run();
  return 0;
}
