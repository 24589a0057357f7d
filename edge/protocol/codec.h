#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "edge/protocol/shape.h"
#include "services/common/aws_error.h"

namespace nimbus::protocol {

// The HTTP request as the codecs see it: independent of Beast so codecs and their tests need
// no server. Header names are lowercase.
struct HttpRequest {
  std::string method;
  std::string path;   // raw (still percent-encoded), without the query
  std::string query;  // raw, after '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string peer_address;  // the TCP peer's IP (aws:SourceIp, API Gateway's sourceIp)

  // First value of a header (name lowercase), or empty.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

struct HttpResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void SetHeader(std::string name, std::string value);
};

// A decoded AWS call: the operation and its params, a JSON object shaped like the model's input
// (member names as keys; timestamps as epoch seconds; blobs as raw bytes), whatever the wire.
//
// Decoded params live in a pool with small chunks, owned by the call: a Document's own pool
// starts with a 64 KiB chunk, and a few of those per request made glibc grow and trim its heap
// (and the kernel fault its pages back in) on every request.
struct OperationCall {
  using Pool = rapidjson::MemoryPoolAllocator<>;
  static constexpr size_t kPoolChunk = 4096;

  OperationCall()
      : pool(std::make_unique<Pool>(kPoolChunk)), params(rapidjson::kObjectType, pool.get()) {}
  OperationCall(const OperationSpec* op, rapidjson::Document p)
      : operation(op), params(std::move(p)) {}

  const OperationSpec* operation = nullptr;
  std::unique_ptr<Pool> pool;  // declared before params: outlives it
  rapidjson::Document params;
};

struct ResponseContext {
  std::string request_id;
  // SQS query: the request asked for JSON (Accept: application/json), as API Gateway's
  // AWS integrations do; the answer is the query response rendered as JSON.
  bool accept_json = false;
};

// One codec per AWS protocol, generic over services (style G2). Stateless and thread-safe.
class Codec {
 public:
  virtual ~Codec() = default;
  virtual Result<OperationCall> Decode(const HttpRequest& request,
                                       const ServiceSpec& spec) const = 0;
  virtual HttpResponse Encode(const ServiceSpec& spec, const OperationSpec& op,
                              const rapidjson::Value& output,
                              const ResponseContext& ctx) const = 0;
  virtual HttpResponse EncodeError(const ServiceSpec& spec, const AwsError& error,
                                   const ResponseContext& ctx) const = 0;
};

const Codec& CodecFor(Protocol protocol);

// The wire code of an error under a protocol: SQS errors have a legacy query code that query
// responses and x-amzn-query-error carry; the JSON __type is the shape name.
std::string QueryErrorCode(const ServiceSpec& spec, const AwsError& error);

}  // namespace nimbus::protocol
