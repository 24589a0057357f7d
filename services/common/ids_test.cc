#include "services/common/ids.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>

namespace nimbus {
namespace {

TEST(NewUuidTest, IsAVersion4Uuid) {
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuid();
    ASSERT_TRUE(std::regex_match(id, kUuid)) << id;
  }
}

TEST(NewUuidTest, EveryDigitVaries) {
  // A digit stuck at one value would mean a half of the random word is never written.
  std::set<char> seen[36];
  for (int i = 0; i < 2000; ++i) {
    std::string id = NewUuid();
    for (size_t p = 0; p < id.size(); ++p) {
      seen[p].insert(id[p]);
    }
  }
  for (size_t p : {0u, 7u, 9u, 12u, 15u, 17u, 20u, 22u, 24u, 35u}) {
    EXPECT_EQ(seen[p].size(), 16u) << "position " << p;
  }
  EXPECT_EQ(seen[14], std::set<char>{'4'});
  EXPECT_EQ(seen[19], (std::set<char>{'8', '9', 'a', 'b'}));
}

TEST(NewUuidTest, Unique) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) {
    ids.insert(NewUuid());
  }
  EXPECT_EQ(ids.size(), 10000u);
}

}  // namespace
}  // namespace nimbus
