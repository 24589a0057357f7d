#include "edge/protocol/encoding.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nimbus::protocol {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

int Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) {
    return -1;
  }
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') {
      return -1;
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<double> ParseIso8601(std::string_view s) {
  // YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm|±hhmm]
  std::tm tm{};
  int y = Digits(s, 0, 4);
  if (y < 0 || s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' &&
                                                                 s[10] != ' ') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  int mo = Digits(s, 5, 2), d = Digits(s, 8, 2), h = Digits(s, 11, 2), mi = Digits(s, 14, 2),
      sec = Digits(s, 17, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
      sec > 60) {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  double frac = 0;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    double scale = 0.1;
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  int offset = 0;
  if (pos < s.size()) {
    char c = s[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      int oh = Digits(s, pos + 1, 2);
      size_t mpos = pos + 3;
      if (mpos < s.size() && s[mpos] == ':') {
        ++mpos;
      }
      int om = Digits(s, mpos, 2);
      if (oh < 0 || om < 0) {
        return std::nullopt;
      }
      offset = (oh * 3600 + om * 60) * (c == '+' ? 1 : -1);
      pos = mpos + 2;
    }
  }
  if (pos != s.size()) {
    return std::nullopt;
  }
  return static_cast<double>(timegm(&tm) - offset) + frac;
}

std::optional<double> ParseHttpDate(std::string_view s) {
  std::tm tm{};
  std::string copy(s);
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  return static_cast<double>(timegm(&tm));
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return std::nullopt;
      }
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string PercentEncode(std::string_view in, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<FormParams> ParseForm(std::string_view body) {
  FormParams params;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    if (amp == std::string_view::npos) {
      amp = body.size();
    }
    std::string_view pair = body.substr(pos, amp - pos);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      auto key = PercentDecode(pair.substr(0, eq), true);
      auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                : PercentDecode(pair.substr(eq + 1), true);
      if (!key || !value) {
        return std::nullopt;
      }
      params[std::move(*key)] = std::move(*value);
    }
    pos = amp + 1;
  }
  return params;
}

std::string FormatIso8601(double epoch_seconds) {
  double whole = std::floor(epoch_seconds);
  auto secs = static_cast<time_t>(whole);
  int millis = static_cast<int>(std::lround((epoch_seconds - whole) * 1000));
  if (millis == 1000) {
    ++secs;
    millis = 0;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  if (millis == 0) {
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  } else {
    char base[32];
    std::strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf, sizeof buf, "%s.%03dZ", base, millis);
  }
  return buf;
}

std::string FormatHttpDate(double epoch_seconds) {
  auto secs = static_cast<time_t>(std::floor(epoch_seconds));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::optional<double> ParseTimestamp(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  if (auto iso = ParseIso8601(text)) {
    return iso;
  }
  if (auto http = ParseHttpDate(text)) {
    return http;
  }
  // Epoch seconds, possibly fractional.
  char* end = nullptr;
  std::string copy(text);
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

void XmlEscapeAppend(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out += c;
    }
  }
}

std::string FormatDouble(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.Double(v);
  return sb.GetString();
}

}  // namespace nimbus::protocol
