#include "edge/protocol/json_codec.h"

#include "edge/protocol/value_codec.h"

namespace nimbus::protocol {
namespace {

AwsError Malformed(const ServiceSpec& spec, std::string message) {
  return AwsError::Sender(spec.conventions.malformed_code, std::move(message));
}

std::string ContentType(const ServiceSpec& spec) {
  return "application/x-amz-json-" + (spec.json_version.empty() ? "1.0" : spec.json_version);
}

}  // namespace

Result<OperationCall> JsonCodec::Decode(const HttpRequest& request,
                                        const ServiceSpec& spec) const {
  std::string_view target = request.Header("x-amz-target");
  auto dot = target.rfind('.');
  std::string_view prefix = dot == std::string_view::npos ? "" : target.substr(0, dot);
  std::string_view name = dot == std::string_view::npos ? target : target.substr(dot + 1);
  const OperationSpec* op = prefix == spec.target_prefix ? spec.FindOperation(name) : nullptr;
  if (op == nullptr) {
    return AwsError::Sender("UnknownOperationException",
                            "Unknown operation " + std::string(target));
  }
  OperationCall call;
  call.operation = op;
  call.params.SetObject();
  // The wire document is only read while the params are built: it is parsed into a pool that
  // starts on the stack.
  char scratch[2048];
  OperationCall::Pool pool(scratch, sizeof scratch, OperationCall::kPoolChunk);
  rapidjson::Document body(&pool);
  std::string_view text = request.body;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    text = "{}";
  }
  body.Parse(text.data(), text.size());
  if (body.HasParseError() || !body.IsObject()) {
    return Malformed(spec, "Request body is not a valid JSON object");
  }
  if (op->input != nullptr) {
    auto params = FromWireJson(TopLevelRef(op->input), body, call.params.GetAllocator(), "");
    if (!params.has_value()) {
      return Malformed(spec, params.error().message);
    }
    static_cast<rapidjson::Value&>(call.params) = std::move(*params);
  }
  return call;
}

HttpResponse JsonCodec::Encode(const ServiceSpec& spec, const OperationSpec& op,
                               const rapidjson::Value& output, const ResponseContext&) const {
  HttpResponse res;
  res.SetHeader("Content-Type", ContentType(spec));
  if (op.output == nullptr) {
    res.body = "{}";
    return res;
  }
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  WriteWireJsonStructure(*op.output, output, w, false);
  res.body.assign(sb.GetString(), sb.GetSize());
  return res;
}

HttpResponse JsonCodec::EncodeError(const ServiceSpec& spec, const AwsError& error,
                                    const ResponseContext&) const {
  HttpResponse res;
  res.status = error.http_status;
  res.SetHeader("Content-Type", ContentType(spec));
  if (spec.query_compatible) {
    // AWS: query-compatible services name the legacy query code and fault for SDKs that
    // surface it (x-amzn-query-error: <code>;<Sender|Receiver>).
    res.SetHeader("x-amzn-query-error", QueryErrorCode(spec, error) + ";" +
                                            (error.fault == Fault::kSender ? "Sender" : "Receiver"));
  }
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartObject();
  w.Key("__type");
  w.String(error.code.c_str(), static_cast<rapidjson::SizeType>(error.code.size()));
  w.Key("message");
  w.String(error.message.c_str(), static_cast<rapidjson::SizeType>(error.message.size()));
  for (const auto& [key, value] : error.fields) {
    w.Key(key.c_str());
    w.String(value.c_str());
  }
  w.EndObject();
  res.body.assign(sb.GetString(), sb.GetSize());
  return res;
}

}  // namespace nimbus::protocol
