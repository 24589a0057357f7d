#include "services/sqs/queue_url.h"

#include <cctype>
#include <array>
#include <cstdlib>

namespace nimbus::sqs {
namespace {

// Splits `s` at `sep` into `out` (the first N parts) and returns how many parts there are, so a
// queue URL is parsed without allocating.
template <size_t N>
size_t Split(std::string_view s, char sep, std::array<std::string_view, N>& out) {
  size_t n = 0;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t next = s.find(sep, pos);
    if (next == std::string_view::npos) {
      next = s.size();
    }
    if (n < N) {
      out[n] = s.substr(pos, next - pos);
    }
    ++n;
    pos = next + 1;
  }
  return n;
}

// "sqs.<region>.<rest>" or "<region>.queue.<rest>" carry the region in the host.
std::string RegionFromHost(std::string_view host) {
  std::array<std::string_view, 2> labels;
  size_t count = Split(host, '.', labels);
  if (count >= 3 && labels[0] == "sqs" && labels[1].find('-') != std::string_view::npos) {
    return std::string(labels[1]);
  }
  if (count >= 3 && labels[1] == "queue" && labels[0].find('-') != std::string_view::npos) {
    return std::string(labels[0]);
  }
  return {};
}

// A subdomain can't be put in front of an IP address or a bare "localhost".
bool TakesSubdomain(std::string_view host) {
  auto hostname = host.substr(0, host.rfind(':') == std::string_view::npos ? host.size()
                                                                             : host.rfind(':'));
  if (hostname.empty() || hostname == "localhost" || hostname.front() == '[') {
    return false;
  }
  for (char c : hostname) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      return true;
    }
  }
  return false;  // an IPv4 literal
}

}  // namespace

QueueUrlConfig QueueUrlConfig::FromEnvironment() {
  QueueUrlConfig c;
  if (const char* s = std::getenv("SQS_ENDPOINT_STRATEGY"); s != nullptr) {
    std::string v(s);
    if (v == "domain") {
      c.strategy = EndpointStrategy::kDomain;
    } else if (v == "path") {
      c.strategy = EndpointStrategy::kPath;
    } else if (v == "off") {
      c.strategy = EndpointStrategy::kOff;
    }
  }
  for (const char* name : {"NIMBUS_HOST", "LOCALSTACK_HOST"}) {
    if (const char* h = std::getenv(name); h != nullptr && *h != '\0') {
      c.host = h;
      if (c.host.find(':') == std::string::npos) {
        c.host += ":4566";
      }
      break;
    }
  }
  return c;
}

std::string BuildQueueUrl(const QueueUrlConfig& config, std::string_view request_host,
                          std::string_view region, std::string_view account,
                          std::string_view name) {
  std::string host = config.host.empty() ? std::string(request_host) : config.host;
  if (host.empty()) {
    host = "localhost:4566";
  }
  std::string tail = std::string(account) + "/" + std::string(name);
  switch (config.strategy) {
    case EndpointStrategy::kPath:
      return "http://" + host + "/queue/" + std::string(region) + "/" + tail;
    case EndpointStrategy::kOff:
      return "http://" + host + "/" + tail;
    case EndpointStrategy::kDomain:
      if (!TakesSubdomain(host)) {
        return "http://" + host + "/" + tail;
      }
      // AWS's legacy form: no region label for us-east-1.
      return "http://" + (region == "us-east-1" ? "" : std::string(region) + ".") + "queue." +
             host + "/" + tail;
    case EndpointStrategy::kStandard:
      break;
  }
  if (!TakesSubdomain(host)) {
    return "http://" + host + "/" + tail;
  }
  return "http://sqs." + std::string(region) + "." + host + "/" + tail;
}

std::optional<QueueRef> ParseQueueUrl(std::string_view url) {
  if (url.empty()) {
    return std::nullopt;
  }
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    if (url.find('/') != std::string_view::npos) {
      return std::nullopt;
    }
    return QueueRef{"", "", std::string(url)};  // a bare queue name
  }
  auto rest = url.substr(scheme + 3);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  auto host = rest.substr(0, slash);
  auto path = rest.substr(slash + 1);
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  std::array<std::string_view, 4> parts;
  size_t count = Split(path, '/', parts);
  QueueRef ref;
  ref.region = RegionFromHost(host);
  if (count == 4 && parts[0] == "queue") {
    ref.region = std::string(parts[1]);
    ref.account = std::string(parts[2]);
    ref.name = std::string(parts[3]);
  } else if (count == 2) {
    ref.account = std::string(parts[0]);
    ref.name = std::string(parts[1]);
  } else {
    return std::nullopt;
  }
  if (ref.name.empty() || ref.account.empty()) {
    return std::nullopt;
  }
  return ref;
}

std::optional<QueueRef> ParseQueueArn(std::string_view arn) {
  std::array<std::string_view, 6> parts;
  if (Split(arn, ':', parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[5].empty()) {
    return std::nullopt;
  }
  return QueueRef{std::string(parts[4]), std::string(parts[3]), std::string(parts[5])};
}

}  // namespace nimbus::sqs
