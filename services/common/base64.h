#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nimbus {

// Standard base64 (RFC 4648) with padding. Decoding also accepts the URL-safe alphabet and
// returns nullopt on any other character or bad padding.
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace nimbus
