// Java methods on VTL values: the String, List, Map, Number and Boolean methods templates call.

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "services/apigateway/vtl/evaluator.h"
#include "services/apigateway/vtl/java_regex.h"
#include "services/apigateway/vtl/java_text.h"
#include "services/apigateway/vtl/json.h"

namespace nimbus::apigateway::vtl {
namespace {

// A Map.Entry from entrySet(): $e.key / $e.value.
class EntryObject final : public Object {
 public:
  EntryObject(std::string key, Value value) : key_(std::move(key)), value_(std::move(value)) {}
  std::string_view TypeName() const override { return "Map.Entry"; }
  bool Property(std::string_view name, Value& out, Evaluator&) override {
    if (name == "key") {
      out = Value(key_);
      return true;
    }
    if (name == "value") {
      out = value_;
      return true;
    }
    return false;
  }
  bool Call(std::string_view name, std::vector<Value>& args, Value& out, Evaluator& ev) override {
    if (args.empty() && (name == "getKey" || name == "getValue")) {
      return Property(name == "getKey" ? "key" : "value", out, ev);
    }
    return false;
  }
  std::string ToString() const override { return key_ + "=" + ToJavaString(value_); }

 private:
  std::string key_;
  Value value_;
};

[[noreturn]] void OutOfBounds(const std::string& what) {
  throw TemplateError(what);
}

bool IntArg(const std::vector<Value>& args, size_t i, int64_t& out) {
  if (i < args.size() && args[i].IsInt()) {
    out = args[i].AsInt();
    return true;
  }
  return false;
}

bool StrArg(const std::vector<Value>& args, size_t i, const std::string*& out) {
  if (i < args.size() && args[i].IsString()) {
    out = &args[i].AsString();
    return true;
  }
  return false;
}

Value StringList(std::vector<std::string> parts) {
  ListPtr list = MakeList();
  list->items.reserve(parts.size());
  for (std::string& p : parts) {
    list->items.emplace_back(std::move(p));
  }
  return Value(list);
}

int64_t IndexOf(const std::string& s, const std::string& needle, int64_t from, bool last) {
  size_t byte_from = 0;
  if (last) {
    byte_from = from < 0 ? std::string::npos : ByteOffset(s, static_cast<size_t>(from));
    if (from >= 0 && byte_from == std::string::npos) {
      byte_from = s.size();
    }
    if (from < 0) {
      return -1;
    }
    size_t found = s.rfind(needle, byte_from);
    return found == std::string::npos ? -1 : static_cast<int64_t>(CharIndex(s, found));
  }
  if (from > 0) {
    byte_from = ByteOffset(s, static_cast<size_t>(from));
    if (byte_from == std::string::npos) {
      return -1;
    }
  }
  size_t found = s.find(needle, byte_from);
  return found == std::string::npos ? -1 : static_cast<int64_t>(CharIndex(s, found));
}

bool StringMethod(const std::string& s, std::string_view name, std::vector<Value>& args,
                  Value& out, Evaluator& ev) {
  const std::string* a = nullptr;
  int64_t n1 = 0;
  int64_t n2 = 0;
  size_t argc = args.size();
  if (argc == 0) {
    if (name == "length") {
      out = Value(static_cast<int64_t>(CharCount(s)));
    } else if (name == "isEmpty") {
      out = Value(s.empty());
    } else if (name == "isBlank") {
      out = Value(JavaTrim(s).empty());
    } else if (name == "toLowerCase") {
      out = Value(JavaLower(s));
    } else if (name == "toUpperCase") {
      out = Value(JavaUpper(s));
    } else if (name == "trim" || name == "strip") {
      out = Value(JavaTrim(s));
    } else if (name == "toString" || name == "intern") {
      out = Value(s);
    } else if (name == "hashCode") {
      out = Value(static_cast<int64_t>(JavaHashCode(s)));
    } else if (name == "getBytes" || name == "toCharArray") {
      // Rarely rendered; exposing the characters keeps .size() / #foreach meaningful.
      std::vector<std::string> chars;
      for (size_t i = 0; i < s.size();) {
        size_t len = ByteOffset(std::string_view(s).substr(i), 1);
        chars.push_back(s.substr(i, len));
        i += len;
      }
      out = StringList(std::move(chars));
    } else {
      return false;
    }
    return true;
  }
  if (name == "substring" && IntArg(args, 0, n1)) {
    int64_t len = static_cast<int64_t>(CharCount(s));
    n2 = len;
    if (argc == 2 && !IntArg(args, 1, n2)) {
      return false;
    }
    if (argc > 2) {
      return false;
    }
    if (n1 < 0 || n2 > len || n1 > n2) {
      OutOfBounds("String index out of range: begin " + std::to_string(n1) + ", end " +
                  std::to_string(n2) + ", length " + std::to_string(len));
    }
    size_t b = ByteOffset(s, static_cast<size_t>(n1));
    size_t e = ByteOffset(s, static_cast<size_t>(n2));
    out = Value(s.substr(b, e - b));
    return true;
  }
  if (name == "charAt" && argc == 1 && IntArg(args, 0, n1)) {
    int64_t len = static_cast<int64_t>(CharCount(s));
    if (n1 < 0 || n1 >= len) {
      OutOfBounds("String index out of range: " + std::to_string(n1));
    }
    size_t b = ByteOffset(s, static_cast<size_t>(n1));
    size_t e = ByteOffset(s, static_cast<size_t>(n1 + 1));
    out = Value(s.substr(b, e - b));
    return true;
  }
  if ((name == "indexOf" || name == "lastIndexOf") && (argc == 1 || argc == 2) &&
      StrArg(args, 0, a)) {
    bool last = name == "lastIndexOf";
    int64_t from = last ? static_cast<int64_t>(CharCount(s)) : 0;
    if (argc == 2 && !IntArg(args, 1, from)) {
      return false;
    }
    out = Value(IndexOf(s, *a, from, last));
    return true;
  }
  if (argc == 1 && (name == "equals" || name == "contentEquals")) {
    out = Value(args[0].IsString() && args[0].AsString() == s);
    return true;
  }
  if (argc == 1 && StrArg(args, 0, a)) {
    if (name == "contains") {
      out = Value(s.find(*a) != std::string::npos);
    } else if (name == "startsWith") {
      out = Value(s.compare(0, a->size(), *a) == 0 && s.size() >= a->size());
    } else if (name == "endsWith") {
      out = Value(s.size() >= a->size() && s.compare(s.size() - a->size(), a->size(), *a) == 0);
    } else if (name == "equalsIgnoreCase") {
      out = Value(JavaLower(s) == JavaLower(*a));
    } else if (name == "compareTo" || name == "compareToIgnoreCase") {
      int c = name == "compareTo" ? s.compare(*a) : AsciiLower(s).compare(AsciiLower(*a));
      out = Value(static_cast<int64_t>(c < 0 ? -1 : (c > 0 ? 1 : 0)));
    } else if (name == "concat") {
      ev.CheckSize(s.size() + a->size());
      out = Value(s + *a);
    } else if (name == "matches") {
      out = Value(JavaRegex(*a).Matches(s));
    } else if (name == "split") {
      out = StringList(JavaRegex(*a).Split(s, 0));
    } else if (name == "repeat") {
      return false;
    } else {
      return false;
    }
    return true;
  }
  if (name == "startsWith" && argc == 2 && StrArg(args, 0, a) && IntArg(args, 1, n1)) {
    size_t b = n1 < 0 ? std::string::npos : ByteOffset(s, static_cast<size_t>(n1));
    out = Value(b != std::string::npos && s.compare(b, a->size(), *a) == 0 &&
                s.size() - b >= a->size());
    return true;
  }
  if (name == "split" && argc == 2 && StrArg(args, 0, a) && IntArg(args, 1, n1)) {
    out = StringList(JavaRegex(*a).Split(s, n1));
    return true;
  }
  if (name == "repeat" && argc == 1 && IntArg(args, 0, n1)) {
    if (n1 < 0) {
      OutOfBounds("count is negative: " + std::to_string(n1));
    }
    if (n1 > 0 && s.size() > ev.limits().max_output_bytes / static_cast<size_t>(n1)) {
      ev.CheckSize(ev.limits().max_output_bytes + 1);
    }
    ev.Step(static_cast<size_t>(n1));
    std::string r;
    for (int64_t i = 0; i < n1; ++i) {
      r += s;
    }
    out = Value(std::move(r));
    return true;
  }
  const std::string* b = nullptr;
  if (argc == 2 && StrArg(args, 0, a) && StrArg(args, 1, b)) {
    std::string result;
    if (name == "replace") {
      // String.replace(CharSequence, CharSequence) is literal.
      if (a->empty()) {
        for (size_t i = 0; i < s.size();) {
          result += *b;
          size_t len = ByteOffset(std::string_view(s).substr(i), 1);
          result.append(s, i, len);
          i += len;
        }
        result += *b;
      } else {
        size_t pos = 0;
        for (;;) {
          size_t found = s.find(*a, pos);
          if (found == std::string::npos) {
            break;
          }
          result.append(s, pos, found - pos);
          result += *b;
          pos = found + a->size();
          ev.CheckSize(result.size());
        }
        result.append(s, pos, std::string::npos);
      }
    } else if (name == "replaceAll" || name == "replaceFirst") {
      result = JavaRegex(*a).Replace(s, *b, name == "replaceAll");
    } else {
      return false;
    }
    ev.CheckSize(result.size());
    out = Value(std::move(result));
    return true;
  }
  return false;
}

bool ListMethod(const ListPtr& list, std::string_view name, std::vector<Value>& args, Value& out,
                Evaluator& ev) {
  auto& items = list->items;
  size_t argc = args.size();
  int64_t idx = 0;
  auto check_index = [&](int64_t i, size_t size) {
    if (i < 0 || static_cast<size_t>(i) >= size) {
      OutOfBounds("Index " + std::to_string(i) + " out of bounds for length " +
                  std::to_string(size));
    }
  };
  if (argc == 0) {
    if (name == "size") {
      out = Value(static_cast<int64_t>(items.size()));
    } else if (name == "isEmpty") {
      out = Value(items.empty());
    } else if (name == "clear") {
      items.clear();
      out = Value("");  // void
    } else if (name == "toString") {
      out = Value(ToJavaString(Value(list)));
    } else if (name == "iterator" || name == "toArray") {
      out = Value(list);
    } else {
      return false;
    }
    return true;
  }
  if (name == "get" && argc == 1 && IntArg(args, 0, idx)) {
    check_index(idx, items.size());
    out = items[static_cast<size_t>(idx)];
    return true;
  }
  if (name == "add" && argc == 1) {
    ev.Step();
    ev.NoteInsert(Value(list), args[0]);
    items.push_back(args[0]);
    out = Value(true);
    return true;
  }
  if (name == "add" && argc == 2 && IntArg(args, 0, idx)) {
    if (idx < 0 || static_cast<size_t>(idx) > items.size()) {
      check_index(idx, items.size());
    }
    ev.Step();
    ev.NoteInsert(Value(list), args[1]);
    items.insert(items.begin() + idx, args[1]);
    out = Value("");
    return true;
  }
  if (name == "set" && argc == 2 && IntArg(args, 0, idx)) {
    check_index(idx, items.size());
    out = items[static_cast<size_t>(idx)];
    ev.NoteInsert(Value(list), args[1]);
    items[static_cast<size_t>(idx)] = args[1];
    return true;
  }
  if (name == "addAll" && argc == 1 && args[0].IsList()) {
    std::vector<Value> copy = args[0].AsList()->items;
    ev.Step(copy.size() + 1);
    for (const Value& v : copy) {
      ev.NoteInsert(Value(list), v);
    }
    items.insert(items.end(), copy.begin(), copy.end());
    out = Value(!copy.empty());
    return true;
  }
  if (name == "remove" && argc == 1) {
    if (args[0].IsInt()) {
      idx = args[0].AsInt();
      check_index(idx, items.size());
      out = items[static_cast<size_t>(idx)];
      items.erase(items.begin() + idx);
      return true;
    }
    for (auto it = items.begin(); it != items.end(); ++it) {
      if (ValuesEqual(*it, args[0])) {
        items.erase(it);
        out = Value(true);
        return true;
      }
    }
    out = Value(false);
    return true;
  }
  if ((name == "contains" || name == "indexOf" || name == "lastIndexOf") && argc == 1) {
    ev.Step(items.size());
    int64_t found = -1;
    for (size_t i = 0; i < items.size(); ++i) {
      if (ValuesEqual(items[i], args[0])) {
        found = static_cast<int64_t>(i);
        if (name != "lastIndexOf") {
          break;
        }
      }
    }
    out = name == "contains" ? Value(found >= 0) : Value(found);
    return true;
  }
  if (name == "subList" && argc == 2) {
    int64_t a = 0;
    int64_t b = 0;
    if (!IntArg(args, 0, a) || !IntArg(args, 1, b)) {
      return false;
    }
    if (a < 0 || b > static_cast<int64_t>(items.size()) || a > b) {
      OutOfBounds("subList(" + std::to_string(a) + ", " + std::to_string(b) +
                  ") out of bounds for length " + std::to_string(items.size()));
    }
    ListPtr sub = MakeList(list->json);
    sub->items.assign(items.begin() + a, items.begin() + b);
    out = Value(sub);
    return true;
  }
  if (name == "equals" && argc == 1) {
    out = Value(ValuesEqual(Value(list), args[0]));
    return true;
  }
  return false;
}

bool MapMethod(const MapPtr& map, std::string_view name, std::vector<Value>& args, Value& out,
               Evaluator& ev) {
  size_t argc = args.size();
  if (argc == 0) {
    if (name == "size") {
      out = Value(static_cast<int64_t>(map->entries.size()));
    } else if (name == "isEmpty") {
      out = Value(map->entries.empty());
    } else if (name == "keySet") {
      ListPtr keys = MakeList();
      for (const auto& [k, v] : map->entries) {
        keys->items.emplace_back(k);
      }
      out = Value(keys);
    } else if (name == "values") {
      ListPtr values = MakeList();
      for (const auto& [k, v] : map->entries) {
        values->items.push_back(v);
      }
      out = Value(values);
    } else if (name == "entrySet") {
      ListPtr entries = MakeList();
      for (const auto& [k, v] : map->entries) {
        entries->items.emplace_back(ObjectPtr(std::make_shared<EntryObject>(k, v)));
      }
      out = Value(entries);
    } else if (name == "clear") {
      map->Clear();
      out = Value("");
    } else if (name == "toString") {
      out = Value(ToJavaString(Value(map)));
    } else {
      return false;
    }
    ev.Step(map->entries.size());
    return true;
  }
  if (argc == 1 && name == "equals") {
    out = Value(ValuesEqual(Value(map), args[0]));
    return true;
  }
  if (argc == 1 && name == "putAll" && args[0].IsMap()) {
    auto copy = args[0].AsMap()->entries;
    ev.Step(copy.size() + 1);
    for (auto& [k, v] : copy) {
      ev.NoteInsert(Value(map), v);
      map->Put(k, v);
    }
    out = Value("");
    return true;
  }
  if (argc == 1 && name == "containsValue") {
    ev.Step(map->entries.size());
    bool found = false;
    for (const auto& [k, v] : map->entries) {
      if (ValuesEqual(v, args[0])) {
        found = true;
        break;
      }
    }
    out = Value(found);
    return true;
  }
  if (args[0].IsNull()) {
    return false;
  }
  std::string key = ToJavaString(args[0]);
  if (argc == 1) {
    if (name == "get") {
      const Value* v = map->Find(key);
      out = v ? *v : Value();
    } else if (name == "containsKey") {
      out = Value(map->Find(key) != nullptr);
    } else if (name == "remove") {
      out = map->Remove(key);
    } else {
      return false;
    }
    return true;
  }
  if (argc == 2) {
    if (name == "put") {
      ev.Step();
      ev.NoteInsert(Value(map), args[1]);
      out = map->Put(std::move(key), args[1]);
    } else if (name == "getOrDefault") {
      const Value* v = map->Find(key);
      out = v ? *v : args[1];
    } else if (name == "putIfAbsent") {
      const Value* v = map->Find(key);
      if (v) {
        out = *v;
      } else {
        ev.NoteInsert(Value(map), args[1]);
        map->Put(std::move(key), args[1]);
        out = Value();
      }
    } else {
      return false;
    }
    return true;
  }
  return false;
}

bool ParseJavaInt(const Value& v, int64_t& out) {
  if (v.IsInt()) {
    out = v.AsInt();
    return true;
  }
  if (!v.IsString()) {
    return false;
  }
  const std::string& s = v.AsString();
  if (s.empty()) {
    return false;
  }
  char* end = nullptr;
  errno = 0;
  long long parsed = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || std::isspace(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  out = parsed;
  return true;
}

bool NumberMethod(const Value& num, std::string_view name, std::vector<Value>& args, Value& out) {
  size_t argc = args.size();
  if (argc == 0) {
    if (name == "intValue" || name == "longValue" || name == "shortValue") {
      out = num.IsInt() ? num : Value(static_cast<int64_t>(std::trunc(num.AsDouble())));
    } else if (name == "doubleValue" || name == "floatValue") {
      out = Value(num.AsDouble());
    } else if (name == "isNaN") {
      out = Value(std::isnan(num.AsDouble()));
    } else if (name == "isInfinite") {
      out = Value(std::isinf(num.AsDouble()));
    } else if (name == "hashCode") {
      out = num.IsInt() ? num : Value(int64_t{0});
    } else {
      return false;
    }
    return true;
  }
  if (argc == 1) {
    // Static helpers reachable through an instance, as Velocity allows ($n.parseInt("42")).
    if (name == "parseInt" || name == "parseLong" || name == "valueOf") {
      int64_t v = 0;
      if (!ParseJavaInt(args[0], v)) {
        throw TemplateError("NumberFormatException: For input string: \"" +
                            ToJavaString(args[0]) + "\"");
      }
      out = Value(v);
      return true;
    }
    if (name == "parseDouble") {
      std::string s = ToJavaString(args[0]);
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') {
        throw TemplateError("NumberFormatException: For input string: \"" + s + "\"");
      }
      out = Value(d);
      return true;
    }
    if (name == "compareTo" && args[0].IsNumber()) {
      double a = num.AsDouble();
      double b = args[0].AsDouble();
      out = Value(static_cast<int64_t>(a < b ? -1 : (a > b ? 1 : 0)));
      return true;
    }
    if (name == "equals") {
      out = Value(args[0].v.index() == num.v.index() && ValuesEqual(num, args[0]));
      return true;
    }
  }
  return false;
}

std::string Capitalize(std::string_view name) {
  std::string s(name);
  if (!s.empty()) {
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  }
  return s;
}

}  // namespace

bool GetProperty(const Value& target, std::string_view name, Value& out, Evaluator& ev) {
  if (target.IsMap()) {
    const Value* v = target.AsMap()->Find(name);
    if (v == nullptr) {
      return false;
    }
    out = *v;
    return true;
  }
  if (target.IsObject()) {
    return target.AsObject()->Property(name, out, ev);
  }
  // JavaBean getters: $s.empty -> isEmpty(), $list.empty -> isEmpty(), $x.class is not exposed.
  std::vector<Value> no_args;
  std::string cap = Capitalize(name);
  if (CallMethod(target, "get" + cap, no_args, out, ev)) {
    return true;
  }
  return CallMethod(target, "is" + cap, no_args, out, ev);
}

bool CallMethod(const Value& target, std::string_view name, std::vector<Value>& args, Value& out,
                Evaluator& ev) {
  ev.Step();
  switch (target.v.index()) {
    case 0:
      return false;
    case 1:
      if (args.empty() && (name == "toString" || name == "booleanValue")) {
        out = name == "toString" ? Value(target.AsBool() ? "true" : "false") : target;
        return true;
      }
      if (args.size() == 1 && name == "equals") {
        out = Value(args[0].IsBool() && args[0].AsBool() == target.AsBool());
        return true;
      }
      return false;
    case 2:
    case 3:
      if (args.empty() && name == "toString") {
        out = Value(ToJavaString(target));
        return true;
      }
      return NumberMethod(target, name, args, out);
    case 4:
      if (StringMethod(target.AsString(), name, args, out, ev)) {
        if (out.IsString()) {
          ev.Produce(out.AsString().size());
        }
        return true;
      }
      return false;
    case 5:
      return ListMethod(target.AsList(), name, args, out, ev);
    case 6:
      return MapMethod(target.AsMap(), name, args, out, ev);
    default:
      if (target.AsObject()->Call(name, args, out, ev)) {
        return true;
      }
      if (args.empty() && name == "toString") {
        out = Value(target.AsObject()->ToString());
        return true;
      }
      return false;
  }
}

}  // namespace nimbus::apigateway::vtl
