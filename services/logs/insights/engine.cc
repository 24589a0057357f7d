#include "services/logs/insights/engine.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <rapidjson/document.h>

namespace nimbus::logs::insights {
namespace {

// AWS: at most 1000 fields are discovered per event; a message is flattened at most this deep.
constexpr size_t kMaxDiscoveredFields = 1000;
constexpr int kMaxJsonDepth = 32;

using Row = std::map<std::string, Val, std::less<>>;

std::string FormatNumber(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::string Text(const Val& v) {
  switch (v.kind) {
    case Val::Kind::kNull:
      return "";
    case Val::Kind::kStr:
      return v.s;
    case Val::Kind::kNum:
      return v.time ? FormatTime(static_cast<int64_t>(v.n)) : FormatNumber(v.n);
  }
  return "";
}

std::optional<double> Number(const Val& v) {
  if (v.kind == Val::Kind::kNum) {
    return v.n;
  }
  if (v.kind == Val::Kind::kStr && !v.s.empty()) {
    double d = 0;
    const char* b = v.s.data();
    const char* e = b + v.s.size();
    if (*b == '+') {
      ++b;
    }
    auto [ptr, ec] = std::from_chars(b, e, d);
    if (ec == std::errc() && ptr == e) {
      return d;
    }
  }
  return std::nullopt;
}

bool Truthy(const Val& v) {
  switch (v.kind) {
    case Val::Kind::kNull:
      return false;
    case Val::Kind::kNum:
      return v.n != 0;
    case Val::Kind::kStr:
      return !v.s.empty() && v.s != "false";
  }
  return false;
}

Val Bool(bool b) { return Val::Num(b ? 1 : 0); }

// <0, 0, >0; numbers compare as numbers, anything else as text. Nulls sort last.
int Compare(const Val& a, const Val& b) {
  if (a.IsNull() || b.IsNull()) {
    return a.IsNull() == b.IsNull() ? 0 : (a.IsNull() ? 1 : -1);
  }
  auto x = Number(a);
  auto y = Number(b);
  if (x && y) {
    return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  std::string sa = Text(a), sb = Text(b);
  return sa < sb ? -1 : (sa > sb ? 1 : 0);
}

const Val kNull;

const Val& Lookup(const Row& row, const std::string& name) {
  auto it = row.find(name);
  return it == row.end() ? kNull : it->second;
}

std::string Trim(std::string s, bool left, bool right) {
  size_t b = 0, e = s.size();
  while (left && b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (right && e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

Val Eval(const Expr& e, const Row& row);

Val Call(const Expr& e, const Row& row) {
  const std::string& fn = e.name;
  auto arg = [&](size_t i) { return i < e.args.size() ? Eval(*e.args[i], row) : Val(); };
  if (fn == "ispresent") return Bool(!arg(0).IsNull());
  if (fn == "isempty") {
    Val v = arg(0);
    return Bool(v.IsNull() || Text(v).empty());
  }
  if (fn == "isblank") {
    Val v = arg(0);
    return Bool(v.IsNull() || Trim(Text(v), true, true).empty());
  }
  if (fn == "coalesce") {
    for (size_t i = 0; i < e.args.size(); ++i) {
      Val v = arg(i);
      if (!v.IsNull()) return v;
    }
    return {};
  }
  if (fn == "bin" || fn == "datefloor") {
    Val t = fn == "bin" ? Lookup(row, "@timestamp") : arg(0);
    int64_t d = e.args[fn == "bin" ? 0 : 1]->duration_ms;
    auto ms = Number(t);
    if (!ms || d <= 0) return {};
    int64_t v = static_cast<int64_t>(*ms);
    return Val::Time(v - ((v % d) + d) % d);
  }
  if (fn == "dateceil") {
    auto ms = Number(arg(0));
    int64_t d = e.args[1]->duration_ms;
    if (!ms || d <= 0) return {};
    int64_t v = static_cast<int64_t>(*ms);
    int64_t floor = v - ((v % d) + d) % d;
    return Val::Time(floor == v ? v : floor + d);
  }
  if (fn == "frommillis") {
    auto ms = Number(arg(0));
    return ms ? Val::Time(static_cast<int64_t>(*ms)) : Val();
  }
  if (fn == "tomillis") {
    auto ms = Number(arg(0));
    return ms ? Val::Num(std::floor(*ms)) : Val();
  }
  if (fn == "greatest" || fn == "least") {
    Val best;
    for (size_t i = 0; i < e.args.size(); ++i) {
      Val v = arg(i);
      if (v.IsNull()) continue;
      int c = Compare(v, best);
      if (best.IsNull() || (fn == "greatest" ? c > 0 : c < 0)) best = v;
    }
    return best;
  }
  if (fn == "concat") {
    std::string out;
    for (size_t i = 0; i < e.args.size(); ++i) out += Text(arg(i));
    return Val::Str(out);
  }
  Val a = arg(0);
  if (a.IsNull()) return {};
  if (fn == "strlen") return Val::Num(static_cast<double>(Text(a).size()));
  if (fn == "tolower" || fn == "toupper") {
    std::string s = Text(a);
    for (char& c : s) {
      c = static_cast<char>(fn == "tolower" ? std::tolower(static_cast<unsigned char>(c))
                                            : std::toupper(static_cast<unsigned char>(c)));
    }
    return Val::Str(s);
  }
  if (fn == "trim") return Val::Str(Trim(Text(a), true, true));
  if (fn == "ltrim") return Val::Str(Trim(Text(a), true, false));
  if (fn == "rtrim") return Val::Str(Trim(Text(a), false, true));
  if (fn == "strcontains") return Bool(Text(a).find(Text(arg(1))) != std::string::npos);
  if (fn == "replace") {
    std::string s = Text(a), from = Text(arg(1)), to = Text(arg(2));
    if (from.empty()) return Val::Str(s);
    std::string out;
    size_t pos = 0, hit;
    while ((hit = s.find(from, pos)) != std::string::npos) {
      out += s.substr(pos, hit - pos) + to;
      pos = hit + from.size();
    }
    return Val::Str(out + s.substr(pos));
  }
  if (fn == "substr") {
    std::string s = Text(a);
    auto start = Number(arg(1));
    if (!start || *start < 0) return {};
    size_t b = std::min(s.size(), static_cast<size_t>(*start));
    size_t n = std::string::npos;
    if (e.args.size() > 2) {
      auto len = Number(arg(2));
      if (!len || *len < 0) return {};
      n = static_cast<size_t>(*len);
    }
    return Val::Str(s.substr(b, n));
  }
  auto n = Number(a);
  if (!n) return {};
  if (fn == "abs") return Val::Num(std::fabs(*n));
  if (fn == "ceil") return Val::Num(std::ceil(*n));
  if (fn == "floor") return Val::Num(std::floor(*n));
  return {};  // aggregates outside stats have no per-record value
}

Val Eval(const Expr& e, const Row& row) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return e.lit;
    case Expr::Kind::kField:
      return Lookup(row, e.name);
    case Expr::Kind::kStar:
      return Val::Num(1);
    case Expr::Kind::kCall:
      return Call(e, row);
    case Expr::Kind::kNeg: {
      auto n = Number(Eval(*e.args[0], row));
      return n ? Val::Num(-*n) : Val();
    }
    case Expr::Kind::kArith: {
      auto a = Number(Eval(*e.args[0], row));
      auto b = Number(Eval(*e.args[1], row));
      if (!a || !b) return {};
      switch (e.op[0]) {
        case '+': return Val::Num(*a + *b);
        case '-': return Val::Num(*a - *b);
        case '*': return Val::Num(*a * *b);
        case '/': return *b == 0 ? Val() : Val::Num(*a / *b);
        case '%': return *b == 0 ? Val() : Val::Num(std::fmod(*a, *b));
      }
      return {};
    }
    case Expr::Kind::kCompare: {
      Val a = Eval(*e.args[0], row);
      Val b = Eval(*e.args[1], row);
      if (a.IsNull() || b.IsNull()) return Bool(false);
      int c = Compare(a, b);
      const std::string& op = e.op;
      if (op == "=") return Bool(c == 0);
      if (op == "!=") return Bool(c != 0);
      if (op == "<") return Bool(c < 0);
      if (op == "<=") return Bool(c <= 0);
      if (op == ">") return Bool(c > 0);
      return Bool(c >= 0);
    }
    case Expr::Kind::kLike: {
      Val a = Eval(*e.args[0], row);
      if (a.IsNull()) return Bool(false);
      std::string s = Text(a);
      bool hit = e.regex ? std::regex_search(s, *e.regex->re)
                         : s.find(Text(Eval(*e.args[1], row))) != std::string::npos;
      return Bool(hit != e.negate);
    }
    case Expr::Kind::kIn: {
      Val a = Eval(*e.args[0], row);
      bool hit = false;
      for (size_t i = 1; i < e.args.size() && !a.IsNull() && !hit; ++i) {
        hit = Compare(a, Eval(*e.args[i], row)) == 0;
      }
      return Bool(hit != e.negate);
    }
    case Expr::Kind::kAnd:
      return Bool(Truthy(Eval(*e.args[0], row)) && Truthy(Eval(*e.args[1], row)));
    case Expr::Kind::kOr:
      return Bool(Truthy(Eval(*e.args[0], row)) || Truthy(Eval(*e.args[1], row)));
    case Expr::Kind::kNot:
      return Bool(!Truthy(Eval(*e.args[0], row)));
  }
  return {};
}

void Flatten(const rapidjson::Value& v, const std::string& prefix, int depth,
             std::vector<std::pair<std::string, Val>>& out) {
  if (out.size() >= kMaxDiscoveredFields || depth > kMaxJsonDepth) {
    return;
  }
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      Flatten(it->value, prefix.empty() ? key : prefix + "." + key, depth + 1, out);
    }
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      Flatten(v[i], prefix + "." + std::to_string(i), depth + 1, out);
    }
  } else if (v.IsString()) {
    out.emplace_back(prefix, Val::Str(std::string(v.GetString(), v.GetStringLength())));
  } else if (v.IsNumber()) {
    out.emplace_back(prefix, Val::Num(v.GetDouble()));
  } else if (v.IsBool()) {
    out.emplace_back(prefix, Val::Str(v.GetBool() ? "true" : "false"));
  }
}

// "REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\t..."
void LambdaFields(std::string_view m, std::vector<std::pair<std::string, Val>>& out) {
  std::string_view type;
  for (std::string_view t : {"START", "END", "REPORT"}) {
    if (m.substr(0, t.size() + 12) == std::string(t) + " RequestId: ") {
      type = t;
    }
  }
  if (type.empty()) {
    return;
  }
  out.emplace_back("@type", Val::Str(std::string(type)));
  m.remove_prefix(type.size() + 12);
  size_t end = m.find_first_of(" \t\n");
  out.emplace_back("@requestId", Val::Str(std::string(m.substr(0, end))));
  if (type != "REPORT") {
    return;
  }
  static const std::pair<std::string_view, std::string_view> kKeys[] = {
      {"Duration: ", "@duration"},
      {"Billed Duration: ", "@billedDuration"},
      {"Memory Size: ", "@memorySize"},
      {"Max Memory Used: ", "@maxMemoryUsed"},
      {"Init Duration: ", "@initDuration"}};
  for (const auto& [label, field] : kKeys) {
    size_t pos = 0;
    while ((pos = m.find(label, pos)) != std::string_view::npos) {
      // "Duration: " also ends "Billed Duration: " and "Init Duration: ".
      if (label == "Duration: " && pos > 0 && m[pos - 1] != '\t' && m[pos - 1] != ' ') {
        pos += label.size();
        continue;
      }
      if (label == "Duration: " && pos >= 7 &&
          (m.substr(pos - 7, 7) == "Billed " || (pos >= 5 && m.substr(pos - 5, 5) == "Init "))) {
        pos += label.size();
        continue;
      }
      std::string_view rest = m.substr(pos + label.size());
      double v = 0;
      auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
      if (ec == std::errc()) {
        // Memory is reported in MB; Insights shows bytes for @memorySize/@maxMemoryUsed.
        if (field == "@memorySize" || field == "@maxMemoryUsed") {
          v *= 1000 * 1000;
        }
        out.emplace_back(std::string(field), Val::Num(v));
      }
      (void)ptr;
      break;
    }
  }
}

Row RecordRow(const Record& r) {
  Row row;
  row["@timestamp"] = Val::Time(r.timestamp);
  row["@ingestionTime"] = Val::Time(r.ingestion_ms);
  row["@message"] = Val::Str(r.message);
  row["@logStream"] = Val::Str(r.stream);
  row["@log"] = Val::Str(r.log);
  row["@ptr"] = Val::Str(r.ptr);
  for (auto& [k, v] : DiscoverFields(r.message)) {
    row.emplace(std::move(k), std::move(v));
  }
  return row;
}

// ---- stats --------------------------------------------------------------------------------

struct Aggregate {
  int64_t count = 0;
  double sum = 0;
  double sum_sq = 0;
  Val min, max;
  Val earliest, latest;
  double earliest_ts = 0, latest_ts = 0;
  std::set<std::string> distinct;
  std::vector<double> values;
};

void Accumulate(const Expr& call, const Row& row, Aggregate& a) {
  const std::string& fn = call.name;
  if (fn == "count" && (call.args.empty() || call.args[0]->kind == Expr::Kind::kStar)) {
    ++a.count;
    return;
  }
  if (call.args.empty()) {
    return;
  }
  Val v = Eval(*call.args[0], row);
  if (v.IsNull()) {
    return;
  }
  ++a.count;
  if (fn == "count_distinct") {
    a.distinct.insert(Text(v));
  } else if (fn == "min" || fn == "max") {
    if (a.min.IsNull() || Compare(v, a.min) < 0) a.min = v;
    if (a.max.IsNull() || Compare(v, a.max) > 0) a.max = v;
  } else if (fn == "earliest" || fn == "latest") {
    double ts = Number(Lookup(row, "@timestamp")).value_or(0);
    if (a.earliest.IsNull() || ts < a.earliest_ts) {
      a.earliest = v;
      a.earliest_ts = ts;
    }
    if (a.latest.IsNull() || ts >= a.latest_ts) {
      a.latest = v;
      a.latest_ts = ts;
    }
  } else if (auto n = Number(v)) {
    a.sum += *n;
    a.sum_sq += *n * *n;
    if (fn == "pct" || fn == "median") {
      a.values.push_back(*n);
    }
  } else {
    --a.count;  // sum/avg/pct/stddev take numbers only
  }
}

Val Finish(const Expr& call, Aggregate& a) {
  const std::string& fn = call.name;
  if (fn == "count") return Val::Num(static_cast<double>(a.count));
  if (fn == "count_distinct") return Val::Num(static_cast<double>(a.distinct.size()));
  if (fn == "min") return a.min;
  if (fn == "max") return a.max;
  if (fn == "earliest") return a.earliest;
  if (fn == "latest") return a.latest;
  if (a.count == 0) return {};
  if (fn == "sum") return Val::Num(a.sum);
  if (fn == "avg") return Val::Num(a.sum / static_cast<double>(a.count));
  if (fn == "stddev") {
    if (a.count < 2) return Val::Num(0);
    double n = static_cast<double>(a.count);
    double var = (a.sum_sq - a.sum * a.sum / n) / (n - 1);
    return Val::Num(std::sqrt(std::max(0.0, var)));
  }
  if (fn == "pct" || fn == "median") {
    double p = 50;
    if (fn == "pct") {
      p = call.args[1]->lit.n;
    }
    std::sort(a.values.begin(), a.values.end());
    if (a.values.empty()) return {};
    // Nearest rank.
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(a.values.size())));
    rank = std::clamp<size_t>(rank, 1, a.values.size());
    return Val::Num(a.values[rank - 1]);
  }
  return {};
}

