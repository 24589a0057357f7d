// libFuzzer target: the query codec on arbitrary form bodies (SNS, IAM, STS, SQS query).
#include "edge/protocol/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus::protocol;
  auto [head, body] = fuzz::SplitHead(data, size);
  const auto& spec = fuzz::PickService(head, {"sqs", "sns", "iam", "sts"});
  HttpRequest req;
  req.method = "POST";
  req.path = "/";
  req.query = head.size() > 1 ? std::string(head.substr(1)) : "";
  req.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  req.body = std::string(body);
  fuzz::DecodeAndEncode(CodecFor(Protocol::kQuery), spec, req);
  return 0;
}
