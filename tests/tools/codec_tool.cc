// Drives the codecs from JSON lines, for the conformance suite (tests/conformance): requests
// serialized by botocore are decoded here and their params compared; outputs encoded here are
// parsed by botocore and compared.
//
// stdin, one JSON object per line:
//   {"op":"decode","service":"sqs","protocol":"query|json|rest-json","method":"POST",
//    "path":"/","query":"","headers":{"k":"v"},"body_b64":"..."}
//     -> {"operation":"SendMessage","params":{...}} | {"error":{"code","message","status"}}
//   {"op":"encode","service":"sqs","protocol":"json","operation":"X","output":{...}}
//     -> {"status":200,"headers":{...},"body_b64":"..."}
//   {"op":"encode_error","service":"sqs","protocol":"json","code":"X","message":"m",
//    "status":400,"sender":true} -> same as encode
// Blobs travel as base64 strings and timestamps as epoch seconds in both directions.
#include <iostream>
#include <string>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "edge/protocol/codec.h"
#include "edge/protocol/encoding.h"
#include "edge/protocol/params_transport.h"

namespace {

using namespace nimbus;
using namespace nimbus::protocol;
using rapidjson::Value;

Protocol ParseProtocol(std::string_view p) {
  if (p == "query") {
    return Protocol::kQuery;
  }
  if (p == "rest-json") {
    return Protocol::kRestJson;
  }
  return Protocol::kJson;
}

std::string Str(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

void WriteResponse(const HttpResponse& res, rapidjson::Writer<rapidjson::StringBuffer>& w) {
  w.StartObject();
  w.Key("status");
  w.Uint(res.status);
  w.Key("headers");
  w.StartObject();
  for (const auto& [k, v] : res.headers) {
    w.Key(k.c_str());
    w.String(v.c_str());
  }
  w.EndObject();
  w.Key("body_b64");
  w.String(Base64Encode(res.body).c_str());
  w.EndObject();
}

std::string Handle(const std::string& line) {
  rapidjson::Document in;
  in.Parse(line.c_str());
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  if (in.HasParseError() || !in.IsObject()) {
    return R"({"fatal":"bad input line"})";
  }
  const ServiceSpec* spec = SpecRegistry::Instance().Find(Str(in, "service"));
  if (spec == nullptr) {
    return R"({"fatal":"unknown service"})";
  }
  const Codec& codec = CodecFor(ParseProtocol(Str(in, "protocol")));
  std::string op = Str(in, "op");
  ResponseContext rctx{"00000000-0000-4000-8000-000000000000", false};
  if (op == "decode") {
    HttpRequest req;
    req.method = Str(in, "method");
    req.path = Str(in, "path");
    req.query = Str(in, "query");
    req.body = Base64Decode(Str(in, "body_b64")).value_or("");
    if (auto h = in.FindMember("headers"); h != in.MemberEnd()) {
      for (auto it = h->value.MemberBegin(); it != h->value.MemberEnd(); ++it) {
        std::string name = it->name.GetString();
        for (auto& c : name) {
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        req.headers.emplace_back(name, it->value.GetString());
      }
    }
    auto call = codec.Decode(req, *spec);
    w.StartObject();
    if (!call.has_value()) {
      w.Key("error");
      w.StartObject();
      w.Key("code");
      w.String(call.error().code.c_str());
      w.Key("message");
      w.String(call.error().message.c_str());
      w.Key("status");
      w.Uint(call.error().http_status);
      w.EndObject();
    } else {
      w.Key("operation");
      w.String(call->operation->name.c_str());
      if (call->operation->input != nullptr) {
        ConvertBlobs(*call->operation->input, call->params, call->params.GetAllocator(), true);
      }
      w.Key("params");
      call->params.Accept(w);
    }
    w.EndObject();
    return sb.GetString();
  }
  if (op == "encode") {
    const OperationSpec* ops = spec->FindOperation(Str(in, "operation"));
    if (ops == nullptr) {
      return R"({"fatal":"unknown operation"})";
    }
    rapidjson::Document output;
    output.SetObject();
    if (auto o = in.FindMember("output"); o != in.MemberEnd()) {
      output.CopyFrom(o->value, output.GetAllocator());
    }
    if (ops->output != nullptr) {
      ConvertBlobs(*ops->output, output, output.GetAllocator(), false);
    }
    WriteResponse(codec.Encode(*spec, *ops, output, rctx), w);
    return sb.GetString();
  }
  if (op == "encode_error") {
    AwsError e;
    e.code = Str(in, "code");
    e.message = Str(in, "message");
    e.http_status = static_cast<uint16_t>(in["status"].GetUint());
    e.fault = in["sender"].GetBool() ? Fault::kSender : Fault::kReceiver;
    WriteResponse(codec.EncodeError(*spec, e, rctx), w);
    return sb.GetString();
  }
  return R"({"fatal":"unknown op"})";
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) {
      continue;
    }
    std::cout << Handle(line) << '\n' << std::flush;
  }
  return 0;
}
