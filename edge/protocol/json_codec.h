#pragma once

#include "edge/protocol/codec.h"

namespace nimbus::protocol {

// awsJson 1.0/1.1: X-Amz-Target selects the operation; JSON body in and out (Logs, SQS).
class JsonCodec final : public Codec {
 public:
  Result<OperationCall> Decode(const HttpRequest& request, const ServiceSpec& spec) const override;
  HttpResponse Encode(const ServiceSpec& spec, const OperationSpec& op,
                      const rapidjson::Value& output, const ResponseContext& ctx) const override;
  HttpResponse EncodeError(const ServiceSpec& spec, const AwsError& error,
                           const ResponseContext& ctx) const override;
};

}  // namespace nimbus::protocol
