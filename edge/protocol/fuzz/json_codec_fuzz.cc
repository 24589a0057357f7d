// libFuzzer target: the JSON codec on arbitrary targets and bodies (Logs, SQS JSON).
#include "edge/protocol/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus::protocol;
  auto [head, body] = fuzz::SplitHead(data, size);
  const auto& spec = fuzz::PickService(head, {"sqs", "logs"});
  HttpRequest req;
  req.method = "POST";
  req.path = "/";
  // The head names the operation, so the fuzzer reaches every input shape.
  std::string op = head.size() > 1 ? std::string(head.substr(1)) : "";
  req.headers = {{"x-amz-target", spec.target_prefix + "." + op},
                 {"content-type", "application/x-amz-json-1.0"}};
  req.body = std::string(body);
  fuzz::DecodeAndEncode(CodecFor(Protocol::kJson), spec, req);
  return 0;
}
