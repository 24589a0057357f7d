#include "services/apigateway/vtl/jsonpath.h"

#include <cctype>
#include <cstdlib>
#include <string>

#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {
namespace {

// Deep scans visit every node; bound them like everything else evaluated from a request.
constexpr size_t kMaxMatches = 100'000;
constexpr int kMaxScanDepth = 1000;

// One `@.a.b OP literal` test of a filter; OP empty means "exists".
struct Condition {
  std::vector<std::string> path;
  std::string op;
  Value literal;
};

struct Segment {
  enum class Kind { kName, kIndex, kWildcard, kSlice, kUnion, kFilter } kind = Kind::kName;
  // kFilter: OR of AND-groups.
  std::vector<std::vector<Condition>> filter;
  bool deep = false;  // preceded by '..'
  std::vector<std::string> names;
  std::vector<int64_t> indexes;
  int64_t slice_start = 0;
  int64_t slice_end = 0;
  bool has_start = false;
  bool has_end = false;
};

[[noreturn]] void Bad(std::string_view path, const std::string& why) {
  throw TemplateError("Invalid JSONPath '" + std::string(path) + "': " + why);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

// Splits on `sep` outside quotes.
std::vector<std::string_view> SplitOutsideQuotes(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> parts;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (quote) {
      if (s[i] == quote) {
        quote = 0;
      }
    } else if (s[i] == '\'' || s[i] == '"') {
      quote = s[i];
    } else if (s.substr(i, sep.size()) == sep) {
      parts.push_back(s.substr(start, i - start));
      i += sep.size() - 1;
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

Condition ParseCondition(std::string_view path, std::string_view term) {
  term = Trim(term);
  Condition c;
  if (term.empty() || term[0] != '@') {
    Bad(path, "filter terms must start with @");
  }
  size_t i = 1;
  while (i < term.size()) {
    if (term[i] == '.') {
      size_t start = ++i;
      while (i < term.size() && (std::isalnum(static_cast<unsigned char>(term[i])) ||
                                 term[i] == '_' || term[i] == '-' || term[i] == '$')) {
        ++i;
      }
      c.path.emplace_back(term.substr(start, i - start));
    } else if (term[i] == '[' && i + 1 < term.size() &&
               (term[i + 1] == '\'' || term[i + 1] == '"')) {
      char q = term[i + 1];
      size_t end = term.find(q, i + 2);
      if (end == std::string_view::npos || end + 1 >= term.size() || term[end + 1] != ']') {
        Bad(path, "bad filter member");
      }
      c.path.emplace_back(term.substr(i + 2, end - i - 2));
      i = end + 2;
    } else {
      break;
    }
  }
  std::string_view rest = Trim(term.substr(i));
  if (rest.empty()) {
    return c;  // existence test
  }
  for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
    if (rest.substr(0, op.size()) == op) {
      c.op = std::string(op);
      rest = Trim(rest.substr(op.size()));
      break;
    }
  }
  if (c.op.empty()) {
    Bad(path, "unsupported filter operator");
  }
  if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) {
    if (rest.size() < 2 || rest.back() != rest[0]) {
      Bad(path, "unterminated filter string");
    }
    c.literal = Value(std::string(rest.substr(1, rest.size() - 2)));
  } else if (rest == "true" || rest == "false") {
    c.literal = Value(rest == "true");
  } else if (rest == "null") {
    c.literal = Value();
  } else {
    std::string number(rest);
    char* end = nullptr;
    double d = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0') {
      Bad(path, "unsupported filter value");
    }
    if (number.find_first_of(".eE") == std::string::npos) {
      c.literal = Value(static_cast<int64_t>(std::strtoll(number.c_str(), nullptr, 10)));
    } else {
      c.literal = Value(d);
    }
  }
  return c;
}

bool ConditionHolds(const Condition& c, const Value& node) {
  const Value* v = &node;
  for (const std::string& name : c.path) {
    if (!v->IsMap()) {
      return false;
    }
    v = v->AsMap()->Find(name);
    if (v == nullptr) {
      return false;
    }
  }
  if (c.op.empty()) {
    return true;
  }
  int cmp = 0;
  bool comparable = false;
  if (v->IsNumber() && c.literal.IsNumber()) {
    double a = v->AsDouble();
    double b = c.literal.AsDouble();
    cmp = a < b ? -1 : (a > b ? 1 : 0);
    comparable = true;
  } else if (v->IsString() && c.literal.IsString()) {
    int r = v->AsString().compare(c.literal.AsString());
    cmp = r < 0 ? -1 : (r > 0 ? 1 : 0);
    comparable = true;
  } else if (v->IsBool() && c.literal.IsBool()) {
    cmp = v->AsBool() == c.literal.AsBool() ? 0 : 1;
    comparable = c.op == "==" || c.op == "!=";
  } else if (v->IsNull() && c.literal.IsNull()) {
    comparable = c.op == "==" || c.op == "!=";
  }
  if (!comparable) {
    return c.op == "!=";
  }
  if (c.op == "==") {
    return cmp == 0;
  }
  if (c.op == "!=") {
    return cmp != 0;
  }
  if (c.op == "<") {
    return cmp < 0;
  }
  if (c.op == "<=") {
    return cmp <= 0;
  }
  if (c.op == ">") {
    return cmp > 0;
  }
  return cmp >= 0;
}

bool FilterHolds(const Segment& seg, const Value& node) {
  for (const auto& group : seg.filter) {
    bool all = true;
    for (const Condition& c : group) {
      if (!ConditionHolds(c, node)) {
        all = false;
        break;
      }
    }
    if (all) {
      return true;
    }
  }
  return false;
}

std::vector<Segment> ParsePath(std::string_view path) {
  std::vector<Segment> segments;
  size_t i = 0;
  while (i < path.size() && path[i] == ' ') {
    ++i;
  }
  std::string normalized;
  if (i < path.size() && path[i] == '$') {
    ++i;
  } else if (i < path.size() && path[i] != '.' && path[i] != '[') {
    normalized.push_back('.');
    normalized.append(path.substr(i));
    path = normalized;
    i = 0;
  }
  while (i < path.size()) {
    char c = path[i];
    if (c == ' ') {
      ++i;
      continue;
    }
    Segment seg;
    if (c == '.') {
      ++i;
      if (i < path.size() && path[i] == '.') {
        seg.deep = true;
        ++i;
      }
      if (i < path.size() && path[i] == '*') {
        seg.kind = Segment::Kind::kWildcard;
        ++i;
        segments.push_back(std::move(seg));
        continue;
      }
      if (i < path.size() && path[i] == '[') {
        if (!seg.deep) {
          Bad(path, "unexpected '.['");
        }
        c = '[';
      } else {
        size_t start = i;
        while (i < path.size() && path[i] != '.' && path[i] != '[') {
          ++i;
        }
        if (i == start) {
          Bad(path, "empty property name");
        }
        seg.kind = Segment::Kind::kName;
        seg.names.emplace_back(path.substr(start, i - start));
        segments.push_back(std::move(seg));
        continue;
      }
    }
    if (c != '[') {
      Bad(path, std::string("unexpected character '") + c + "'");
    }
    ++i;
    size_t close = std::string_view::npos;
    // Find the closing bracket outside quotes.
    char quote = 0;
    int nesting = 0;
    for (size_t j = i; j < path.size(); ++j) {
      if (quote) {
        if (path[j] == '\\') {
          ++j;
        } else if (path[j] == quote) {
          quote = 0;
        }
      } else if (path[j] == '\'' || path[j] == '"') {
        quote = path[j];
      } else if (path[j] == '[') {
        ++nesting;
      } else if (path[j] == ']') {
        if (nesting-- > 0) {
          continue;
        }
        close = j;
        break;
      }
    }
    if (close == std::string_view::npos) {
      Bad(path, "unclosed '['");
    }
    std::string_view inner = path.substr(i, close - i);
    i = close + 1;
    while (!inner.empty() && inner.front() == ' ') {
      inner.remove_prefix(1);
    }
    while (!inner.empty() && inner.back() == ' ') {
      inner.remove_suffix(1);
    }
    if (inner == "*") {
      seg.kind = Segment::Kind::kWildcard;
    } else if (!inner.empty() && inner[0] == '?') {
      std::string_view expr = Trim(inner.substr(1));
      if (expr.size() < 2 || expr.front() != '(' || expr.back() != ')') {
        Bad(path, "filter must be ?(...)");
      }
      expr = expr.substr(1, expr.size() - 2);
      seg.kind = Segment::Kind::kFilter;
      for (std::string_view alternative : SplitOutsideQuotes(expr, "||")) {
        std::vector<Condition> group;
        for (std::string_view term : SplitOutsideQuotes(alternative, "&&")) {
          group.push_back(ParseCondition(path, term));
        }
        seg.filter.push_back(std::move(group));
      }
    } else if (!inner.empty() && (inner[0] == '\'' || inner[0] == '"')) {
      seg.kind = Segment::Kind::kName;
      size_t k = 0;
      while (k < inner.size()) {
        char q = inner[k];
        if (q != '\'' && q != '"') {
          Bad(path, "expected a quoted name");
        }
        std::string name;
        ++k;
        while (k < inner.size() && inner[k] != q) {
          if (inner[k] == '\\' && k + 1 < inner.size()) {
            ++k;
          }
          name += inner[k++];
        }
        if (k >= inner.size()) {
          Bad(path, "unterminated quoted name");
        }
        ++k;
        seg.names.push_back(std::move(name));
        while (k < inner.size() && (inner[k] == ' ' || inner[k] == ',')) {
          ++k;
        }
      }
      if (seg.names.size() > 1) {
        seg.kind = Segment::Kind::kUnion;
      }
    } else if (inner.find(':') != std::string_view::npos) {
      seg.kind = Segment::Kind::kSlice;
      size_t colon = inner.find(':');
      std::string a(inner.substr(0, colon));
      std::string b(inner.substr(colon + 1));
      if (b.find(':') != std::string::npos) {
        b = b.substr(0, b.find(':'));  // step is not supported; ignored
      }
      if (!a.empty()) {
        seg.has_start = true;
        seg.slice_start = std::strtoll(a.c_str(), nullptr, 10);
      }
      if (!b.empty()) {
        seg.has_end = true;
        seg.slice_end = std::strtoll(b.c_str(), nullptr, 10);
      }
    } else {
      seg.kind = Segment::Kind::kIndex;
      size_t k = 0;
      while (k < inner.size()) {
        size_t start = k;
        if (inner[k] == '-') {
          ++k;
        }
        while (k < inner.size() && inner[k] >= '0' && inner[k] <= '9') {
          ++k;
        }
        if (k == start || (k == start + 1 && inner[start] == '-')) {
          Bad(path, "expected an array index");
        }
        seg.indexes.push_back(std::strtoll(std::string(inner.substr(start, k - start)).c_str(),
                                           nullptr, 10));
        while (k < inner.size() && (inner[k] == ' ' || inner[k] == ',')) {
          ++k;
        }
      }
      if (seg.indexes.size() > 1) {
        seg.kind = Segment::Kind::kUnion;
      }
    }
    segments.push_back(std::move(seg));
  }
  return segments;
}

void Add(std::vector<Value>& out, const Value& v) {
  if (out.size() >= kMaxMatches) {
    throw TemplateError("JSONPath produced too many matches");
  }
  out.push_back(v);
}

// Applies one (non-deep) segment to a node.
void Apply(const Segment& seg, const Value& node, std::vector<Value>& out) {
  switch (seg.kind) {
    case Segment::Kind::kName:
    case Segment::Kind::kUnion:
      if (node.IsMap()) {
        for (const std::string& name : seg.names) {
          if (const Value* v = node.AsMap()->Find(name)) {
            Add(out, *v);
          }
        }
      }
      if (node.IsList()) {
        const auto& items = node.AsList()->items;
        int64_t n = static_cast<int64_t>(items.size());
        for (int64_t idx : seg.indexes) {
          if (idx < 0) {
            idx += n;
          }
          if (idx >= 0 && idx < n) {
            Add(out, items[static_cast<size_t>(idx)]);
          }
        }
      }
      break;
    case Segment::Kind::kIndex:
      if (node.IsList()) {
        const auto& items = node.AsList()->items;
        int64_t n = static_cast<int64_t>(items.size());
        int64_t idx = seg.indexes[0];
        if (idx < 0) {
          idx += n;
        }
        if (idx >= 0 && idx < n) {
          Add(out, items[static_cast<size_t>(idx)]);
        }
      }
      break;
    case Segment::Kind::kWildcard:
      if (node.IsList()) {
        for (const Value& v : node.AsList()->items) {
          Add(out, v);
        }
      } else if (node.IsMap()) {
        for (const auto& [k, v] : node.AsMap()->entries) {
          Add(out, v);
        }
      }
      break;
    case Segment::Kind::kFilter:
      if (node.IsList()) {
        for (const Value& v : node.AsList()->items) {
          if (FilterHolds(seg, v)) {
            Add(out, v);
          }
        }
      } else if (node.IsMap() && FilterHolds(seg, node)) {
        Add(out, node);
      }
      break;
    case Segment::Kind::kSlice:
      if (node.IsList()) {
        const auto& items = node.AsList()->items;
        int64_t n = static_cast<int64_t>(items.size());
        int64_t a = seg.has_start ? seg.slice_start : 0;
        int64_t b = seg.has_end ? seg.slice_end : n;
        if (a < 0) {
          a = std::max<int64_t>(0, a + n);
        }
        if (b < 0) {
          b = std::max<int64_t>(0, b + n);
        }
        for (int64_t k = a; k < std::min(b, n); ++k) {
          Add(out, items[static_cast<size_t>(k)]);
        }
      }
      break;
  }
}

void DeepApply(const Segment& seg, const Value& node, std::vector<Value>& out, int depth) {
  if (depth > kMaxScanDepth) {
    throw TemplateError("JSONPath deep scan nested too deeply");
  }
  Apply(seg, node, out);
  if (node.IsList()) {
    for (const Value& v : node.AsList()->items) {
      DeepApply(seg, v, out, depth + 1);
    }
  } else if (node.IsMap()) {
    for (const auto& [k, v] : node.AsMap()->entries) {
      DeepApply(seg, v, out, depth + 1);
    }
  }
}

}  // namespace

JsonPathResult EvaluateJsonPath(std::string_view path, const Value& root) {
  std::vector<Segment> segments = ParsePath(path);
  JsonPathResult result;
  std::vector<Value> current{root};
  for (const Segment& seg : segments) {
    if (seg.deep || seg.kind == Segment::Kind::kWildcard || seg.kind == Segment::Kind::kSlice ||
        seg.kind == Segment::Kind::kUnion || seg.kind == Segment::Kind::kFilter) {
      result.definite = false;
    }
    std::vector<Value> next;
    for (const Value& node : current) {
      if (seg.deep) {
        DeepApply(seg, node, next, 0);
      } else {
        Apply(seg, node, next);
      }
    }
    current = std::move(next);
  }
  result.matches = std::move(current);
  return result;
}

}  // namespace nimbus::apigateway::vtl
