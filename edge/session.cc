#include "edge/session.h"

#include <cctype>
#include <cstdio>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "edge/server.h"
#include "services/common/ids.h"

namespace nimbus::edge {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kRequestTimeout{300};  // a whole request, once it has started
constexpr std::chrono::seconds kWriteTimeout{300};
constexpr uint32_t kHeaderLimit = 64 * 1024;

protocol::HttpRequest ToProtocol(http::request<http::string_body>&& req) {
  protocol::HttpRequest out;
  out.method = std::string(req.method_string());
  std::string_view target = req.target();
  auto q = target.find('?');
  out.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) {
    out.query = std::string(target.substr(q + 1));
  }
  out.headers.reserve(16);
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& c : name) {
      // Field names are ASCII tokens; no locale lookup per character.
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
    }
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = std::move(req.body());
  return out;
}

http::response<http::string_body> ToBeast(protocol::HttpResponse&& res, unsigned version,
                                          bool keep_alive, bool head) {
  http::response<http::string_body> out;
  out.version(version);
  out.result(res.status);
  for (auto& [name, value] : res.headers) {
    // Set-Cookie is the one field that may repeat (each cookie its own field); any other
    // name is written once, the last value winning.
    if (beast::iequals(name, "set-cookie")) {
      out.insert(http::field::set_cookie, value);
    } else {
      out.set(name, value);
    }
  }
  out.keep_alive(keep_alive);
  if (head) {
    out.content_length(res.body.size());
  } else {
    out.body() = std::move(res.body);
    out.prepare_payload();
  }
  return out;
}

http::response<http::string_body> ErrorResponse(unsigned status, const char* code,
                                                const std::string& message) {
  http::response<http::string_body> res;
  res.result(status);
  res.set(http::field::content_type, "application/json");
  res.set("x-amzn-ErrorType", code);
  res.set("x-amzn-RequestId", NewUuid());
  res.body() = std::string(R"({"__type":")") + code + R"(","message":")" + message + "\"}";
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, Server& server)
    : stream_(std::move(socket)), server_(server) {
  boost::system::error_code ec;
  auto peer = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    auto address = peer.address();
    // An IPv4 client on a dual-stack listener shows up as ::ffff:a.b.c.d; AWS reports a.b.c.d.
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    peer_address_ = address.to_string();
  }
}

void Session::CancelIfIdle() {
  if (idle_) {
    stream_.cancel();
  }
}

asio::awaitable<void> Session::Run(std::shared_ptr<Session> self) {
  self->server_.Register(self);
  try {
    co_await self->Loop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nimbus: connection error: %s\n", e.what());
  }
  beast::error_code ec;
  self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  self->stream_.socket().close(ec);
  self->server_.Unregister(self.get());
}

asio::awaitable<void> Session::LingeringClose() {
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) {
    co_return;
  }
  // Bounded both ways: a client that keeps sending is cut off after this much time or data.
  constexpr std::chrono::seconds kLinger{5};
  constexpr size_t kMaxDrained = 256u * 1024 * 1024;
  auto deadline = std::chrono::steady_clock::now() + kLinger;
  std::vector<char> scratch(64 * 1024);
  size_t drained = 0;
  while (drained < kMaxDrained && std::chrono::steady_clock::now() < deadline) {
    stream_.expires_at(deadline);
    auto [rec, n] = co_await stream_.async_read_some(asio::buffer(scratch), kUseTuple);
    if (rec) {
      break;  // the client closed (EOF), reset, or the linger time is up
    }
    drained += n;
  }
}

asio::awaitable<void> Session::Loop() {
  beast::flat_buffer buffer;
  const Config& config = server_.config();
  for (;;) {
    if (buffer.size() == 0) {
      // Waiting for the next request: this is the only state a stop may interrupt.
      idle_ = true;
      if (server_.stopping()) {
        co_return;
      }
      stream_.expires_after(config.idle_timeout);
      auto [ec, n] = co_await stream_.async_read_some(buffer.prepare(16 * 1024), kUseTuple);
      idle_ = false;
      if (ec) {
        co_return;  // idle timeout, peer closed, or the server stopped
      }
      buffer.commit(n);
    }
    idle_ = false;

    http::request_parser<http::string_body> parser;
    parser.body_limit(config.body_limit);
    parser.header_limit(kHeaderLimit);
    stream_.expires_after(kRequestTimeout);
    auto [ec, n] = co_await http::async_read(stream_, buffer, parser, kUseTuple);
    if (ec == http::error::body_limit) {
      auto res = ErrorResponse(413, "RequestEntityTooLargeException",
                               "Request must be smaller than " +
                                   std::to_string(config.body_limit) + " bytes");
      co_await http::async_write(stream_, res, kUseTuple);
      co_await LingeringClose();
      co_return;
    }
    if (ec == http::error::header_limit) {
      auto res = ErrorResponse(431, "RequestHeaderFieldsTooLarge", "Request headers too large");
      co_await http::async_write(stream_, res, kUseTuple);
      co_return;
    }
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset) {
      co_return;
    }
    if (ec) {
      auto res = ErrorResponse(400, "BadRequest", "Malformed HTTP request");
      co_await http::async_write(stream_, res, kUseTuple);
      co_return;
    }

    auto req = parser.release();
    unsigned version = req.version();
    bool keep_alive = req.keep_alive();
    bool head = req.method() == http::verb::head;
    auto request = ToProtocol(std::move(req));
    request.peer_address = peer_address_;
    auto response = co_await server_.gateway().Handle(request);
    keep_alive = keep_alive && !server_.stopping();
    auto res = ToBeast(std::move(response), version, keep_alive, head);
    stream_.expires_after(kWriteTimeout);
    if (head) {
      http::response_serializer<http::string_body> sr(res);
      auto [wec, wn] = co_await http::async_write_header(stream_, sr, kUseTuple);
      if (wec) {
        co_return;
      }
    } else {
      auto [wec, wn] = co_await http::async_write(stream_, res, kUseTuple);
      if (wec) {
        co_return;
      }
    }
    if (!keep_alive) {
      co_return;
    }
  }
}

}  // namespace nimbus::edge
