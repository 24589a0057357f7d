#pragma once

#include <string>
#include <string_view>

namespace nimbus::iam {

// A QR code (ISO/IEC 18004, byte mode, error correction level M, the smallest version that
// holds the text) drawn as a 1-bit grayscale PNG: 4 pixels per module and a 4-module quiet
// zone. Empty when the text does not fit a version-40 symbol. CreateVirtualMFADevice's
// QRCodePNG is this picture of the otpauth:// URI.
std::string QrCodePng(std::string_view text);

}  // namespace nimbus::iam
