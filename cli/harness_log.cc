#include "cli/harness_log.h"

#include <ctime>
#include <regex>

namespace nimbus::cli {
namespace {

std::string IsoTime(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

const std::regex& TimestampedPlatformLine() {
  // "<iso> <request id> Task timed out after 1.00 seconds" (the executor's own form).
  static const std::regex re(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [0-9a-f-]{36} .*)");
  return re;
}

const std::regex& NodeForm() {
  static const std::regex re(R"(^(\d{4}-\d\d-\d\dT\S+)\t(\S+)\t([A-Z]+)\t([\s\S]*)$)");
  return re;
}

const std::regex& PythonLoggingForm() {
  static const std::regex re(R"(^\[([A-Z]+)\]\t(\d{4}-\d\d-\d\dT\S+)\t(\S*)\t([\s\S]*)$)");
  return re;
}

const std::regex& LevelPrefix() {
  static const std::regex re(R"(^\[(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\][ \t])");
  return re;
}

std::string Join(const std::string& time, std::string_view id, const std::string& level,
                 std::string message) {
  // Python's runtime joins a multi-line record with \r; a terminal would overprint it.
  for (char& c : message) {
    if (c == '\r') {
      c = '\n';
    }
  }
  std::string out = time;
  out.append("\t").append(id).append("\t").append(level).append("\t").append(message);
  return out;
}

}  // namespace

bool IsPlatformLine(std::string_view line) {
  return StartsWith(line, "START RequestId: ") || StartsWith(line, "END RequestId: ") ||
         StartsWith(line, "REPORT RequestId: ") || StartsWith(line, "RequestId: ") ||
         StartsWith(line, "INIT_START ") ||
         std::regex_match(line.begin(), line.end(), TimestampedPlatformLine());
}

std::string FormatFunctionLine(std::string_view line, std::string_view request_id,
                               int64_t timestamp_ms) {
  std::string text(line);
  std::smatch m;
  if (std::regex_match(text, m, NodeForm())) {
    return Join(m[1], m[2].str(), m[3], m[4]);
  }
  if (std::regex_match(text, m, PythonLoggingForm())) {
    std::string id = m[3].length() > 0 ? m[3].str() : std::string(request_id);
    return Join(m[2], id, m[1], m[4]);
  }
  std::string level = "INFO";
  if (std::regex_search(text, m, LevelPrefix())) {
    level = m[1];
  }
  return Join(IsoTime(timestamp_ms), request_id, level, std::move(text));
}

void HarnessLog::Lifecycle(const std::string& line) {
  std::fputs(line.c_str(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void HarnessLog::Write(const lambda::runtime::FunctionConfig&, const std::string&,
                       int64_t timestamp_ms, std::string line) {
  std::string out = IsPlatformLine(line) ? std::move(line)
                                         : FormatFunctionLine(line, request_id_, timestamp_ms);
  std::fputs(out.c_str(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace nimbus::cli
