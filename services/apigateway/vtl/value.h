#pragma once

// The VTL value model: what a Velocity reference can hold. It mirrors the Java objects API
// Gateway's Velocity engine sees: String, Integer/Long, Double, Boolean, ArrayList/JSONArray,
// LinkedHashMap, and host objects ($input, $util, $foreach). Lists and maps are shared by
// reference, as Java collections are, so `$list.add(x)` is visible through every alias.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace nimbus::apigateway::vtl {

struct Value;
struct List;
struct Map;
class Object;
class Evaluator;

using ListPtr = std::shared_ptr<List>;
using MapPtr = std::shared_ptr<Map>;
using ObjectPtr = std::shared_ptr<Object>;

struct Value {
  // Null is Java null: an undefined reference, a missing map key, a method returning null.
  // Strings are immutable and shared, as Java strings are, so copying a value never copies text.
  std::variant<std::monostate, bool, int64_t, double, std::shared_ptr<const std::string>, ListPtr,
               MapPtr, ObjectPtr>
      v;

  Value() = default;
  Value(bool b) : v(b) {}  // NOLINT(google-explicit-constructor): values convert freely
  Value(int i) : v(static_cast<int64_t>(i)) {}           // NOLINT
  Value(int64_t i) : v(i) {}                             // NOLINT
  Value(double d) : v(d) {}                              // NOLINT
  Value(std::string s) : v(std::make_shared<const std::string>(std::move(s))) {}  // NOLINT
  Value(std::string_view s) : Value(std::string(s)) {}   // NOLINT
  Value(const char* s) : Value(std::string(s)) {}        // NOLINT
  Value(ListPtr l) : v(std::move(l)) {}                  // NOLINT
  Value(MapPtr m) : v(std::move(m)) {}                   // NOLINT
  Value(ObjectPtr o) : v(std::move(o)) {}                // NOLINT

  bool IsNull() const { return v.index() == 0; }
  bool IsBool() const { return v.index() == 1; }
  bool IsInt() const { return v.index() == 2; }
  bool IsDouble() const { return v.index() == 3; }
  bool IsNumber() const { return IsInt() || IsDouble(); }
  bool IsString() const { return v.index() == 4; }
  bool IsList() const { return v.index() == 5; }
  bool IsMap() const { return v.index() == 6; }
  bool IsObject() const { return v.index() == 7; }

  bool AsBool() const { return std::get<bool>(v); }
  int64_t AsInt() const { return std::get<int64_t>(v); }
  double AsDouble() const { return IsInt() ? static_cast<double>(AsInt()) : std::get<double>(v); }
  const std::string& AsString() const { return *std::get<4>(v); }
  const ListPtr& AsList() const { return std::get<ListPtr>(v); }
  const MapPtr& AsMap() const { return std::get<MapPtr>(v); }
  const ObjectPtr& AsObject() const { return std::get<ObjectPtr>(v); }
};

// java.util.ArrayList, or json-smart's JSONArray when `json` is set: AWS renders JSON arrays
// (from $input.path / $util.parseJson) as compact JSON text, VTL-built lists as "[a, b]".
struct List {
  std::vector<Value> items;
  bool json = false;
};

// java.util.LinkedHashMap: insertion-ordered, string keys (VTL map keys are rendered to text).
struct Map {
  std::vector<std::pair<std::string, Value>> entries;
  bool json = false;
  // HTTP header maps look keys up ignoring ASCII case.
  bool case_insensitive = false;

  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  // Returns the previous value (null if none), as Map.put does.
  Value Put(std::string key, Value value);
  Value Remove(std::string_view key);
  void Clear();

 private:
  void Reindex() const;
  // Built lazily for big maps; small maps are scanned.
  mutable std::unordered_map<std::string, size_t> index_;
  mutable bool indexed_ = false;
};

// A host object ($input, $util, $foreach, map entries). Property and Call return nullopt when the
// object has no such member, which renders the reference literally as Velocity does.
class Object {
 public:
  virtual ~Object() = default;
  virtual std::string_view TypeName() const = 0;
  virtual bool Property(std::string_view name, Value& out, Evaluator& ev);
  virtual bool Call(std::string_view name, std::vector<Value>& args, Value& out, Evaluator& ev);
  // Java toString().
  virtual std::string ToString() const;
};

inline ListPtr MakeList(bool json = false) {
  auto l = std::make_shared<List>();
  l->json = json;
  return l;
}
inline MapPtr MakeMap(bool json = false) {
  auto m = std::make_shared<Map>();
  m->json = json;
  return m;
}

// Java's Double.toString.
std::string JavaDoubleToString(double d);

}  // namespace nimbus::apigateway::vtl
