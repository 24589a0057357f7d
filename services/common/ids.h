#pragma once

#include <string>

namespace nimbus {

// A random RFC 4122 version-4 UUID, lowercase ("8c7f...-...").
std::string NewUuid();

// `n` random characters from [0-9a-f].
std::string RandomHex(size_t n);

// `n` random characters from [A-Z0-9], as AWS unique ids use after their prefix (AIDA...).
std::string RandomUpperAlnum(size_t n);

}  // namespace nimbus
