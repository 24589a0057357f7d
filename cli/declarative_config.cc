#include "cli/declarative_config.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cli/function_folder.h"
#include "cli/yaml_document.h"

namespace nimbus::cli {
namespace fs = std::filesystem;
using rapidjson::Document;
using rapidjson::Value;

namespace {

void CheckKeys(const Value& obj, const std::string& where,
               std::initializer_list<const char*> allowed) {
  if (!obj.IsObject()) {
    throw std::invalid_argument(where + ": expected a mapping");
  }
  for (const auto& m : obj.GetObject()) {
    bool ok = false;
    for (const char* a : allowed) {
      ok = ok || std::string_view(m.name.GetString()) == a;
    }
    if (!ok) {
      throw std::invalid_argument(where + ": unknown key \"" + m.name.GetString() + "\"");
    }
  }
}

const Value* Member(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

std::string Str(const Value& obj, const char* key, const std::string& fallback = "") {
  const Value* v = Member(obj, key);
  if (v == nullptr) {
    return fallback;
  }
  if (v->IsString()) {
    return v->GetString();
  }
  if (v->IsInt64()) {
    return std::to_string(v->GetInt64());
  }
  throw std::invalid_argument(std::string("\"") + key + "\" must be a string");
}

std::string ScalarText(const Value& v) {
  if (v.IsString()) {
    return v.GetString();
  }
  if (v.IsBool()) {
    return v.GetBool() ? "true" : "false";
  }
  if (v.IsInt64()) {
    return std::to_string(v.GetInt64());
  }
  rapidjson::StringBuffer sb;  // numbers, and objects (RedrivePolicy, Policy) as JSON text
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

void Check(const Value& list, const char* name, std::initializer_list<const char*> keys) {
  if (!list.IsArray()) {
    throw std::invalid_argument(std::string(name) + ": expected a list");
  }
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    CheckKeys(list[i], std::string(name) + "[" + std::to_string(i) + "]", keys);
  }
}

// Builds params documents tersely.
class Params {
 public:
  Params() { doc_.SetObject(); }
  Params& Set(const char* key, const std::string& v) {
    doc_.AddMember(Value(key, a()), Value(v.c_str(), a()), a());
    return *this;
  }
  Params& Set(const char* key, int64_t v) {
    doc_.AddMember(Value(key, a()), Value(v), a());
    return *this;
  }
  Params& SetBool(const char* key, bool v) {
    doc_.AddMember(Value(key, a()), Value(v), a());
    return *this;
  }
  Params& SetValue(const char* key, Value v) {
    doc_.AddMember(Value(key, a()), v, a());
    return *this;
  }
  // A string map from a config mapping (values stringified, as AWS wants strings).
  Params& SetMap(const char* key, const Value* map) {
    if (map == nullptr) {
      return *this;
    }
    if (!map->IsObject()) {
      throw std::invalid_argument(std::string("\"") + key + "\" must be a mapping");
    }
    Value out(rapidjson::kObjectType);
    for (const auto& m : map->GetObject()) {
      out.AddMember(Value(m.name.GetString(), a()), Value(ScalarText(m.value).c_str(), a()), a());
    }
    return SetValue(key, std::move(out));
  }
  Value MapValue(const std::map<std::string, std::string>& map) {
    Value out(rapidjson::kObjectType);
    for (const auto& [k, v] : map) {
      out.AddMember(Value(k.c_str(), a()), Value(v.c_str(), a()), a());
    }
    return out;
  }
  Value Object() { return Value(rapidjson::kObjectType); }
  Value Array() { return Value(rapidjson::kArrayType); }
  Value Text(const std::string& s) { return Value(s.c_str(), a()); }
  Document::AllocatorType& a() { return doc_.GetAllocator(); }
  Document Take() { return std::move(doc_); }

 private:
  Document doc_;
};

std::string OutString(const Document& out, const char* key) {
  auto it = out.FindMember(key);
  return it != out.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// Creates the resources in order; stops at the first failure.
class Applier {
 public:
  Applier(ServiceClient& client, Scope scope, std::string base_dir)
      : client_(client), scope_(std::move(scope)), base_dir_(std::move(base_dir)) {}

  boost::asio::awaitable<std::string> Run(const Document& doc);

 private:
  boost::asio::awaitable<std::optional<Document>> Call(const std::string& what,
                                                       std::string_view service,
                                                       std::string_view operation, Params params);
  boost::asio::awaitable<bool> Queue(const Value& q, const std::string& where);
  boost::asio::awaitable<bool> Topic(const Value& t, const std::string& where);
  boost::asio::awaitable<bool> Function(const Value& f, const std::string& where);
  boost::asio::awaitable<bool> HttpApi(const Value& api, const std::string& where);
  boost::asio::awaitable<bool> RestApi(const Value& api, const std::string& where);

  std::string QueueArn(const std::string& name) const {
    return name.rfind("arn:", 0) == 0 ? name
                                      : "arn:aws:sqs:" + scope_.region + ":" + scope_.account_id +
                                            ":" + name;
  }
  std::string FunctionArn(const std::string& name) const {
    return name.rfind("arn:", 0) == 0 ? name
                                      : "arn:aws:lambda:" + scope_.region + ":" +
                                            scope_.account_id + ":function:" + name;
  }
  std::string TopicArn(const std::string& name) const {
    return name.rfind("arn:", 0) == 0 ? name
                                      : "arn:aws:sns:" + scope_.region + ":" + scope_.account_id +
                                            ":" + name;
  }
  std::string Role() const {
    return "arn:aws:iam::" + scope_.account_id + ":role/nimbus-config";
  }

  ServiceClient& client_;
  Scope scope_;
  std::string base_dir_;
  // Whether the last call failed only because its resource exists (a restart with
  // PERSISTENCE=1 applies the same file again): the resource is kept as it is.
  bool Exists() {
    if (last_code_ != "ResourceConflictException") {
      return false;
    }
    error_.clear();
    return true;
  }
  boost::asio::awaitable<bool> ApiExists(const std::string& name, bool rest);

  std::map<std::string, std::string> queue_urls_;
  std::string error_;
  std::string last_code_;
};

boost::asio::awaitable<std::optional<Document>> Applier::Call(const std::string& what,
                                                              std::string_view service,
                                                              std::string_view operation,
                                                              Params params) {
  auto result = co_await client_.Call(service, operation, scope_, params.Take());
  last_code_.clear();
  if (!result) {
    last_code_ = result.error().code;
    error_ = what + ": " + std::string(operation) + ": " + result.error().code + ": " +
             result.error().message;
    co_return std::nullopt;
  }
  co_return std::move(*result);
}

boost::asio::awaitable<bool> Applier::Queue(const Value& q, const std::string& where) {
  std::string name = Str(q, "name");
  Params p;
  p.Set("QueueName", name);
  std::map<std::string, std::string> attributes;
  if (const Value* attrs = Member(q, "attributes")) {
    if (!attrs->IsObject()) {
      throw std::invalid_argument(where + ": \"attributes\" must be a mapping");
    }
    for (const auto& m : attrs->GetObject()) {
      attributes[m.name.GetString()] = ScalarText(m.value);
    }
  }
  if (const Value* dl = Member(q, "dead_letter")) {
    CheckKeys(*dl, where + ".dead_letter", {"queue", "max_receive_count"});
    attributes["RedrivePolicy"] = R"({"deadLetterTargetArn":")" + QueueArn(Str(*dl, "queue")) +
                                  R"(","maxReceiveCount":)" + Str(*dl, "max_receive_count", "3") +
                                  "}";
  }
  if (!attributes.empty()) {
    p.SetValue("Attributes", p.MapValue(attributes));
  }
  p.SetMap("tags", Member(q, "tags"));
  auto out = co_await Call(where + " " + name, "sqs", "CreateQueue", std::move(p));
  if (!out) {
    co_return false;
  }
  queue_urls_[name] = OutString(*out, "QueueUrl");
  std::printf("Created queue %s: %s\n", name.c_str(), queue_urls_[name].c_str());
  co_return true;
}

boost::asio::awaitable<bool> Applier::Topic(const Value& t, const std::string& where) {
  std::string name = Str(t, "name");
  Params p;
  p.Set("Name", name);
  p.SetMap("Attributes", Member(t, "attributes"));
  if (const Value* tags = Member(t, "tags")) {
    Value list = p.Array();
    for (const auto& m : tags->GetObject()) {
      Value tag = p.Object();
      tag.AddMember("Key", p.Text(m.name.GetString()), p.a());
      tag.AddMember("Value", p.Text(ScalarText(m.value)), p.a());
      list.PushBack(tag, p.a());
    }
    p.SetValue("Tags", std::move(list));
  }
  auto out = co_await Call(where + " " + name, "sns", "CreateTopic", std::move(p));
  if (!out) {
    co_return false;
  }
  std::string arn = OutString(*out, "TopicArn");
  std::printf("Created topic %s: %s\n", name.c_str(), arn.c_str());
  if (const Value* subs = Member(t, "subscriptions")) {
    for (rapidjson::SizeType i = 0; i < subs->Size(); ++i) {
      const Value& s = (*subs)[i];
      std::string sw = where + ".subscriptions[" + std::to_string(i) + "]";
      CheckKeys(s, sw, {"protocol", "endpoint", "attributes"});
      std::string protocol = Str(s, "protocol");
      std::string endpoint = Str(s, "endpoint");
      if (protocol == "sqs") {
        endpoint = QueueArn(endpoint);
      } else if (protocol == "lambda") {
        endpoint = FunctionArn(endpoint);
      }
      Params sp;
      sp.Set("TopicArn", arn).Set("Protocol", protocol).Set("Endpoint", endpoint);
      sp.SetMap("Attributes", Member(s, "attributes"));
      sp.SetBool("ReturnSubscriptionArn", true);
      if (!co_await Call(sw, "sns", "Subscribe", std::move(sp))) {
        co_return false;
      }
      std::printf("Subscribed %s to topic %s\n", endpoint.c_str(), name.c_str());
    }
  }
  co_return true;
}

boost::asio::awaitable<bool> Applier::Function(const Value& f, const std::string& where) {
  fs::path dir = fs::path(Str(f, "path"));
  if (dir.is_relative()) {
    dir = fs::path(base_dir_) / dir;
  }
  std::error_code ec;
  dir = fs::weakly_canonical(dir, ec);
  FunctionFolder folder;
  if (fs::exists(dir / "lambda.json")) {
    folder = LoadFunctionFolder(dir.string());
  } else {
    folder.dir = dir.string();
    folder.name = dir.filename().string();
  }
  folder.name = Str(f, "name", folder.name);
  folder.handler = Str(f, "handler", folder.handler);
  folder.runtime = Str(f, "runtime", folder.runtime);
  folder.role = Str(f, "role", folder.role);
  folder.description = Str(f, "description", folder.description);
  if (const Value* v = Member(f, "timeout"); v != nullptr && v->IsInt()) {
    folder.timeout = v->GetInt();
  }
  if (const Value* v = Member(f, "memory"); v != nullptr && v->IsInt()) {
    folder.memory = v->GetInt();
  }
  if (const Value* env = Member(f, "environment")) {
    for (const auto& m : env->GetObject()) {
      folder.variables[m.name.GetString()] = ScalarText(m.value);
    }
  }
  if (folder.runtime.empty() && !folder.handler.empty()) {
    folder.runtime = InferRuntime(folder.dir, folder.handler);
  }
  if (folder.role.empty()) {
    folder.role = Role();
  }
  Params p;
  p.Set("FunctionName", folder.name)
      .Set("Runtime", folder.runtime)
      .Set("Role", folder.role)
      .Set("Handler", folder.handler)
      .Set("Timeout", folder.timeout)
      .Set("MemorySize", folder.memory);
  if (!folder.description.empty()) {
    p.Set("Description", folder.description);
  }
  Value code = p.Object();
  code.AddMember("S3Bucket", p.Text("hot-reload"), p.a());
  code.AddMember("S3Key", p.Text(folder.dir), p.a());
  p.SetValue("Code", std::move(code));
  if (!folder.variables.empty()) {
    Value env = p.Object();
    env.AddMember("Variables", p.MapValue(folder.variables), p.a());
    p.SetValue("Environment", std::move(env));
  }
  if (co_await Call(where + " " + folder.name, "lambda", "CreateFunction", std::move(p))) {
    std::printf("Created function %s (%s, %s) from %s\n", folder.name.c_str(),
                folder.runtime.c_str(), folder.handler.c_str(), folder.dir.c_str());
  } else if (Exists()) {
    std::printf("Function %s exists; kept\n", folder.name.c_str());
  } else {
    co_return false;
  }
  if (const Value* events = Member(f, "events")) {
    for (rapidjson::SizeType i = 0; i < events->Size(); ++i) {
      const Value& e = (*events)[i];
      std::string ew = where + ".events[" + std::to_string(i) + "]";
      CheckKeys(e, ew, {"queue", "batch_size", "batching_window", "report_failures", "enabled"});
      Params ep;
      ep.Set("EventSourceArn", QueueArn(Str(e, "queue"))).Set("FunctionName", folder.name);
      if (const Value* v = Member(e, "batch_size"); v != nullptr && v->IsInt()) {
        ep.Set("BatchSize", v->GetInt());
      }
      if (const Value* v = Member(e, "batching_window"); v != nullptr && v->IsInt()) {
        ep.Set("MaximumBatchingWindowInSeconds", v->GetInt());
      }
      if (const Value* v = Member(e, "enabled"); v != nullptr && v->IsBool()) {
        ep.SetBool("Enabled", v->GetBool());
      }
      if (const Value* v = Member(e, "report_failures"); v != nullptr && v->IsBool() &&
                                                         v->GetBool()) {
        Value types = ep.Array();
        types.PushBack(ep.Text("ReportBatchItemFailures"), ep.a());
        ep.SetValue("FunctionResponseTypes", std::move(types));
      }
      if (co_await Call(ew, "lambda", "CreateEventSourceMapping", std::move(ep))) {
        std::printf("Mapped queue %s to function %s\n", Str(e, "queue").c_str(),
                    folder.name.c_str());
      } else if (!Exists()) {
        co_return false;
      }
    }
  }
  co_return true;
}

// "POST /orders" → {"POST", "/orders"}.
std::pair<std::string, std::string> SplitRoute(const std::string& route) {
  size_t space = route.find(' ');
  if (space == std::string::npos) {
    return {"ANY", route};
  }
  return {route.substr(0, space), route.substr(space + 1)};
}

boost::asio::awaitable<bool> Applier::ApiExists(const std::string& name, bool rest) {
  Params p;
  if (rest) {
    p.Set("limit", int64_t{500});
  } else {
    p.Set("MaxResults", std::string("500"));  // a string in the v2 model
  }
  auto out = co_await client_.Call(rest ? "apigateway" : "apigatewayv2",
                                   rest ? "GetRestApis" : "GetApis", scope_, p.Take());
  const char* list = rest ? "items" : "Items";
  const char* key = rest ? "name" : "Name";
  if (out && out->HasMember(list) && (*out)[list].IsArray()) {
    for (const auto& item : (*out)[list].GetArray()) {
      if (item.HasMember(key) && item[key].IsString() && name == item[key].GetString()) {
        co_return true;
      }
    }
  }
  co_return false;
}

boost::asio::awaitable<bool> Applier::HttpApi(const Value& api, const std::string& where) {
  std::string name = Str(api, "name");
  // APIs have no natural key: one of the same name (a restart with PERSISTENCE=1) is kept.
  if (co_await ApiExists(name, false)) {
    std::printf("HTTP API %s exists; kept\n", name.c_str());
    co_return true;
  }
  Params p;
  p.Set("Name", name).Set("ProtocolType", "HTTP");
  auto out = co_await Call(where + " " + name, "apigatewayv2", "CreateApi", std::move(p));
  if (!out) {
    co_return false;
  }
  std::string api_id = OutString(*out, "ApiId");
  const Value* routes = Member(api, "routes");
  for (rapidjson::SizeType i = 0; routes != nullptr && i < routes->Size(); ++i) {
    const Value& r = (*routes)[i];
    std::string rw = where + ".routes[" + std::to_string(i) + "]";
    CheckKeys(r, rw, {"route", "function", "queue"});
    Params ip;
    ip.Set("ApiId", api_id).Set("IntegrationType", "AWS_PROXY");
    if (Member(r, "function") != nullptr) {
      ip.Set("IntegrationUri", FunctionArn(Str(r, "function"))).Set("PayloadFormatVersion", "2.0");
    } else {
      std::string queue = Str(r, "queue");
      ip.Set("IntegrationSubtype", "SQS-SendMessage")
          .Set("PayloadFormatVersion", "1.0")
          .Set("CredentialsArn", Role());
      std::map<std::string, std::string> params = {
          {"QueueUrl", queue_urls_.count(queue) ? queue_urls_[queue] : queue},
          {"MessageBody", "$request.body"}};
      ip.SetValue("RequestParameters", ip.MapValue(params));
    }
    auto integration = co_await Call(rw, "apigatewayv2", "CreateIntegration", std::move(ip));
    if (!integration) {
      co_return false;
    }
    Params rp;
    rp.Set("ApiId", api_id)
        .Set("RouteKey", Str(r, "route"))
        .Set("Target", "integrations/" + OutString(*integration, "IntegrationId"));
    if (!co_await Call(rw, "apigatewayv2", "CreateRoute", std::move(rp))) {
      co_return false;
    }
  }
  Params sp;
  sp.Set("ApiId", api_id).Set("StageName", Str(api, "stage", "$default")).SetBool("AutoDeploy",
                                                                                   true);
  if (!co_await Call(where + " " + name, "apigatewayv2", "CreateStage", std::move(sp))) {
    co_return false;
  }
  std::printf("Created HTTP API %s: %s\n", name.c_str(), api_id.c_str());
  co_return true;
}

boost::asio::awaitable<bool> Applier::RestApi(const Value& api, const std::string& where) {
  std::string name = Str(api, "name");
  if (co_await ApiExists(name, true)) {
    std::printf("REST API %s exists; kept\n", name.c_str());
    co_return true;
  }
  Params p;
  p.Set("name", name);
  auto out = co_await Call(where + " " + name, "apigateway", "CreateRestApi", std::move(p));
  if (!out) {
    co_return false;
  }
  std::string api_id = OutString(*out, "id");
  std::string root_id = OutString(*out, "rootResourceId");
  if (root_id.empty()) {
    Params gp;
    gp.Set("restApiId", api_id);
    auto resources = co_await Call(where, "apigateway", "GetResources", std::move(gp));
    if (!resources) {
      co_return false;
    }
    for (const auto& item : (*resources)["items"].GetArray()) {
      if (std::string_view(item["path"].GetString()) == "/") {
        root_id = item["id"].GetString();
      }
    }
  }
  std::map<std::string, std::string> resource_ids = {{"", root_id}};
  const Value* routes = Member(api, "routes");
  for (rapidjson::SizeType i = 0; routes != nullptr && i < routes->Size(); ++i) {
    const Value& r = (*routes)[i];
    std::string rw = where + ".routes[" + std::to_string(i) + "]";
    CheckKeys(r, rw, {"route", "function", "queue"});
    auto [method, path] = SplitRoute(Str(r, "route"));
    // One resource per path segment, created once.
    std::string prefix;
    std::string parent = root_id;
    std::stringstream segments(path);
    std::string part;
    while (std::getline(segments, part, '/')) {
      if (part.empty()) {
        continue;
      }
      prefix += "/" + part;
      if (!resource_ids.count(prefix)) {
        Params cp;
        cp.Set("restApiId", api_id).Set("parentId", parent).Set("pathPart", part);
        auto created = co_await Call(rw, "apigateway", "CreateResource", std::move(cp));
        if (!created) {
          co_return false;
        }
        resource_ids[prefix] = OutString(*created, "id");
      }
      parent = resource_ids[prefix];
    }
    Params mp;
    mp.Set("restApiId", api_id)
        .Set("resourceId", parent)
        .Set("httpMethod", method)
        .Set("authorizationType", "NONE");
    if (!co_await Call(rw, "apigateway", "PutMethod", std::move(mp))) {
      co_return false;
    }
    Params ip;
    ip.Set("restApiId", api_id).Set("resourceId", parent).Set("httpMethod", method);
    ip.Set("integrationHttpMethod", "POST");
    if (Member(r, "function") != nullptr) {
      ip.Set("type", "AWS_PROXY")
          .Set("uri", "arn:aws:apigateway:" + scope_.region +
                          ":lambda:path/2015-03-31/functions/" + FunctionArn(Str(r, "function")) +
                          "/invocations");
    } else {
      std::string queue = Str(r, "queue");
      ip.Set("type", "AWS")
          .Set("credentials", Role())
          .Set("uri", "arn:aws:apigateway:" + scope_.region + ":sqs:path/" + scope_.account_id +
                          "/" + queue);
      ip.SetValue("requestParameters",
                  ip.MapValue({{"integration.request.header.Content-Type",
                                "'application/x-www-form-urlencoded'"}}));
      ip.SetValue("requestTemplates",
                  ip.MapValue({{"application/json",
                                "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"}}));
    }
    if (!co_await Call(rw, "apigateway", "PutIntegration", std::move(ip))) {
      co_return false;
    }
    if (Member(r, "queue") != nullptr) {
      // A non-proxy integration answers only through its responses.
      Params mr;
      mr.Set("restApiId", api_id).Set("resourceId", parent).Set("httpMethod", method)
          .Set("statusCode", "200");
      if (!co_await Call(rw, "apigateway", "PutMethodResponse", std::move(mr))) {
        co_return false;
      }
      Params ir;
      ir.Set("restApiId", api_id).Set("resourceId", parent).Set("httpMethod", method)
          .Set("statusCode", "200");
      if (!co_await Call(rw, "apigateway", "PutIntegrationResponse", std::move(ir))) {
        co_return false;
      }
    }
  }
  Params dp;
  dp.Set("restApiId", api_id).Set("stageName", Str(api, "stage", "local"));
  if (!co_await Call(where + " " + name, "apigateway", "CreateDeployment", std::move(dp))) {
    co_return false;
  }
  std::printf("Created REST API %s: %s (stage %s)\n", name.c_str(), api_id.c_str(),
              Str(api, "stage", "local").c_str());
  co_return true;
}

boost::asio::awaitable<std::string> Applier::Run(const Document& doc) {
  if (const Value* list = Member(doc, "queues")) {
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      if (!co_await Queue((*list)[i], "queues[" + std::to_string(i) + "]")) {
        co_return error_;
      }
    }
  }
  if (const Value* list = Member(doc, "topics")) {
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      if (!co_await Topic((*list)[i], "topics[" + std::to_string(i) + "]")) {
        co_return error_;
      }
    }
  }
  if (const Value* list = Member(doc, "functions")) {
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      if (!co_await Function((*list)[i], "functions[" + std::to_string(i) + "]")) {
        co_return error_;
      }
    }
  }
  if (const Value* list = Member(doc, "apis")) {
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const Value& api = (*list)[i];
      std::string where = "apis[" + std::to_string(i) + "]";
      bool ok = false;
      if (Str(api, "type", "http") == "rest") {
        ok = co_await RestApi(api, where);
      } else {
        ok = co_await HttpApi(api, where);
      }
      if (!ok) {
        co_return error_;
      }
    }
  }
  co_return "";
}

}  // namespace

