#pragma once

#include <chrono>

#include "services/common/clock.h"

namespace nimbus::testing {

// A clock unit tests move by hand.
class FakeClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override { return now_; }
  void Advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  std::chrono::system_clock::time_point now_{std::chrono::seconds(1'800'000'000)};
};

}  // namespace nimbus::testing
