#include "cli/services_filter.h"

#include <cstdlib>
#include <sstream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "edge/protocol/shape.h"
#include "edge/router.h"
#include "services/common/aws_error.h"

namespace nimbus::cli {
namespace {

// The SERVICES name a model is enabled under.
std::string ServiceOf(const std::string& model) {
  if (model == "apigatewayv2") {
    return "apigateway";
  }
  return model;
}

}  // namespace

ServicesFilter ServicesFilter::FromEnvironment() {
  ServicesFilter f;
  const char* v = std::getenv("SERVICES");
  if (v == nullptr) {
    return f;
  }
  std::stringstream in(v);
  std::string name;
  while (std::getline(in, name, ',')) {
    while (!name.empty() && name.front() == ' ') {
      name.erase(0, 1);
    }
    while (!name.empty() && name.back() == ' ') {
      name.pop_back();
    }
    if (name.empty()) {
      continue;
    }
    if (name == "serverless") {
      for (const char* s : {"iam", "lambda", "apigateway", "sns", "sqs", "logs", "sts"}) {
        f.allowed_.insert(s);
      }
    } else if (name == "cloudwatchlogs") {
      f.allowed_.insert("logs");
    } else {
      f.allowed_.insert(name);
    }
  }
  return f;
}

bool ServicesFilter::Allowed(const std::string& model) const {
  return allowed_.count(ServiceOf(model)) != 0;
}

namespace {
bool IsHealth(const protocol::HttpRequest& request) {
  return (request.method == "GET" || request.method == "HEAD") &&
         (request.path == "/_localstack/health" || request.path == "/_nimbus/health");
}
}  // namespace

bool ServicesFilter::Matches(const protocol::HttpRequest& request) const {
  if (!Enabled()) {
    return false;
  }
  if (IsHealth(request)) {
    return dispatcher_ != nullptr;
  }
  edge::RouteTarget target = edge::Route(request);
  return target.kind == edge::RouteTarget::Kind::kAws && !Allowed(target.service);
}

boost::asio::awaitable<protocol::HttpResponse> ServicesFilter::Handle(
    protocol::HttpRequest& request, const std::string& request_id) {
  if (IsHealth(request)) {
    // The gateway's health document, with LocalStack's "disabled" for services not listed.
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    w.Key("services");
    w.StartObject();
    for (const auto& [name, status] : dispatcher_->Statuses()) {
      w.Key(name.c_str());
      w.String(allowed_.count(name) != 0 ? status.c_str() : "disabled");
    }
    w.EndObject();
    w.Key("edition");
    w.String("community");
    w.Key("version");
    w.String(NIMBUS_VERSION);
    w.EndObject();
    protocol::HttpResponse res;
    res.SetHeader("Content-Type", "application/json");
    res.body = sb.GetString();
    co_return res;
  }
  edge::RouteTarget target = edge::Route(request);
  const auto* spec = protocol::SpecRegistry::Instance().Find(target.service);
  AwsError error = AwsError::Receiver(
      "InternalFailure", "Service '" + ServiceOf(target.service) +
                             "' is not enabled. Please check your 'SERVICES' configuration "
                             "variable.",
      501);
  protocol::ResponseContext rctx;
  rctx.request_id = request_id;
  co_return protocol::CodecFor(target.protocol).EncodeError(*spec, error, rctx);
}

}  // namespace nimbus::cli
