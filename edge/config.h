#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nimbus::edge {

// ENFORCE_IAM: off (default), soft (log would-be denials), on (deny).
enum class EnforceIam { kOff, kSoft, kOn };

struct ListenAddress {
  std::string host;
  uint16_t port = 0;
};

// Process configuration, read once from the environment (LocalStack names where the meaning is
// the same; design.md §6). Immutable after startup.
struct Config {
  std::vector<ListenAddress> listen = {{"0.0.0.0", 4566}};
  bool debug = false;
  bool persistence = false;
  std::string data_dir = "/var/lib/nimbus";
  int io_threads = 1;
  std::chrono::milliseconds idle_timeout{60000};
  uint64_t body_limit = 72ull * 1024 * 1024;  // a 50 MiB zip in base64 (~67 MiB) fits
  bool sigv4_verify = false;                   // SIGV4_VERIFY=1 (implied by ENFORCE_IAM=1)
  EnforceIam enforce_iam = EnforceIam::kOff;   // ENFORCE_IAM=1|soft

  // Reads the environment. Throws std::invalid_argument with a one-line reason on bad values.
  static Config FromEnvironment();
};

// "host:port[,host:port...]"; a missing host means 0.0.0.0. Throws std::invalid_argument.
std::vector<ListenAddress> ParseListen(const std::string& text);

}  // namespace nimbus::edge