std::vector<Row> Stats(const Command& c, const std::vector<Row>& rows) {
  struct Group {
    Row keys;
    std::vector<Aggregate> aggs;
  };
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t> index;
  for (const Row& row : rows) {
    std::string key;
    Row keys;
    for (const Item& b : c.by) {
      Val v = Eval(*b.expr, row);
      key += v.IsNull() ? std::string("\x01") : Text(v);
      key += '\x1f';
      keys[b.name] = std::move(v);
    }
    auto [it, fresh] = index.emplace(key, groups.size());
    if (fresh) {
      groups.push_back(Group{std::move(keys), std::vector<Aggregate>(c.items.size())});
    }
    Group& g = groups[it->second];
    for (size_t i = 0; i < c.items.size(); ++i) {
      Accumulate(*c.items[i].expr, row, g.aggs[i]);
    }
  }
  // With no `by`, stats over no records still answers one row (count 0).
  if (groups.empty() && c.by.empty()) {
    groups.push_back(Group{Row{}, std::vector<Aggregate>(c.items.size())});
  }
  std::vector<Row> out;
  out.reserve(groups.size());
  for (Group& g : groups) {
    Row row = std::move(g.keys);
    for (size_t i = 0; i < c.items.size(); ++i) {
      row[c.items[i].name] = Finish(*c.items[i].expr, g.aggs[i]);
    }
    out.push_back(std::move(row));
  }
  return out;
}

