#include "edge/gateway.h"

#include <chrono>
#include <cstdio>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "edge/router.h"
#include "services/common/ids.h"

namespace nimbus::edge {
namespace asio = boost::asio;
using protocol::HttpRequest;
using protocol::HttpResponse;

namespace {

HttpResponse JsonResponse(unsigned status, std::string body) {
  HttpResponse res;
  res.status = status;
  res.SetHeader("Content-Type", "application/json");
  res.body = std::move(body);
  return res;
}

HttpResponse UnknownOperation(const HttpRequest& request) {
  HttpResponse res = JsonResponse(
      404, R"({"__type":"UnknownOperationException","message":"No AWS service or Nimbus )"
           R"(endpoint matches )" +
               request.method + " " + std::string(request.path.substr(0, 200)) + "\"}");
  res.SetHeader("x-amzn-ErrorType", "UnknownOperationException");
  return res;
}

// AWS: old SQS clients post query requests to the queue URL itself and leave QueueUrl out of
// the form; the path names the queue.
void QueueUrlFromPath(const RouteTarget& target, const HttpRequest& request,
                      protocol::OperationCall& call) {
  if (target.protocol != protocol::Protocol::kQuery || request.path.size() <= 1 ||
      call.operation->input == nullptr) {
    return;
  }
  const auto* member = call.operation->input->FindMember("QueueUrl");
  if (member == nullptr || call.params.HasMember("QueueUrl")) {
    return;
  }
  std::string url = "http://" + std::string(request.Header("host")) + request.path;
  call.params.AddMember("QueueUrl", rapidjson::Value(url.c_str(), call.params.GetAllocator()),
                        call.params.GetAllocator());
}

}  // namespace

asio::awaitable<HttpResponse> Gateway::Handle(HttpRequest& request) {
  auto start = std::chrono::steady_clock::now();
  std::string request_id = NewUuid();
  DataPlane* plane = nullptr;
  for (auto* candidate : data_planes_) {
    if (candidate->Matches(request)) {
      plane = candidate;
      break;
    }
  }
  Outcome outcome;
  if (plane != nullptr) {
    outcome.response = co_await plane->Handle(request, request_id);
    outcome.service = std::string(plane->Name());
    outcome.operation = request.method;
  } else {
    RouteTarget target = Route(request);
    switch (target.kind) {
      case RouteTarget::Kind::kInternal:
        outcome.response = co_await HandleInternal(request);
        outcome.service = "nimbus";
        outcome.operation = request.path;
        break;
      case RouteTarget::Kind::kAws:
        outcome = co_await HandleAws(target, request, request_id);
        break;
      case RouteTarget::Kind::kNone:
        outcome.response = UnknownOperation(request);
        outcome.service = "-";
        outcome.operation = "-";
        break;
    }
  }
  outcome.response.SetHeader("x-amzn-RequestId", request_id);
  if (config_.debug) {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
    std::fprintf(stderr, "request %s %s %u %.2fms\n", outcome.service.c_str(),
                 outcome.operation.c_str(), outcome.response.status, ms);
  }
  co_return std::move(outcome.response);
}

asio::awaitable<Gateway::Outcome> Gateway::HandleAws(const RouteTarget& target,
                                                     HttpRequest& request,
                                                     const std::string& request_id) {
  Outcome out;
  out.service = target.service;
  const auto* spec = protocol::SpecRegistry::Instance().Find(target.service);
  const protocol::Codec& codec = protocol::CodecFor(target.protocol);
  protocol::ResponseContext rctx;
  rctx.request_id = request_id;
  // Only query answers vary with Accept (JSON protocols are JSON already).
  rctx.accept_json = target.protocol == protocol::Protocol::kQuery &&
                     request.Header("accept").find("application/json") != std::string_view::npos;

  auto call = codec.Decode(request, *spec);
  if (!call.has_value()) {
    out.operation = "-";
    out.response = codec.EncodeError(*spec, call.error(), rctx);
    co_return out;
  }
  out.operation = call->operation->name;
  QueueUrlFromPath(target, request, *call);
  RequestContext ctx;
  ctx.scope = target.scope;
  ctx.caller = target.caller;
  ctx.request_id = request_id;
  ctx.host = std::string(request.Header("host"));
  if (auth_.Active(ctx)) {
    if (auto denied = co_await auth_.Check(request, target, *call, ctx)) {
      out.response = codec.EncodeError(*spec, *denied, rctx);
      co_return out;
    }
  }
  auto result = co_await dispatcher_.Dispatch(*spec, *call, ctx);
  if (!result.has_value()) {
    out.response = codec.EncodeError(*spec, result.error(), rctx);
  } else {
    out.response = codec.Encode(*spec, *call->operation, *result, rctx);
  }
  co_return out;
}

asio::awaitable<HttpResponse> Gateway::HandleInternal(const HttpRequest& request) {
  const std::string& path = request.path;
  bool is_get = request.method == "GET" || request.method == "HEAD";
  if ((path == "/_nimbus/health" || path == "/_localstack/health") && is_get) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    w.Key("services");
    w.StartObject();
    for (const auto& [name, status] : dispatcher_.Statuses()) {
      w.Key(name.c_str());
      w.String(status.c_str());
    }
    w.EndObject();
    w.Key("edition");
    w.String("community");
    w.Key("version");
    w.String(NIMBUS_VERSION);
    w.EndObject();
    co_return JsonResponse(200, sb.GetString());
  }
  if (path == "/_nimbus/reset" && request.method == "POST") {
    co_await dispatcher_.ResetAll();
    co_return JsonResponse(200, R"({"reset":true})");
  }
  HttpResponse res = JsonResponse(
      404, R"({"__type":"NotFoundException","message":"Unknown internal endpoint"})");
  res.SetHeader("x-amzn-ErrorType", "NotFoundException");
  co_return res;
}

}  // namespace nimbus::edge
