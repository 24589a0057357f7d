#pragma once

#include <string>
#include <string_view>

namespace nimbus::logs {

// A gzip member (RFC 1952) of `data`, as CloudWatch Logs compresses subscription payloads.
std::string Gzip(std::string_view data);

// The inflated content of a gzip stream, or "" if it is not one (tests and tools).
std::string Gunzip(std::string_view data);

}  // namespace nimbus::logs
