#pragma once

#include <chrono>
#include <cstdint>

namespace nimbus {

// Wall-clock source, injectable so unit tests can advance time (FakeClock in common/testing).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;

  int64_t NowMillis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Now().time_since_epoch())
        .count();
  }
  double NowSeconds() const {
    return std::chrono::duration<double>(Now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
  static const SystemClock& Instance() {
    static const SystemClock kClock;
    return kClock;
  }
};

}  // namespace nimbus
