#include "edge/config.h"

#include <cstdlib>
#include <stdexcept>

namespace nimbus::edge {
namespace {

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : nullptr;
}

bool Truthy(const char* v) {
  std::string s(v);
  return s == "1" || s == "true" || s == "TRUE" || s == "True" || s == "yes";
}

int64_t ParsePositive(const char* name, const char* v) {
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  if (end == v || *end != '\0' || n < 0) {
    throw std::invalid_argument(std::string(name) + " must be a non-negative integer");
  }
  return n;
}

}  // namespace

std::vector<ListenAddress> ParseListen(const std::string& text) {
  std::vector<ListenAddress> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() + 1 : comma + 1;
    while (!item.empty() && item.front() == ' ') {
      item.erase(0, 1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.pop_back();
    }
    if (item.empty()) {
      continue;
    }
    size_t colon = item.rfind(':');
    if (colon == std::string::npos) {
      throw std::invalid_argument("GATEWAY_LISTEN: expected host:port, got '" + item + "'");
    }
    ListenAddress addr;
    addr.host = item.substr(0, colon);
    if (addr.host.size() >= 2 && addr.host.front() == '[' && addr.host.back() == ']') {
      addr.host = addr.host.substr(1, addr.host.size() - 2);
    }
    if (addr.host.empty()) {
      addr.host = "0.0.0.0";
    }
    std::string port = item.substr(colon + 1);
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p < 0 || p > 65535) {
      throw std::invalid_argument("GATEWAY_LISTEN: bad port in '" + item + "'");
    }
    addr.port = static_cast<uint16_t>(p);
    out.push_back(addr);
  }
  if (out.empty()) {
    throw std::invalid_argument("GATEWAY_LISTEN: no address");
  }
  return out;
}

Config Config::FromEnvironment() {
  Config c;
  if (const char* v = Env("GATEWAY_LISTEN")) {
    c.listen = ParseListen(v);
  }
  if (const char* v = Env("DEBUG")) {
    c.debug = Truthy(v);
  }
  if (const char* v = Env("PERSISTENCE")) {
    c.persistence = Truthy(v);
  }
  if (const char* v = Env("DATA_DIR")) {
    c.data_dir = v;
  }
  if (const char* v = Env("NIMBUS_IO_THREADS")) {
    c.io_threads = static_cast<int>(ParsePositive("NIMBUS_IO_THREADS", v));
    if (c.io_threads < 1) {
      c.io_threads = 1;
    }
  }
  if (const char* v = Env("NIMBUS_IDLE_TIMEOUT_MS")) {
    c.idle_timeout = std::chrono::milliseconds(ParsePositive("NIMBUS_IDLE_TIMEOUT_MS", v));
  }
  if (const char* v = Env("SIGV4_VERIFY")) {
    c.sigv4_verify = Truthy(v);
  }
  if (const char* v = Env("ENFORCE_IAM")) {
    std::string mode(v);
    if (mode == "soft" || mode == "SOFT") {
      c.enforce_iam = EnforceIam::kSoft;
    } else if (Truthy(v)) {
      c.enforce_iam = EnforceIam::kOn;
      c.sigv4_verify = true;  // enforcement trusts only verified signatures
    } else if (mode != "0" && mode != "false" && mode != "off") {
      throw std::invalid_argument("ENFORCE_IAM must be 1, soft or 0");
    }
  }
  return c;
}

}  // namespace nimbus::edge
