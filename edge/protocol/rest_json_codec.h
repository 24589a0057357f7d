#pragma once

#include "edge/protocol/codec.h"

namespace nimbus::protocol {

// restJson1: the operation comes from the method and URI template; members bind to URI labels,
// query string, headers and the JSON (or raw payload) body (Lambda, API Gateway v1/v2).
class RestJsonCodec final : public Codec {
 public:
  Result<OperationCall> Decode(const HttpRequest& request, const ServiceSpec& spec) const override;
  HttpResponse Encode(const ServiceSpec& spec, const OperationSpec& op,
                      const rapidjson::Value& output, const ResponseContext& ctx) const override;
  HttpResponse EncodeError(const ServiceSpec& spec, const AwsError& error,
                           const ResponseContext& ctx) const override;
};

// The operation whose URI template matches (most literal segments win), with raw label values.
struct RestMatch {
  const RestRoute* route = nullptr;
  std::vector<std::pair<std::string, std::string>> labels;  // name → raw (still %-encoded)
};
std::optional<RestMatch> MatchRestRoute(const ServiceSpec& spec, std::string_view method,
                                        std::string_view path, std::string_view query);

}  // namespace nimbus::protocol
