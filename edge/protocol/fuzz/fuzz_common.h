#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edge/protocol/codec.h"

namespace nimbus::protocol::fuzz {

// Splits fuzz input at the first '\n': the head picks what the target varies (service, target
// header, request line), the tail is the body.
inline std::pair<std::string_view, std::string_view> SplitHead(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  auto nl = all.find('\n');
  if (nl == std::string_view::npos) {
    return {all, {}};
  }
  return {all.substr(0, nl), all.substr(nl + 1)};
}

// Decodes the request with the service's codec and, whatever the outcome, encodes a response
// (the decoded params re-encoded as the operation's output, or the error), so both directions
// run on hostile input. Never throws for any input: a throw or crash is a finding.
inline void DecodeAndEncode(const Codec& codec, const ServiceSpec& spec,
                            const HttpRequest& request) {
  ResponseContext ctx{"fuzz", false};
  auto call = codec.Decode(request, spec);
  if (!call.has_value()) {
    (void)codec.EncodeError(spec, call.error(), ctx);
    return;
  }
  (void)codec.Encode(spec, *call->operation, call->params, ctx);
}

inline const ServiceSpec& PickService(std::string_view head, std::initializer_list<const char*> names) {
  size_t i = head.empty() ? 0 : static_cast<unsigned char>(head[0]) % names.size();
  return *SpecRegistry::Instance().Find(*(names.begin() + i));
}

}  // namespace nimbus::protocol::fuzz
