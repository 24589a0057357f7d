// HTTP APIs' first-class SQS integrations: SQS-SendMessage, -ReceiveMessage, -DeleteMessage and
// -PurgeQueue call SQS in process and answer with its response, as AWS does.
#include "services/apigateway/execute/first_class.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "services/apigateway/execute/execute_data_plane.h"
#include "services/apigateway/execute/integrations.h"
#include "services/apigateway/execute/proxy_events.h"
#include "services/apigateway/json_util.h"

namespace nimbus::apigateway {
namespace asio = boost::asio;
using json::Str;
using rapidjson::Value;

namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A JSON value as a parameter: strings as they are, anything else as JSON text.
std::string AsText(const Value& v) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : json::Write(v);
}

// "a.b[0].c" inside a parsed body.
const Value* AtPath(const Value& root, std::string_view path) {
  const Value* cur = &root;
  size_t i = 0;
  while (i < path.size() && cur != nullptr) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string_view::npos || !cur->IsArray()) {
        return nullptr;
      }
      size_t index = 0;
      auto digits = path.substr(i + 1, end - i - 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (ec != std::errc() || p != digits.data() + digits.size() || index >= cur->Size()) {
        return nullptr;
      }
      cur = &(*cur)[static_cast<rapidjson::SizeType>(index)];
      i = end + 1;
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    std::string_view key = path.substr(i, end == std::string_view::npos ? path.npos : end - i);
    cur = cur->IsObject() ? json::Get(*cur, key) : nullptr;
    i = end == std::string_view::npos ? path.size() : end;
  }
  return cur;
}

std::optional<std::string> ContextValue(const Invocation& inv, std::string_view name) {
  const auto& req = *inv.request;
  const std::pair<std::string_view, std::string> plain[] = {
      {"accountId", inv.api->scope.account_id},
      {"apiId", inv.api->api_id},
      {"domainName", inv.domain},
      {"domainPrefix", inv.api_id_prefix()},
      {"httpMethod", req.method},
      {"path", inv.stage_prefix() + inv.path},
      {"protocol", "HTTP/1.1"},
      {"requestId", inv.request_id},
      {"extendedRequestId", inv.request_id},
      {"requestTime", RequestTime(inv.epoch_ms)},
      {"requestTimeEpoch", std::to_string(inv.epoch_ms)},
      {"routeKey", inv.ResourcePath()},
      {"stage", inv.api->stage},
      {"identity.sourceIp", inv.source_ip},
      {"identity.userAgent", std::string(req.Header("user-agent"))},
  };
  for (const auto& [key, value] : plain) {
    if (key == name) {
      return value;
    }
  }
  // $context.authorizer.<key> (Lambda authorizer context) and .claims.<name> (JWT).
  if (name.substr(0, 11) == "authorizer." && inv.authorizer.IsObject()) {
    std::string_view rest = name.substr(11);
    for (const char* kind : {"lambda", "jwt"}) {
      if (const Value* node = json::Get(inv.authorizer, kind); node && node->IsObject()) {
        if (const Value* v = AtPath(*node, rest)) {
          return AsText(*v);
        }
      }
    }
  }
  return std::nullopt;
}

// SQS's own answer to a number it cannot read (API Gateway hands it the text).
AwsError InvalidValue(std::string message) {
  return AwsError::Sender("InvalidParameterValue", std::move(message), 400);
}
// A value API Gateway itself cannot map (an attribute map that is not JSON).
constexpr char kUnresolvable[] = "IntegrationFailure";
AwsError Unresolvable(const std::string& name, const std::string& source) {
  return AwsError::Receiver(kUnresolvable,
                            "Unable to resolve property " + name + " from source " + source, 500);
}

}  // namespace

std::optional<std::string> ResolveParameterSource(const Invocation& inv, std::string_view source) {
  if (source.empty() || source.front() != '$') {
    return std::string(source);
  }
  const auto& req = *inv.request;
  if (source == "$request.body") {
    return req.body;
  }
  auto after = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (source.substr(0, prefix.size()) == prefix) {
      return source.substr(prefix.size());
    }
    return std::nullopt;
  };
  if (auto path = after("$request.body.")) {
    auto body = json::Parse(req.body);
    if (!body) {
      return std::nullopt;
    }
    const Value* v = AtPath(*body, *path);
    return v == nullptr || v->IsNull() ? std::nullopt : std::optional(AsText(*v));
  }
  if (auto name = after("$request.header.")) {
    std::optional<std::string> joined;
    for (const auto& [k, v] : req.headers) {
      if (SameName(k, *name)) {
        joined = joined ? *joined + "," + v : v;
      }
    }
    return joined;
  }
  if (auto name = after("$request.querystring.")) {
    std::optional<std::string> joined;
    for (const auto& [k, v] : inv.query) {
      if (k == *name) {
        joined = joined ? *joined + "," + v : v;
      }
    }
    return joined;
  }
  if (auto name = after("$request.path.")) {
    auto it = inv.match.path_params.find(std::string(*name));
    return it == inv.match.path_params.end() ? std::nullopt : std::optional(it->second);
  }
  if (auto name = after("$stageVariables.")) {
    auto it = inv.api->variables.find(std::string(*name));
    return it == inv.api->variables.end() ? std::nullopt : std::optional(it->second);
  }
  if (auto name = after("$context.")) {
    return ContextValue(inv, *name);
  }
  return std::nullopt;
}

