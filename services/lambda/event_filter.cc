#include "services/lambda/event_filter.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace nimbus::lambda {
namespace {

using rapidjson::Value;

bool IsStr(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString();
}

bool ValidScalar(const Value& v) {
  return v.IsString() || v.IsNumber() || v.IsBool() || v.IsNull();
}

bool ValidNumericOp(const Value& v, std::initializer_list<const char*> ops) {
  if (!v.IsString()) {
    return false;
  }
  return std::any_of(ops.begin(), ops.end(),
                     [&](const char* op) { return std::strcmp(v.GetString(), op) == 0; });
}

bool ValidNumeric(const Value& v) {
  if (!v.IsArray()) {
    return false;
  }
  auto a = v.GetArray();
  if (a.Size() == 2) {
    return ValidNumericOp(a[0], {"=", "<", "<=", ">", ">="}) && a[1].IsNumber();
  }
  if (a.Size() == 4) {
    return ValidNumericOp(a[0], {">", ">="}) && a[1].IsNumber() &&
           ValidNumericOp(a[2], {"<", "<="}) && a[3].IsNumber() &&
           a[1].GetDouble() < a[3].GetDouble();
  }
  return false;
}

bool ValidRule(const Value& rule) {
  if (ValidScalar(rule)) {
    return true;
  }
  if (!rule.IsObject() || rule.MemberCount() != 1) {
    return false;
  }
  const auto& m = *rule.MemberBegin();
  std::string_view op(m.name.GetString(), m.name.GetStringLength());
  const Value& arg = m.value;
  if (op == "prefix" || op == "suffix" || op == "equals-ignore-case") {
    return arg.IsString();
  }
  if (op == "exists") {
    return arg.IsBool();
  }
  if (op == "numeric") {
    return ValidNumeric(arg);
  }
  if (op == "anything-but") {
    if (arg.IsString() || arg.IsNumber()) {
      return true;
    }
    if (arg.IsArray()) {
      if (arg.Empty()) {
        return false;
      }
      return std::all_of(arg.Begin(), arg.End(),
                         [](const Value& v) { return v.IsString() || v.IsNumber(); });
    }
    if (arg.IsObject() && arg.MemberCount() == 1) {
      return IsStr(arg, "prefix") || IsStr(arg, "suffix") || IsStr(arg, "equals-ignore-case");
    }
    return false;
  }
  return false;
}

bool ValidPattern(const Value& pattern, int depth) {
  if (!pattern.IsObject() || depth > 32) {
    return false;
  }
  for (auto m = pattern.MemberBegin(); m != pattern.MemberEnd(); ++m) {
    std::string_view key(m->name.GetString(), m->name.GetStringLength());
    const Value& v = m->value;
    if (key == "$or") {
      if (!v.IsArray() || v.Size() < 2) {
        return false;
      }
      for (const auto& alt : v.GetArray()) {
        if (!ValidPattern(alt, depth + 1) || alt.ObjectEmpty()) {
          return false;
        }
      }
      continue;
    }
    if (v.IsObject()) {
      if (v.ObjectEmpty() || !ValidPattern(v, depth + 1)) {
        return false;
      }
      continue;
    }
    if (!v.IsArray() || v.Empty()) {
      return false;
    }
    for (const auto& rule : v.GetArray()) {
      if (!ValidRule(rule)) {
        return false;
      }
    }
  }
  return true;
}

std::string_view Text(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A literal rule against one scalar: same type, equal value (numbers numerically).
bool Equal(const Value& rule, const Value& v) {
  if (rule.IsNumber()) {
    return v.IsNumber() && rule.GetDouble() == v.GetDouble();
  }
  if (rule.IsString()) {
    return v.IsString() && Text(rule) == Text(v);
  }
  if (rule.IsBool()) {
    return v.IsBool() && rule.GetBool() == v.GetBool();
  }
  return rule.IsNull() && v.IsNull();
}

bool StringOp(std::string_view op, const Value& arg, const Value& v) {
  if (!v.IsString()) {
    return false;
  }
  std::string_view s = Text(v);
  std::string_view a = Text(arg);
  if (op == "prefix") {
    return s.substr(0, a.size()) == a;
  }
  if (op == "suffix") {
    return s.size() >= a.size() && s.substr(s.size() - a.size()) == a;
  }
  return EqualsIgnoreCase(s, a);  // equals-ignore-case
}

bool Compare(std::string_view op, double x, double bound) {
  if (op == "=") {
    return x == bound;
  }
  if (op == "<") {
    return x < bound;
  }
  if (op == "<=") {
    return x <= bound;
  }
  if (op == ">") {
    return x > bound;
  }
  return x >= bound;
}

// One non-exists rule against one present scalar (or object) value.
bool MatchValue(const Value& rule, const Value& v) {
  if (!rule.IsObject()) {
    return Equal(rule, v);
  }
  const auto& m = *rule.MemberBegin();
  std::string_view op = Text(m.name);
  const Value& arg = m.value;
  if (op == "prefix" || op == "suffix" || op == "equals-ignore-case") {
    return StringOp(op, arg, v);
  }
  if (op == "numeric") {
    if (!v.IsNumber()) {
      return false;
    }
    double x = v.GetDouble();
    for (rapidjson::SizeType i = 0; i + 1 < arg.Size(); i += 2) {
      if (!Compare(Text(arg[i]), x, arg[i + 1].GetDouble())) {
        return false;
      }
    }
    return true;
  }
  if (op == "anything-but") {
    if (v.IsObject() || v.IsArray()) {
      return false;
    }
    if (arg.IsObject()) {
      const auto& inner = *arg.MemberBegin();
      return v.IsString() && !StringOp(Text(inner.name), inner.value, v);
    }
    if (arg.IsArray()) {
      return std::none_of(arg.Begin(), arg.End(), [&](const Value& x) { return Equal(x, v); });
    }
    return !Equal(arg, v);
  }
  return false;
}

bool IsExists(const Value& rule, bool* want) {
  if (!rule.IsObject()) {
    return false;
  }
  auto it = rule.FindMember("exists");
  if (it == rule.MemberEnd()) {
    return false;
  }
  *want = it->value.GetBool();
  return true;
}

// A rule list against a field (nullptr = absent).
bool MatchRules(const Value& rules, const Value* v) {
  for (const auto& rule : rules.GetArray()) {
    bool want = false;
    if (IsExists(rule, &want)) {
      if ((v != nullptr) == want) {
        return true;
      }
      continue;
    }
    if (v == nullptr) {
      continue;
    }
    if (v->IsArray()) {
      for (const auto& item : v->GetArray()) {
        if (MatchValue(rule, item)) {
          return true;
        }
      }
      continue;
    }
    if (MatchValue(rule, *v)) {
      return true;
    }
  }
  return false;
}

bool MatchPattern(const Value& pattern, const Value* event) {
  for (auto m = pattern.MemberBegin(); m != pattern.MemberEnd(); ++m) {
    std::string_view key = Text(m->name);
    if (key == "$or") {
      bool any = false;
      for (const auto& alt : m->value.GetArray()) {
        if (MatchPattern(alt, event)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
      continue;
    }
    const Value* child = nullptr;
    if (event != nullptr && event->IsObject()) {
      auto it = event->FindMember(m->name);
      if (it != event->MemberEnd()) {
        child = &it->value;
      }
    }
    if (m->value.IsObject()) {
      if (child != nullptr && child->IsArray()) {
        bool any = false;
        for (const auto& item : child->GetArray()) {
          if (item.IsObject() && MatchPattern(m->value, &item)) {
            any = true;
            break;
          }
        }
        if (!any) {
          return false;
        }
        continue;
      }
      // A nested pattern over a scalar sees no fields: only "exists": false can match.
      if (!MatchPattern(m->value, child != nullptr && child->IsObject() ? child : nullptr)) {
        return false;
      }
      continue;
    }
    if (!MatchRules(m->value, child)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<EventFilter> EventFilter::Parse(std::string_view pattern) {
  auto doc = std::make_shared<rapidjson::Document>();
  doc->Parse(pattern.data(), pattern.size());
  if (doc->HasParseError() || !ValidPattern(*doc, 0)) {
    return std::nullopt;
  }
  EventFilter f;
  f.pattern_ = std::move(doc);
  return f;
}

bool EventFilter::Matches(const rapidjson::Value& event) const {
  return MatchPattern(*pattern_, &event);
}

std::optional<FilterSet> FilterSet::Parse(const std::vector<std::string>& patterns) {
  FilterSet set;
  for (const auto& p : patterns) {
    auto f = EventFilter::Parse(p);
    if (!f) {
      return std::nullopt;
    }
    set.filters_.push_back(std::move(*f));
  }
  return set;
}

bool FilterSet::Matches(const rapidjson::Value& event) const {
  if (filters_.empty()) {
    return true;
  }
  return std::any_of(filters_.begin(), filters_.end(),
                     [&](const EventFilter& f) { return f.Matches(event); });
}

}  // namespace nimbus::lambda
