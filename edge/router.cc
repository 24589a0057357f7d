#include "edge/router.h"

#include <algorithm>
#include <cctype>

#include "edge/protocol/encoding.h"
#include "edge/sigv4.h"

namespace nimbus::edge {
namespace {

using protocol::Protocol;
using protocol::ServiceIndexEntry;
using protocol::SpecRegistry;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsJsonContent(const protocol::HttpRequest& request) {
  return StartsWith(request.Header("content-type"), "application/x-amz-json");
}

bool IsFormContent(const protocol::HttpRequest& request) {
  return StartsWith(request.Header("content-type"), "application/x-www-form-urlencoded");
}

std::string_view FirstSegment(std::string_view path) {
  while (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  return path.substr(0, path.find('/'));
}

// Old SQS clients post to the queue URL: /<12-digit account>/<queue> or /queue/<region>/...
bool IsSqsQueuePath(std::string_view path) {
  auto first = FirstSegment(path);
  if (first == "queue") {
    return true;
  }
  return first.size() == 12 &&
         std::all_of(first.begin(), first.end(), [](unsigned char c) { return std::isdigit(c); });
}

RouteTarget Aws(const ServiceIndexEntry& e, Protocol protocol) {
  RouteTarget t;
  t.kind = RouteTarget::Kind::kAws;
  t.service = e.name;
  t.protocol = protocol;
  return t;
}

// The protocol a request to `e` speaks: SQS accepts JSON and query on the same port.
Protocol ProtocolFor(const ServiceIndexEntry& e, const protocol::HttpRequest& request) {
  if (e.query_compatible) {
    return IsJsonContent(request) ? Protocol::kJson : Protocol::kQuery;
  }
  return e.protocol;
}

std::optional<RouteTarget> ByTarget(const protocol::HttpRequest& request) {
  auto target = request.Header("x-amz-target");
  if (target.empty()) {
    return std::nullopt;
  }
  auto prefix = target.substr(0, target.rfind('.'));
  for (const auto& e : SpecRegistry::Instance().Index()) {
    if (!e.target_prefix.empty() && e.target_prefix == prefix) {
      return Aws(e, Protocol::kJson);
    }
  }
  return std::nullopt;
}

std::optional<RouteTarget> BySigningName(const protocol::HttpRequest& request,
                                         const std::string& signing_name) {
  const auto& registry = SpecRegistry::Instance();
  if (signing_name == "apigateway") {
    // API Gateway v1 and v2 share a signing name; v2 lives under /v2/.
    const auto* e = registry.FindIndex(FirstSegment(request.path) == "v2" ? "apigatewayv2"
                                                                          : "apigateway");
    return Aws(*e, Protocol::kRestJson);
  }
  for (const auto& e : registry.Index()) {
    if (e.signing_name == signing_name) {
      return Aws(e, ProtocolFor(e, request));
    }
  }
  return std::nullopt;
}

std::optional<RouteTarget> ByActionVersion(const protocol::HttpRequest& request) {
  auto form = protocol::ParseForm(request.query);
  if (form && IsFormContent(request)) {
    if (auto body = protocol::ParseForm(request.body)) {
      form->merge(*body);
    }
  }
  if (!form || !form->contains("Action")) {
    return std::nullopt;
  }
  auto version = form->find("Version");
  if (version != form->end()) {
    for (const auto& e : SpecRegistry::Instance().Index()) {
      if ((e.protocol == Protocol::kQuery || e.query_compatible) &&
          e.api_version == version->second) {
        return Aws(e, Protocol::kQuery);
      }
    }
  }
  if (IsSqsQueuePath(request.path)) {
    return Aws(*SpecRegistry::Instance().FindIndex("sqs"), Protocol::kQuery);
  }
  // SNS's SubscribeURL and UnsubscribeURL (the links in confirmation messages and envelopes)
  // are unsigned GETs that carry no Version.
  const std::string& action = form->at("Action");
  if (action == "ConfirmSubscription" || action == "Unsubscribe") {
    if (const auto* sns = SpecRegistry::Instance().FindIndex("sns")) {
      return Aws(*sns, Protocol::kQuery);
    }
  }
  return std::nullopt;
}

std::optional<RouteTarget> ByPath(const protocol::HttpRequest& request) {
  auto first = FirstSegment(request.path);
  if (first.empty()) {
    return std::nullopt;
  }
  for (const auto& e : SpecRegistry::Instance().Index()) {
    if (std::find(e.path_prefixes.begin(), e.path_prefixes.end(), first) !=
        e.path_prefixes.end()) {
      return Aws(e, Protocol::kRestJson);
    }
  }
  if (IsSqsQueuePath(request.path) && IsFormContent(request)) {
    return Aws(*SpecRegistry::Instance().FindIndex("sqs"), Protocol::kQuery);
  }
  return std::nullopt;
}

}  // namespace

RouteTarget Route(const protocol::HttpRequest& request) {
  if (StartsWith(request.path, "/_nimbus/") || StartsWith(request.path, "/_localstack/")) {
    RouteTarget t;
    t.kind = RouteTarget::Kind::kInternal;
    return t;
  }
  auto credential = ParseCredential(request);
  std::optional<RouteTarget> target = ByTarget(request);
  if (!target && credential) {
    target = BySigningName(request, credential->service);
  }
  if (!target) {
    target = ByActionVersion(request);
  }
  if (!target) {
    target = ByPath(request);
  }
  if (!target) {
    return RouteTarget{};
  }
  if (credential) {
    target->caller.access_key_id = credential->access_key_id;
    target->scope.account_id = AccountForAccessKey(credential->access_key_id);
    if (!credential->region.empty()) {
      target->scope.region = credential->region;
    }
  }
  target->caller.session_token = std::string(request.Header("x-amz-security-token"));
  return *target;
}

}  // namespace nimbus::edge