void Parse(const Command& c, Row& row) {
  Val source = Eval(*c.source, row);
  if (source.IsNull()) {
    return;
  }
  std::string text = Text(source);
  std::smatch m;
  if (!std::regex_search(text, m, *c.parse.re)) {
    return;
  }
  for (size_t i = 0; i < c.parse.names.size() && i + 1 < m.size(); ++i) {
    if (!c.parse.names[i].empty() && m[i + 1].matched) {
      row[c.parse.names[i]] = Val::Str(m[i + 1].str());
    }
  }
}

void AddVisible(std::vector<std::string>& visible, const std::string& name) {
  if (std::find(visible.begin(), visible.end(), name) == visible.end()) {
    visible.push_back(name);
  }
}

}  // namespace

std::string FormatTime(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int millis = static_cast<int>(ms - secs * 1000);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::vector<std::pair<std::string, Val>> DiscoverFields(std::string_view message) {
  std::vector<std::pair<std::string, Val>> out;
  size_t start = message.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && message[start] == '{') {
    rapidjson::Document d;
    // Iterative: a hostile message of nested brackets must not recurse down the stack.
    d.Parse<rapidjson::kParseIterativeFlag>(message.data() + start, message.size() - start);
    if (!d.HasParseError() && d.IsObject()) {
      Flatten(d, "", 0, out);
    }
  }
  LambdaFields(message, out);
  return out;
}

