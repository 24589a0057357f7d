#include "services/common/ids.h"

#include <cstdint>
#include <random>

namespace nimbus {
namespace {

std::mt19937_64& Rng() {
  // Per thread, so ids need no lock; seeded from the OS once per thread.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

}  // namespace

std::string NewUuid() {
  uint64_t hi = Rng()();
  uint64_t lo = Rng()();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  // 8-4-4-4-12: the dash positions are fixed, so each half is written straight through.
  char buf[36];
  auto put = [&buf](int pos, uint64_t word, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      buf[pos + i] = kHex[word & 0xF];
      word >>= 4;
    }
  };
  put(0, hi >> 32, 8);
  buf[8] = '-';
  put(9, hi >> 16, 4);
  buf[13] = '-';
  put(14, hi, 4);
  buf[18] = '-';
  put(19, lo >> 48, 4);
  buf[23] = '-';
  put(24, lo, 12);
  return std::string(buf, sizeof(buf));
}

std::string RandomHex(size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n, '0');
  for (auto& c : out) {
    c = kHex[Rng()() & 0xF];
  }
  return out;
}

std::string RandomUpperAlnum(size_t n) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out(n, 'A');
  for (auto& c : out) {
    c = kChars[Rng()() % 36];
  }
  return out;
}

}  // namespace nimbus
