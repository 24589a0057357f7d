#include "services/iam/credentials/totp.h"

#include <gtest/gtest.h>

namespace nimbus::iam {
namespace {

// RFC 6238 appendix B (SHA-1 key), last six digits of the eight-digit codes.
TEST(Totp, Rfc6238Vectors) {
  const std::string key = "12345678901234567890";
  EXPECT_EQ(TotpCode(key, 59 / 30), "287082");
  EXPECT_EQ(TotpCode(key, 1111111109 / 30), "081804");
  EXPECT_EQ(TotpCode(key, 1234567890 / 30), "005924");
  EXPECT_EQ(TotpCode(key, 2000000000 / 30), "279037");
}

TEST(Totp, Base32RoundTrip) {
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Decode("MZXW6YTBOI"), "foobar");
  EXPECT_EQ(Base32Decode("mzxw6ytboi======"), "foobar");
  EXPECT_FALSE(Base32Decode("MZ1"));
}

TEST(Totp, ConsecutiveCodes) {
  const std::string key = "12345678901234567890";
  double now = 1234567890;
  uint64_t step = 1234567890 / 30;
  EXPECT_EQ(FindConsecutiveCodes(key, TotpCode(key, step - 1), TotpCode(key, step), now, 2),
            step - 1);
  EXPECT_FALSE(FindConsecutiveCodes(key, TotpCode(key, step), TotpCode(key, step - 1), now, 2));
  EXPECT_FALSE(FindConsecutiveCodes(key, TotpCode(key, step + 9), TotpCode(key, step + 10), now,
                                    2));
}

}  // namespace
}  // namespace nimbus::iam
