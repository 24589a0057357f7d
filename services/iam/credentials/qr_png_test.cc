#include "services/iam/credentials/qr_png.h"

#include <gtest/gtest.h>

namespace nimbus::iam {
namespace {

uint32_t Be32(const std::string& s, size_t pos) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[pos])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[pos + 1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[pos + 2])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[pos + 3]));
}

// The symbol's version follows the text's length: 21 modules for version 1 (up to 14 bytes at
// level M), 4 more per version, plus the quiet zone, 4 pixels per module. The integration
// tests decode the pictures with zxing-cpp.
TEST(QrPng, PngHeaderAndSymbolSize) {
  std::string png = QrCodePng("hello");
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(Be32(png, 16), (21u + 8) * 4);
  EXPECT_EQ(Be32(QrCodePng(std::string(14, 'a')), 16), (21u + 8) * 4);
  EXPECT_EQ(Be32(QrCodePng(std::string(15, 'a')), 16), (25u + 8) * 4);
  EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
}

TEST(QrPng, TooLongForVersion40) {
  EXPECT_FALSE(QrCodePng(std::string(2331, 'a')).empty());  // version 40-M holds 2331 bytes
  EXPECT_TRUE(QrCodePng(std::string(2332, 'a')).empty());
}

}  // namespace
}  // namespace nimbus::iam
