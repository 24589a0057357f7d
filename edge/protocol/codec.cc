#include "edge/protocol/codec.h"

#include "edge/protocol/json_codec.h"
#include "edge/protocol/query_codec.h"
#include "edge/protocol/rest_json_codec.h"

namespace nimbus::protocol {

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) {
      return v;
    }
  }
  return {};
}

bool HttpRequest::HasHeader(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) {
      return true;
    }
  }
  return false;
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

const Codec& CodecFor(Protocol protocol) {
  static const QueryCodec kQuery;
  static const JsonCodec kJson;
  static const RestJsonCodec kRestJson;
  switch (protocol) {
    case Protocol::kQuery:
      return kQuery;
    case Protocol::kJson:
      return kJson;
    case Protocol::kRestJson:
      return kRestJson;
  }
  return kJson;
}

std::string QueryErrorCode(const ServiceSpec& spec, const AwsError& error) {
  if (const Shape* shape = spec.FindShape(error.code); shape != nullptr) {
    if (shape->query_error && !shape->query_error->code.empty()) {
      return shape->query_error->code;
    }
    if (shape->error && !shape->error->code.empty()) {
      return shape->error->code;
    }
  }
  if (spec.query_compatible) {
    // Errors common to every service, outside the model: the query protocol names them
    // differently from JSON (AWS's SQS answers a JSON AccessDeniedException with
    // x-amzn-query-error: AccessDenied;Sender).
    static constexpr std::pair<std::string_view, std::string_view> kCommonQueryCodes[] = {
        {"UnknownOperationException", "InvalidAction"},
        {"AccessDeniedException", "AccessDenied"},
        {"UnrecognizedClientException", "InvalidClientTokenId"},
        {"InvalidSignatureException", "SignatureDoesNotMatch"},
        {"ExpiredTokenException", "ExpiredToken"},
    };
    for (const auto& [json_code, query_code] : kCommonQueryCodes) {
      if (error.code == json_code) {
        return std::string(query_code);
      }
    }
  }
  return error.code;
}

}  // namespace nimbus::protocol
