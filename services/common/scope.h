#pragma once

#include <string>

namespace nimbus {

inline constexpr char kDefaultAccountId[] = "000000000000";
inline constexpr char kDefaultRegion[] = "us-east-1";

// Every stored thing belongs to one account and region (style G5).
struct Scope {
  std::string account_id = kDefaultAccountId;
  std::string region = kDefaultRegion;

  friend bool operator==(const Scope&, const Scope&) = default;
};

}  // namespace nimbus
