#include "services/apigateway/execute/integrations.h"

#include <curl/curl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "edge/protocol/encoding.h"
#include "edge/protocol/shape.h"
#include "services/apigateway/json_util.h"

namespace nimbus::apigateway {
namespace asio = boost::asio;
using json::Str;
using rapidjson::Value;

std::string LambdaFunctionFromUri(const std::string& uri) {
  auto start = uri.find("/functions/");
  if (start == std::string::npos) {
    return uri;
  }
  start += sizeof("/functions/") - 1;
  auto end = uri.find("/invocations", start);
  return uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string SubstituteStageVariables(std::string text, const Invocation& inv) {
  static constexpr std::string_view kPrefix = "${stageVariables.";
  size_t pos = 0;
  while ((pos = text.find(kPrefix, pos)) != std::string::npos) {
    size_t end = text.find('}', pos);
    if (end == std::string::npos) {
      break;
    }
    std::string name = text.substr(pos + kPrefix.size(), end - pos - kPrefix.size());
    std::string value = inv.StageVariable(name);
    text.replace(pos, end - pos + 1, value);
    pos += value.size();
  }
  return text;
}

Scope ScopeOfArn(const std::string& arn, const Scope& fallback) {
  // arn:aws:lambda:<region>:<account>:function:<name>
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t pos = arn.find(':', start);
    if (pos == std::string::npos) {
      return fallback;
    }
    parts.push_back(arn.substr(start, pos - start));
    start = pos + 1;
  }
  if (parts[0] != "arn" || parts[3].empty() || parts[4].empty()) {
    return fallback;
  }
  return Scope{parts[4], parts[3]};
}

asio::awaitable<LambdaResult> InvokeLambda(ServiceClient& client, Scope scope,
                                           std::string function, std::string payload,
                                           std::string invocation_type) {
  rapidjson::Document params(rapidjson::kObjectType);
  auto& a = params.GetAllocator();
  params.AddMember("FunctionName", Str(function, a), a);
  if (!invocation_type.empty()) {
    params.AddMember("InvocationType", Str(invocation_type, a), a);
  }
  params.AddMember("Payload", Str(payload, a), a);
  auto out = co_await client.Call("lambda", "Invoke", ScopeOfArn(function, scope),
                                  std::move(params));
  LambdaResult r;
  if (!out) {
    r.error = out.error().message;
    r.invoke_status = out.error().http_status;
    co_return r;
  }
  r.invoked = true;
  r.function_error = out->HasMember("FunctionError");
  r.payload = json::GetStr(*out, "Payload");
  co_return r;
}

// ---- HTTP ---------------------------------------------------------------------------------------

namespace {

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after a 100 Continue or a redirect)
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) {
      value.remove_suffix(1);
    }
    headers->emplace_back(std::move(name), std::string(value));
  }
  return size * n;
}

// Runs on the worker pool: libcurl blocks here, never on a strand.
asio::awaitable<HttpResult> BlockingFetch(HttpCall call) {
  HttpResult result;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    co_return result;
  }
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : call.headers) {
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  if (call.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  }
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT" ||
      call.method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(call.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, call.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    result.ok = true;
    result.status = static_cast<unsigned>(status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  co_return result;
}

}  // namespace

asio::awaitable<HttpResult> FetchHttp(asio::any_io_executor pool, HttpCall call) {
  co_return co_await asio::co_spawn(pool, BlockingFetch(std::move(call)), asio::use_awaitable);
}

// ---- AWS service integrations -------------------------------------------------------------------

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

// SQS query params (form fields) → the JSON params the SQS service takes.
rapidjson::Document SqsParams(const std::map<std::string, std::string>& form) {
  rapidjson::Document p(rapidjson::kObjectType);
  auto& a = p.GetAllocator();
  std::map<std::string, std::map<std::string, std::string>> attrs;  // N → Name/Value.* fields
  for (const auto& [k, v] : form) {
    if (k == "Action" || k == "Version") {
      continue;
    }
    if (k.rfind("MessageAttribute.", 0) == 0) {
      auto rest = k.substr(sizeof("MessageAttribute.") - 1);
      auto dot = rest.find('.');
      if (dot != std::string::npos) {
        attrs[rest.substr(0, dot)][rest.substr(dot + 1)] = v;
      }
      continue;
    }
    if (k == "DelaySeconds" || k == "MaxNumberOfMessages" || k == "VisibilityTimeout" ||
        k == "WaitTimeSeconds") {
      p.AddMember(Str(k, a), Value(static_cast<int64_t>(std::atoll(v.c_str()))), a);
    } else {
      p.AddMember(Str(k, a), Str(v, a), a);
    }
  }
  if (!attrs.empty()) {
    Value m(rapidjson::kObjectType);
    for (const auto& [n, fields] : attrs) {
      auto name = fields.find("Name");
      if (name == fields.end()) {
        continue;
      }
      Value attr(rapidjson::kObjectType);
      for (const auto& [f, v] : fields) {
        if (f.rfind("Value.", 0) == 0) {
          attr.AddMember(Str(f.substr(6), a), Str(v, a), a);
        }
      }
      m.AddMember(Str(name->second, a), attr, a);
    }
    p.AddMember("MessageAttributes", m, a);
  }
  return p;
}

}  // namespace

