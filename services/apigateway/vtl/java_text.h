#pragma once

// Java library behaviour the templates rely on: commons-lang escapeJavaScript, URLEncoder /
// URLDecoder and String indexing in characters (java_regex.h has the regex engine).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::apigateway::vtl {

// StringEscapeUtils.escapeJavaScript: ' " \ / escaped with a backslash, control characters as
// \b \t \n \f \r or \u00XX, everything outside ASCII as \uXXXX (UTF-16 units).
std::string EscapeJavaScript(std::string_view s);
// URLEncoder.encode(s, "UTF-8"): form encoding, space as '+'.
std::string UrlEncode(std::string_view s);
// URLDecoder.decode(s, "UTF-8"); nullopt on a malformed % escape.
std::optional<std::string> UrlDecode(std::string_view s);
// Base64 decoding that skips characters outside the alphabet (commons-codec style).
std::string Base64DecodeLenient(std::string_view s);

// Character (code point) indexing over UTF-8 text.
size_t CharCount(std::string_view s);
// Byte offset of character `index`; npos if index > CharCount(s).
size_t ByteOffset(std::string_view s, size_t index);
// Character index of byte offset `byte`.
size_t CharIndex(std::string_view s, size_t byte);

// String.trim(): strips characters <= ' ' from both ends.
std::string JavaTrim(std::string_view s);
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);
// String.toLowerCase() / toUpperCase() for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic
// (other scripts are returned unchanged).
std::string JavaLower(std::string_view s);
std::string JavaUpper(std::string_view s);
// String.hashCode() over UTF-16 units.
int32_t JavaHashCode(std::string_view s);

}  // namespace nimbus::apigateway::vtl
