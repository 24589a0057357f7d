#include "services/sns/sns_util.h"

#include <charconv>
#include <ctime>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/base64.h"

namespace nimbus::sns {

std::optional<ArnParts> ParseArn(std::string_view arn) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  for (int i = 0; i < 5; ++i) {
    size_t next = arn.find(':', pos);
    if (next == std::string_view::npos) {
      return std::nullopt;
    }
    parts.push_back(arn.substr(pos, next - pos));
    pos = next + 1;
  }
  if (parts[0] != "arn" || parts[1].empty() || parts[2].empty()) {
    return std::nullopt;
  }
  ArnParts out;
  out.service = std::string(parts[2]);
  out.region = std::string(parts[3]);
  out.account = std::string(parts[4]);
  out.resource = std::string(arn.substr(pos));
  if (out.resource.empty()) {
    return std::nullopt;
  }
  return out;
}

AttributeMap ReadMap(const rapidjson::Value* v) {
  AttributeMap out;
  if (v == nullptr || !v->IsObject()) {
    return out;
  }
  for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
    if (it->value.IsString()) {
      out[std::string(it->name.GetString(), it->name.GetStringLength())] =
          std::string(it->value.GetString(), it->value.GetStringLength());
    }
  }
  return out;
}

std::vector<std::string> ReadStrings(const rapidjson::Value* v) {
  std::vector<std::string> out;
  if (v != nullptr && v->IsArray()) {
    for (const auto& e : v->GetArray()) {
      if (e.IsString()) {
        out.emplace_back(e.GetString(), e.GetStringLength());
      }
    }
  }
  return out;
}

std::string IsoMillis(int64_t epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(epoch_ms % 1000));
  return buf;
}

std::string JsonQuote(std::string_view s) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(sb.GetString(), sb.GetSize());
}

std::optional<Page> PageOf(const std::vector<int64_t>& seqs, const std::string& token,
                           size_t page_size) {
  Page page;
  if (!token.empty()) {
    auto decoded = Base64Decode(token);
    int64_t after = 0;
    if (!decoded) {
      return std::nullopt;
    }
    auto [p, ec] = std::from_chars(decoded->data(), decoded->data() + decoded->size(), after);
    if (ec != std::errc() || p != decoded->data() + decoded->size()) {
      return std::nullopt;
    }
    while (page.begin < seqs.size() && seqs[page.begin] <= after) {
      ++page.begin;
    }
  }
  page.end = std::min(seqs.size(), page.begin + page_size);
  if (page.end < seqs.size()) {
    page.next = Base64Encode(std::to_string(seqs[page.end - 1]));
  }
  return page;
}

}  // namespace nimbus::sns