Result<SqsAction> SqsActionFor(const Invocation& inv, std::string_view subtype,
                               const Value* request_parameters) {
  SqsAction action;
  action.operation = std::string(subtype.substr(4));  // "SQS-SendMessage" → "SendMessage"
  action.params.SetObject();
  auto& a = action.params.GetAllocator();
  if (request_parameters == nullptr || !request_parameters->IsObject()) {
    return action;
  }
  for (auto it = request_parameters->MemberBegin(); it != request_parameters->MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    if (!it->value.IsString()) {
      continue;
    }
    auto value = ResolveParameterSource(inv, it->value.GetString());
    if (!value) {
      continue;  // an absent source maps to nothing; SQS names what it then misses
    }
    if (name == "Region") {
      action.region = *value;
    } else if (name == "DelaySeconds" || name == "MaxNumberOfMessages" ||
               name == "VisibilityTimeout" || name == "WaitTimeSeconds") {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
      if (ec != std::errc() || p != value->data() + value->size()) {
        return InvalidValue("Value " + *value + " for parameter " + name + " is invalid.");
      }
      action.params.AddMember(Str(name, a), Value(n), a);
    } else if (name == "MessageAttributes" || name == "MessageSystemAttributes") {
      auto parsed = json::Parse(*value);
      if (!parsed || !parsed->IsObject()) {
        return Unresolvable(name, it->value.GetString());
      }
      action.params.AddMember(Str(name, a), Value(*parsed, a), a);
    } else if (name == "AttributeNames" || name == "MessageAttributeNames") {
      Value list(rapidjson::kArrayType);
      if (auto parsed = json::Parse(*value); parsed && parsed->IsArray()) {
        for (const auto& v : parsed->GetArray()) {
          list.PushBack(Str(AsText(v), a), a);
        }
      } else {
        size_t start = 0;
        while (start <= value->size()) {
          size_t comma = value->find(',', start);
          std::string item =
              value->substr(start, comma == std::string::npos ? comma : comma - start);
          if (!item.empty()) {
            list.PushBack(Str(item, a), a);
          }
          if (comma == std::string::npos) {
            break;
          }
          start = comma + 1;
        }
      }
      action.params.AddMember(Str(name, a), list, a);
    } else {
      action.params.AddMember(Str(name, a), Str(*value, a), a);
    }
  }
  return action;
}

asio::awaitable<protocol::HttpResponse> ExecuteApiDataPlane::FirstClassIntegration(
    Invocation& inv, const Value& integration) {
  std::string subtype = json::GetStr(integration, "IntegrationSubtype");
  if (subtype.rfind("SQS-", 0) != 0) {
    // A subtype AWS has but this process does not call (EventBridge, Kinesis, Step Functions,
    // AppConfig): API Gateway's answer to a failed integration.
    co_return GatewayError(500, "Internal Server Error");
  }
  auto action = SqsActionFor(inv, subtype, json::Get(integration, "RequestParameters"));
  if (!action && action.error().code == kUnresolvable) {
    // AWS fails the integration itself, before any SQS call: the client sees API Gateway's 500.
    co_return GatewayError(500, "Internal Server Error");
  }
  protocol::HttpResponse res;
  res.SetHeader("Content-Type", "application/json");
  if (!action) {
    res.status = action.error().http_status;
    res.body = QueryJsonError("sqs", action.error(), inv.request_id);
    co_return res;
  }
  Scope scope = inv.api->scope;
  if (!action->region.empty()) {
    scope.region = action->region;
  }
  auto result = co_await client_.Call("sqs", action->operation, scope, std::move(action->params));
  if (!result) {
    res.status = result.error().http_status;
    res.body = QueryJsonError("sqs", result.error(), inv.request_id);
    co_return res;
  }
  res.body = QueryJsonResponse("sqs", action->operation, *result, inv.request_id);
  co_return res;
}

}  // namespace nimbus::apigateway
