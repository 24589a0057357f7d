#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace nimbus::lambda::runtime {

// The bootstraps Nimbus ships for interpreted runtimes (runtime/bootstrap/*), embedded at build
// time: {file name, content}. Written to the executor's work dir at startup.
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedBootstraps();

}  // namespace nimbus::lambda::runtime
