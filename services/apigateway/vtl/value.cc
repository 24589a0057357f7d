#include "services/apigateway/vtl/value.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nimbus::apigateway::vtl {
namespace {

// Maps up to this size are scanned linearly; bigger ones get a hash index.
constexpr size_t kIndexThreshold = 16;

}  // namespace

void Map::Reindex() const {
  index_.clear();
  for (size_t i = 0; i < entries.size(); ++i) {
    index_.emplace(entries[i].first, i);
  }
  indexed_ = true;
}

const Value* Map::Find(std::string_view key) const {
  if (case_insensitive) {
    for (const auto& [k, v] : entries) {
      if (k.size() == key.size() &&
          std::equal(k.begin(), k.end(), key.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return &v;
      }
    }
    return nullptr;
  }
  if (entries.size() <= kIndexThreshold) {
    for (const auto& [k, v] : entries) {
      if (k == key) {
        return &v;
      }
    }
    return nullptr;
  }
  if (!indexed_) {
    Reindex();
  }
  auto it = index_.find(std::string(key));
  return it == index_.end() ? nullptr : &entries[it->second].second;
}

Value* Map::Find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Map*>(this)->Find(key));
}

Value Map::Put(std::string key, Value value) {
  if (Value* existing = Find(key)) {
    existing->v.swap(value.v);
    return value;  // now holds the previous value
  }
  entries.emplace_back(std::move(key), std::move(value));
  if (indexed_) {
    index_.emplace(entries.back().first, entries.size() - 1);
  }
  return Value();
}

Value Map::Remove(std::string_view key) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->first == key) {
      Value previous;
      previous.v.swap(it->second.v);
      entries.erase(it);
      indexed_ = false;
      return previous;
    }
  }
  return Value();
}

void Map::Clear() {
  entries.clear();
  index_.clear();
  indexed_ = false;
}

bool Object::Property(std::string_view, Value&, Evaluator&) {
  return false;
}

bool Object::Call(std::string_view, std::vector<Value>&, Value&, Evaluator&) {
  return false;
}

std::string Object::ToString() const {
  return std::string(TypeName());
}

std::string JavaDoubleToString(double d) {
  if (std::isnan(d)) {
    return "NaN";
  }
  if (std::isinf(d)) {
    return d > 0 ? "Infinity" : "-Infinity";
  }
  if (d == 0) {
    return std::signbit(d) ? "-0.0" : "0.0";
  }
  // Shortest digit string that round-trips, like Java's Double.toString.
  char buf[40];
  int precision = 1;
  for (; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, d);
    if (std::strtod(buf, nullptr) == d) {
      break;
    }
  }
  std::string s(buf);
  bool negative = s[0] == '-';
  if (negative) {
    s.erase(0, 1);
  }
  size_t e = s.find('e');
  int exponent = std::atoi(s.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') {
      digits += s[i];
    }
  }
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
  }
  std::string out;
  double magnitude = std::fabs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      std::string int_part = digits.substr(0, std::min<size_t>(digits.size(), exponent + 1));
      while (static_cast<int>(int_part.size()) < exponent + 1) {
        int_part += '0';
      }
      std::string frac = digits.size() > static_cast<size_t>(exponent + 1)
                             ? digits.substr(exponent + 1)
                             : std::string("0");
      out = int_part + "." + frac;
    } else {
      out = "0." + std::string(-exponent - 1, '0') + digits;
    }
  } else {
    std::string frac = digits.size() > 1 ? digits.substr(1) : std::string("0");
    out = digits.substr(0, 1) + "." + frac + "E" + std::to_string(exponent);
  }
  return negative ? "-" + out : out;
}

}  // namespace nimbus::apigateway::vtl
