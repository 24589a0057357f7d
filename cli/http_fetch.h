#pragma once

#include <string>

namespace nimbus::cli {

// GETs an http:// or https:// URL (following up to 5 redirects) and returns the body. Blocking:
// for the command line only, never on a server strand. HTTPS verifies the peer against the
// system's CA store. Throws std::runtime_error with a one-line reason (status >= 400 included).
std::string HttpGet(const std::string& url);

}  // namespace nimbus::cli