RunResult Run(const Query& query, const std::vector<Record>& records, int64_t max_rows) {
  RunResult result;
  std::vector<const Record*> order;
  order.reserve(records.size());
  for (const Record& r : records) {
    order.push_back(&r);
    result.bytes_scanned += static_cast<double>(r.message.size());
  }
  result.records_scanned = static_cast<int64_t>(records.size());
  // Newest first unless the query sorts.
  std::stable_sort(order.begin(), order.end(), [](const Record* a, const Record* b) {
    return a->timestamp > b->timestamp;
  });
  std::vector<Row> rows;
  rows.reserve(order.size());
  for (const Record* r : order) {
    rows.push_back(RecordRow(*r));
  }
  std::optional<std::vector<std::string>> visible;
  bool aggregated = false;
  int64_t matched = static_cast<int64_t>(rows.size());
  for (const Command& c : query.commands) {
    switch (c.kind) {
      case Command::Kind::kFields:
        for (Row& row : rows) {
          for (const Item& item : c.items) {
            if (item.expr->kind != Expr::Kind::kField || item.name != item.expr->name) {
              row[item.name] = Eval(*item.expr, row);
            }
          }
        }
        if (!visible) {
          visible.emplace();
        }
        for (const Item& item : c.items) {
          AddVisible(*visible, item.name);
        }
        break;
      case Command::Kind::kDisplay:
        for (Row& row : rows) {
          for (const Item& item : c.items) {
            if (item.expr->kind != Expr::Kind::kField || item.name != item.expr->name) {
              row[item.name] = Eval(*item.expr, row);
            }
          }
        }
        visible.emplace();
        for (const Item& item : c.items) {
          AddVisible(*visible, item.name);
        }
        break;
      case Command::Kind::kFilter: {
        std::vector<Row> kept;
        for (Row& row : rows) {
          if (Truthy(Eval(*c.condition, row))) {
            kept.push_back(std::move(row));
          }
        }
        rows = std::move(kept);
        if (!aggregated) {
          matched = static_cast<int64_t>(rows.size());
        }
        break;
      }
      case Command::Kind::kParse:
        for (Row& row : rows) {
          Parse(c, row);
        }
        break;
      case Command::Kind::kStats:
        rows = Stats(c, rows);
        aggregated = true;
        visible.emplace();
        for (const Item& item : c.by) {
          AddVisible(*visible, item.name);
        }
        for (const Item& item : c.items) {
          AddVisible(*visible, item.name);
        }
        break;
      case Command::Kind::kSort: {
        std::vector<std::pair<std::vector<Val>, size_t>> keyed;
        keyed.reserve(rows.size());
        for (size_t i = 0; i < rows.size(); ++i) {
          std::vector<Val> keys;
          for (const SortKey& k : c.sort) {
            auto named = rows[i].find(k.text);
            keys.push_back(named != rows[i].end() ? named->second : Eval(*k.expr, rows[i]));
          }
          keyed.emplace_back(std::move(keys), i);
        }
        std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
          for (size_t k = 0; k < c.sort.size(); ++k) {
            const Val& x = a.first[k];
            const Val& y = b.first[k];
            if (x.IsNull() || y.IsNull()) {
              if (x.IsNull() != y.IsNull()) return y.IsNull();  // nulls last either way
              continue;
            }
            int cmp = Compare(x, y);
            if (cmp != 0) return c.sort[k].descending ? cmp > 0 : cmp < 0;
          }
          return false;
        });
        std::vector<Row> sorted;
        sorted.reserve(rows.size());
        for (auto& [keys, i] : keyed) {
          sorted.push_back(std::move(rows[i]));
        }
        rows = std::move(sorted);
        break;
      }
      case Command::Kind::kLimit:
        if (static_cast<int64_t>(rows.size()) > c.limit) {
          rows.resize(static_cast<size_t>(c.limit));
        }
        break;
      case Command::Kind::kDedup: {
        std::set<std::string> seen;
        std::vector<Row> kept;
        for (Row& row : rows) {
          std::string key;
          bool any_null = false;
          for (const ExprPtr& f : c.dedup) {
            Val v = Eval(*f, row);
            any_null = any_null || v.IsNull();
            key += Text(v) + '\x1f';
          }
          if (any_null || seen.insert(key).second) {
            kept.push_back(std::move(row));
          }
        }
        rows = std::move(kept);
        break;
      }
    }
  }
  result.records_matched = aggregated ? matched : static_cast<int64_t>(rows.size());
  if (static_cast<int64_t>(rows.size()) > max_rows) {
    rows.resize(static_cast<size_t>(max_rows));
  }
  for (const Row& row : rows) {
    ResultRow out;
    if (visible) {
      for (const std::string& name : *visible) {
        const Val& v = Lookup(row, name);
        if (!v.IsNull()) {
          out.emplace_back(name, Text(v));
        }
      }
    } else {
      for (const char* first : {"@timestamp", "@message", "@logStream", "@log"}) {
        const Val& v = Lookup(row, first);
        if (!v.IsNull()) {
          out.emplace_back(first, Text(v));
        }
      }
      for (const auto& [name, v] : row) {
        if (name != "@timestamp" && name != "@message" && name != "@logStream" &&
            name != "@log" && name != "@ptr" && name != "@ingestionTime" && !v.IsNull()) {
          out.emplace_back(name, Text(v));
        }
      }
    }
    if (!aggregated) {
      const Val& ptr = Lookup(row, "@ptr");
      if (!ptr.IsNull()) {
        out.emplace_back("@ptr", ptr.s);
      }
    }
    result.rows.push_back(std::move(out));
  }
  return result;
}

}  // namespace nimbus::logs::insights
