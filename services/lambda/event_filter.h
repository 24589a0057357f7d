#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

// Lambda event filtering (FilterCriteria of an event source mapping): the pattern language AWS
// shares with EventBridge, restricted to what Lambda documents.
namespace nimbus::lambda {

// One filter pattern, e.g. {"body": {"kind": ["order"], "total": [{"numeric": [">", 100]}]}}.
//
// A pattern is a JSON object. Each member names a field of the event and holds either a nested
// pattern (an object) or an array of rules, any of which may match ("or"); members are "and".
// `"$or": [pattern, ...]` matches when any of its patterns does. Rules:
//   "text", 12, true, null         the value equals this (numbers compare numerically)
//   {"prefix": "a"}                a string beginning with "a"
//   {"suffix": "z"}                a string ending with "z"
//   {"equals-ignore-case": "x"}    a string equal to "x" ignoring ASCII case
//   {"anything-but": v | [v...] | {"prefix": p} | {"suffix": s}}   a present value that is not
//   {"numeric": [">", 0, "<=", 5]} a number in range ("=", "<", "<=", ">", ">=")
//   {"exists": true|false}         the field is present / absent
// An event field holding an array matches when any element does.
class EventFilter {
 public:
  // nullopt when `pattern` is not a valid pattern (AWS: "Invalid filter pattern definition.").
  static std::optional<EventFilter> Parse(std::string_view pattern);

  bool Matches(const rapidjson::Value& event) const;

 private:
  std::shared_ptr<const rapidjson::Document> pattern_;
};

// FilterCriteria: the event passes when any filter matches; no filters lets everything pass.
class FilterSet {
 public:
  // nullopt when any pattern is invalid.
  static std::optional<FilterSet> Parse(const std::vector<std::string>& patterns);

  bool empty() const { return filters_.empty(); }
  bool Matches(const rapidjson::Value& event) const;

 private:
  std::vector<EventFilter> filters_;
};

}  // namespace nimbus::lambda
