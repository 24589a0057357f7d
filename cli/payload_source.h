#pragma once

#include <string>
#include <vector>

namespace nimbus::cli {

// The events of one `nimbus lambda invoke` run, from its --payload argument:
//   - JSON text: one event;
//   - file://PATH or http(s)://URL: newline-delimited JSON, one event per non-blank line.
// An empty argument means one `{}` event. Every event must be valid JSON. Throws
// std::invalid_argument (bad JSON, with the line number) or std::runtime_error (unreadable).
std::vector<std::string> LoadPayloads(const std::string& arg);

// Splits NDJSON text into its events, checking each. `origin` names the source in errors.
std::vector<std::string> SplitNdjson(const std::string& text, const std::string& origin);

}  // namespace nimbus::cli
