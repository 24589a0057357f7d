// libFuzzer target: the rest-json codec on arbitrary request lines, headers and bodies (Lambda,
// API Gateway v1/v2). Head: "<service byte><METHOD> <path>[?query]".
#include "edge/protocol/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus::protocol;
  auto [head, body] = fuzz::SplitHead(data, size);
  const auto& spec = fuzz::PickService(head, {"lambda", "apigateway", "apigatewayv2"});
  std::string_view line = head.size() > 1 ? head.substr(1) : "";
  HttpRequest req;
  auto sp = line.find(' ');
  req.method = std::string(line.substr(0, sp));
  std::string_view target = sp == std::string_view::npos ? "/" : line.substr(sp + 1);
  auto q = target.find('?');
  req.path = std::string(target.substr(0, q));
  req.query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
  req.headers = {{"content-type", "application/json"},
                 {"x-amz-invocation-type", "Event"},
                 {"x-amz-client-context", "e30="}};
  req.body = std::string(body);
  fuzz::DecodeAndEncode(CodecFor(Protocol::kRestJson), spec, req);
  return 0;
}
