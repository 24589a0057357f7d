#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "services/common/base64.h"

namespace nimbus::protocol {

using nimbus::Base64Decode;
using nimbus::Base64Encode;

// Percent-decoding of a URL component; `plus_is_space` for form bodies and query strings.
// nullopt on a malformed escape (`%` not followed by two hex digits).
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);
// RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ is escaped (and `/` unless kept).
std::string PercentEncode(std::string_view in, bool keep_slash = false);

// application/x-www-form-urlencoded (also a URL query string). Keys are unique (last wins) and
// sorted, so prefix scans are cheap. nullopt on a malformed escape.
using FormParams = std::map<std::string, std::string, std::less<>>;
std::optional<FormParams> ParseForm(std::string_view body);

// Timestamps. Epoch seconds as double, to keep millisecond precision.
std::string FormatIso8601(double epoch_seconds);
std::string FormatHttpDate(double epoch_seconds);  // RFC 7231: "Tue, 29 Apr 2014 18:30:38 GMT"
// Accepts ISO 8601 (Z or ±hh:mm, optional fraction), RFC 7231 dates and epoch-seconds text.
std::optional<double> ParseTimestamp(std::string_view text);

// Appends `text` to `out` with XML escaping (&, <, >, ", ' and CR as AWS escapes them).
void XmlEscapeAppend(std::string& out, std::string_view text);

// A JSON number text for a double as botocore prints it: integral values without a fraction.
std::string FormatDouble(double v);

}  // namespace nimbus::protocol
