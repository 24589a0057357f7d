#include "cli/http_fetch.h"

#include <openssl/ssl.h>

#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace nimbus::cli {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr uint64_t kBodyLimit = 64ull * 1024 * 1024;
constexpr auto kTimeout = std::chrono::seconds(30);

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;
};

Url ParseUrl(const std::string& url) {
  Url u;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    rest = url.substr(8);
  } else {
    throw std::runtime_error("not an http(s) URL: " + url);
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    size_t close = authority.find(']');
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      u.port = authority.substr(close + 2);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string::npos) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
  } else {
    u.host = authority;
  }
  if (u.host.empty()) {
    throw std::runtime_error("no host in URL: " + url);
  }
  if (u.port.empty()) {
    u.port = u.tls ? "443" : "80";
  }
  return u;
}

template <class Stream>
http::response<http::string_body> Exchange(Stream& stream, const Url& u) {
  http::request<http::empty_body> req{http::verb::get, u.target, 11};
  req.set(http::field::host, u.host);
  req.set(http::field::user_agent, "nimbus/" NIMBUS_VERSION);
  req.set(http::field::accept, "*/*");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  http::read(stream, buffer, parser);
  return parser.release();
}

http::response<http::string_body> GetOnce(const Url& u) {
  asio::io_context ioc;
  asio::ip::tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(u.host, u.port);
  if (!u.tls) {
    beast::tcp_stream stream(ioc);
    stream.expires_after(kTimeout);
    stream.connect(endpoints);
    return Exchange(stream, u);
  }
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_default_verify_paths();
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str())) {
    throw std::runtime_error("cannot set TLS server name " + u.host);
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(u.host));
  beast::get_lowest_layer(stream).expires_after(kTimeout);
  beast::get_lowest_layer(stream).connect(endpoints);
  stream.handshake(asio::ssl::stream_base::client);
  return Exchange(stream, u);
}

}  // namespace

std::string HttpGet(const std::string& url) {
  std::string current = url;
  for (int hop = 0; hop <= 5; ++hop) {
    Url u = ParseUrl(current);
    http::response<http::string_body> res;
    try {
      res = GetOnce(u);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("GET " + current + ": " + e.code().message());
    }
    unsigned status = res.result_int();
    if (status >= 300 && status < 400 && res.count(http::field::location) != 0) {
      std::string location(res[http::field::location]);
      if (location.rfind("http://", 0) != 0 && location.rfind("https://", 0) != 0) {
        location = (u.tls ? "https://" : "http://") + u.host + ":" + u.port +
                   (location.empty() || location.front() != '/' ? "/" : "") + location;
      }
      current = location;
      continue;
    }
    if (status >= 400) {
      throw std::runtime_error("GET " + current + ": HTTP " + std::to_string(status));
    }
    return std::move(res.body());
  }
  throw std::runtime_error("GET " + url + ": too many redirects");
}

}  // namespace nimbus::cli