std::string ExpandVariables(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';  // $$ is a literal $ (as in compose files)
      ++i;
      continue;
    }
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      out += text[i];
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      throw std::invalid_argument("unterminated ${ at offset " + std::to_string(i));
    }
    std::string expr = text.substr(i + 2, close - i - 2);
    std::string name = expr;
    std::optional<std::string> fallback;
    if (size_t dash = expr.find(":-"); dash != std::string::npos) {
      name = expr.substr(0, dash);
      fallback = expr.substr(dash + 2);
    }
    const char* value = std::getenv(name.c_str());
    if (value != nullptr && *value != '\0') {
      out += value;
    } else if (fallback) {
      out += *fallback;
    } else {
      throw std::invalid_argument("${" + name + "} is not set (use ${" + name +
                                  ":-default} for a default)");
    }
    i = close;
  }
  return out;
}

std::unique_ptr<DeclarativeConfig> DeclarativeConfig::FromEnvironment() {
  const char* path = std::getenv("NIMBUS_CONFIG");
  if (path == nullptr || *path == '\0') {
    return nullptr;
  }
  return Load(path);
}

std::unique_ptr<DeclarativeConfig> DeclarativeConfig::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::invalid_argument("NIMBUS_CONFIG: cannot read " + path);
  }
  std::stringstream raw;
  raw << in.rdbuf();
  Document doc;
  try {
    std::string text = ExpandVariables(raw.str());
    if (fs::path(path).extension() == ".json") {
      doc.Parse(text.c_str());
      if (doc.HasParseError()) {
        throw std::invalid_argument(std::string("JSON: ") +
                                    rapidjson::GetParseError_En(doc.GetParseError()) +
                                    " at offset " + std::to_string(doc.GetErrorOffset()));
      }
    } else {
      doc = ParseYaml(text);
    }
    std::error_code ec;
    auto config = std::unique_ptr<DeclarativeConfig>(new DeclarativeConfig(
        fs::absolute(path, ec).parent_path().string(), std::move(doc)));
    config->Validate();
    return config;
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("NIMBUS_CONFIG " + path + ": " + e.what());
  }
}

