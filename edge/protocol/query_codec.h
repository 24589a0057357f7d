#pragma once

#include "edge/protocol/codec.h"

namespace nimbus::protocol {

class QueryCodec final : public Codec {
 public:
  Result<OperationCall> Decode(const HttpRequest& request, const ServiceSpec& spec) const override;
  HttpResponse Encode(const ServiceSpec& spec, const OperationSpec& op,
                      const rapidjson::Value& output, const ResponseContext& ctx) const override;
  HttpResponse EncodeError(const ServiceSpec& spec, const AwsError& error,
                           const ResponseContext& ctx) const override;
};

}  // namespace nimbus::protocol
