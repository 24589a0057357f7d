#pragma once

#include <string>
#include <string_view>

#include "services/sqs/sqs_model.h"

namespace nimbus::sqs {

// Lowercase hex MD5 of the bytes (MD5OfMessageBody / MD5OfBody).
std::string Md5Hex(std::string_view bytes);

// AWS's MD5 of message attributes: sorted by name, each as length-prefixed name, data type, a
// transport byte (1 string/number, 2 binary) and length-prefixed value. Empty string when there
// are none (the field is then omitted).
std::string Md5OfAttributes(const MessageAttributes& attributes);

// Lowercase hex SHA-256 (content-based deduplication ids).
std::string Sha256Hex(std::string_view bytes);

}  // namespace nimbus::sqs