std::string QueryJsonResponse(std::string_view service, const std::string& action,
                              const rapidjson::Value& result, const std::string& request_id) {
  // AWS: query services answer API Gateway in JSON wrapped like their XML
  // ({"SendMessageResponse": {"SendMessageResult": {...}, "ResponseMetadata": {...}}}).
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  Value wrapper(rapidjson::kObjectType);
  // Operations without output (DeleteMessage, PurgeQueue) have no Result element in the XML.
  if (!result.IsObject() || result.MemberCount() > 0) {
    Value body(result, a);
    // AWS's JSON form names every member of the result, absent ones as null
    // ("MD5OfMessageAttributes": null, "SequenceNumber": null).
    const protocol::ServiceSpec* spec = protocol::SpecRegistry::Instance().Find(service);
    const protocol::OperationSpec* op = spec != nullptr ? spec->FindOperation(action) : nullptr;
    if (op != nullptr && op->output != nullptr && body.IsObject()) {
      for (const auto& m : op->output->members) {
        if (!body.HasMember(m.name.c_str())) {
          body.AddMember(Str(m.name, a), Value(), a);
        }
      }
    }
    wrapper.AddMember(Str(action + "Result", a), body, a);
  }
  Value meta(rapidjson::kObjectType);
  meta.AddMember("RequestId", Str(request_id, a), a);
  wrapper.AddMember("ResponseMetadata", meta, a);
  d.AddMember(Str(action + "Response", a), wrapper, a);
  return json::Write(d);
}

std::string QueryJsonError(std::string_view service, const AwsError& error,
                           const std::string& request_id) {
  // The JSON form of a query error response, with the query protocol's code (SQS's
  // QueueDoesNotExist is AWS.SimpleQueueService.NonExistentQueue there).
  const protocol::ServiceSpec* spec = protocol::SpecRegistry::Instance().Find(service);
  std::string code = spec != nullptr ? protocol::QueryErrorCode(*spec, error) : error.code;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  Value err(rapidjson::kObjectType);
  err.AddMember("Code", Str(code, a), a);
  err.AddMember("Message", Str(error.message, a), a);
  err.AddMember("Type", Str(error.fault == Fault::kSender ? "Sender" : "Receiver", a), a);
  Value wrapper(rapidjson::kObjectType);
  wrapper.AddMember("Error", err, a);
  wrapper.AddMember("RequestId", Str(request_id, a), a);
  d.AddMember("ErrorResponse", wrapper, a);
  return json::Write(d);
}

asio::awaitable<ServiceCallResult> CallAwsService(ServiceClient& client, const Invocation& inv,
                                                  const std::string& uri,
                                                  std::map<std::string, std::string> headers,
                                                  std::string body) {
  ServiceCallResult out;
  // arn:aws:apigateway:<region>:<service>:(path|action)/<rest>
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t pos = uri.find(':', start);
    if (pos == std::string::npos) {
      break;
    }
    parts.push_back(uri.substr(start, pos - start));
    start = pos + 1;
  }
  std::string rest = start < uri.size() ? uri.substr(start) : "";
  if (parts.size() < 5) {
    out.status = 500;
    out.body = R"({"message": "Internal server error"})";
    co_return out;
  }
  std::string region = parts[3].empty() ? inv.api->scope.region : parts[3];
  std::string service = parts[4];
  Scope scope{inv.api->scope.account_id, region};
  std::string action;
  std::map<std::string, std::string> form;
  std::string queue_path;
  if (rest.rfind("action/", 0) == 0) {
    std::string spec = rest.substr(7);
    auto amp = spec.find('&');
    action = spec.substr(0, amp);
    if (amp != std::string::npos) {
      if (auto f = protocol::ParseForm(spec.substr(amp + 1))) {
        form.insert(f->begin(), f->end());
      }
    }
  } else if (rest.rfind("path/", 0) == 0) {
    queue_path = rest.substr(5);
  }
  std::string content_type;
  std::string target;
  for (const auto& [k, v] : headers) {
    if (Lower(k) == "content-type") {
      content_type = v;
    } else if (Lower(k) == "x-amz-target") {
      target = v;
    }
  }
  rapidjson::Document params(rapidjson::kObjectType);
  if (!target.empty()) {
    // JSON protocol: X-Amz-Target names the operation, the body is the params.
    action = target.substr(target.rfind('.') + 1);
    auto parsed = json::Parse(body);
    if (parsed && parsed->IsObject()) {
      params = std::move(*parsed);
    }
  } else {
    if (content_type.find("x-www-form-urlencoded") != std::string::npos || !body.empty()) {
      if (auto f = protocol::ParseForm(body)) {
        for (const auto& [k, v] : *f) {
          form[k] = v;
        }
      }
    }
    if (auto it = form.find("Action"); it != form.end()) {
      action = it->second;
    }
    params = service == "sqs" ? SqsParams(form) : rapidjson::Document(rapidjson::kObjectType);
    if (service != "sqs") {
      for (const auto& [k, v] : form) {
        if (k != "Action" && k != "Version") {
          params.AddMember(Str(k, params.GetAllocator()), Str(v, params.GetAllocator()),
                           params.GetAllocator());
        }
      }
    }
  }
  if (service == "sqs" && !queue_path.empty() && !params.HasMember("QueueUrl")) {
    // path/<account>/<queue>
    std::string url = "http://sqs." + region + ".localhost.localstack.cloud:4566/" + queue_path;
    params.AddMember("QueueUrl", Str(url, params.GetAllocator()), params.GetAllocator());
  }
  if (action.empty()) {
    out.status = 400;
    out.body = R"({"Error":{"Code":"MissingAction","Message":"Missing Action"}})";
    co_return out;
  }
  auto result = co_await client.Call(service, action, scope, std::move(params));
  if (!result) {
    out.status = result.error().http_status;
    out.body = QueryJsonError(service, result.error(), inv.request_id);
    co_return out;
  }
  out.body = target.empty() ? QueryJsonResponse(service, action, *result, inv.request_id)
                            : json::Write(*result);
  co_return out;
}

}  // namespace nimbus::apigateway
