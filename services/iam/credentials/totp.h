#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::iam {

// RFC 4648 base32 (A-Z2-7, no padding), as IAM's Base32StringSeed.
std::string Base32Encode(std::string_view bytes);
std::optional<std::string> Base32Decode(std::string_view text);

// RFC 6238 TOTP with HMAC-SHA1, 30-second steps, 6 digits: the code of time step `counter`.
std::string TotpCode(std::string_view key, uint64_t counter);

// The time step at which `code1` and `code2` are two consecutive codes, searching `window`
// steps either side of the step of `now`; nullopt when none matches.
std::optional<uint64_t> FindConsecutiveCodes(std::string_view key, const std::string& code1,
                                             const std::string& code2, double now, int window);

}  // namespace nimbus::iam