void DeclarativeConfig::Validate() const {
  CheckKeys(doc_, "top level", {"region", "account", "queues", "topics", "functions", "apis"});
  if (const Value* v = Member(doc_, "queues")) {
    Check(*v, "queues", {"name", "attributes", "tags", "dead_letter"});
  }
  if (const Value* v = Member(doc_, "topics")) {
    Check(*v, "topics", {"name", "attributes", "tags", "subscriptions"});
  }
  if (const Value* v = Member(doc_, "functions")) {
    Check(*v, "functions", {"path", "name", "handler", "runtime", "role", "timeout", "memory",
                            "environment", "description", "events"});
    for (const auto& f : v->GetArray()) {
      if (Member(f, "path") == nullptr) {
        throw std::invalid_argument("functions: every function needs a \"path\"");
      }
    }
  }
  if (const Value* v = Member(doc_, "apis")) {
    Check(*v, "apis", {"name", "type", "stage", "routes"});
    for (const auto& api : v->GetArray()) {
      std::string type = Str(api, "type", "http");
      if (type != "http" && type != "rest") {
        throw std::invalid_argument("apis: type must be \"http\" or \"rest\"");
      }
    }
  }
  for (const char* list : {"queues", "topics", "apis"}) {
    if (const Value* v = Member(doc_, list)) {
      for (const auto& item : v->GetArray()) {
        if (Str(item, "name").empty()) {
          throw std::invalid_argument(std::string(list) + ": every entry needs a \"name\"");
        }
      }
    }
  }
}

boost::asio::awaitable<std::string> DeclarativeConfig::Apply(ServiceClient& client) {
  Scope scope;
  scope.region = Str(doc_, "region", kDefaultRegion);
  scope.account_id = Str(doc_, "account", kDefaultAccountId);
  Applier applier(client, scope, base_dir_);
  try {
    co_return co_await applier.Run(doc_);
  } catch (const std::invalid_argument& e) {
    co_return e.what();
  }
}

}  // namespace nimbus::cli
