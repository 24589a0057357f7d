#pragma once

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/aws_error.h"

// CloudWatch Logs Insights queries: the parsed form of the common subset of the query
// language (fields, filter, stats, sort, limit, parse, display).
namespace nimbus::logs::insights {

// A value while a query runs: absent (null), text, or a number. `time` marks epoch
// milliseconds shown as "YYYY-MM-DD HH:MM:SS.mmm" (@timestamp, @ingestionTime, bin()).
struct Val {
  enum class Kind { kNull, kStr, kNum };
  Kind kind = Kind::kNull;
  std::string s;
  double n = 0;
  bool time = false;

  static Val Str(std::string v) { return Val{Kind::kStr, std::move(v), 0, false}; }
  static Val Num(double v) { return Val{Kind::kNum, {}, v, false}; }
  static Val Time(int64_t ms) { return Val{Kind::kNum, {}, static_cast<double>(ms), true}; }
  bool IsNull() const { return kind == Kind::kNull; }
};

// A compiled regular expression with the names of its (?<name>...) groups, in group order.
struct Regex {
  std::shared_ptr<const std::regex> re;
  std::vector<std::string> names;  // names[i] is capture group i + 1 ("" if unnamed)
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  enum class Kind {
    kLiteral,  // lit
    kField,    // name
    kCall,     // name(args); name lower-cased
    kNeg,      // -args[0]
    kArith,    // args[0] op args[1], op one of + - * / %
    kCompare,  // args[0] op args[1], op one of = != < <= > >=
    kLike,     // args[0] like "text" (substring) or /regex/; negate for `not like`
    kIn,       // args[0] in [args[1..]]; negate for `not in`
    kAnd,
    kOr,
    kNot,
    kStar,     // the `*` of count(*)
  };
  Kind kind = Kind::kLiteral;
  Val lit;
  std::string name;
  std::string op;
  std::vector<ExprPtr> args;
  std::shared_ptr<const Regex> regex;  // kLike with a regex
  bool negate = false;
  int64_t duration_ms = 0;  // a duration literal (bin's argument)
};

// One output column: an expression and the name it is shown under (its alias, or the
// expression as written).
struct Item {
  ExprPtr expr;
  std::string name;
};

struct SortKey {
  ExprPtr expr;
  std::string text;  // as written: after stats, `sort count(*)` names the stats column
  bool descending = false;
};

struct Command {
  enum class Kind { kFields, kDisplay, kFilter, kStats, kSort, kLimit, kParse, kDedup };
  Kind kind = Kind::kFields;
  std::vector<Item> items;  // fields / display / stats aggregates
  std::vector<Item> by;     // stats ... by
  ExprPtr condition;        // filter
  std::vector<SortKey> sort;
  int64_t limit = 0;
  // parse <source> "glob" as a, b / parse <source> /regex/
  ExprPtr source;
  Regex parse;
  std::vector<ExprPtr> dedup;  // dedup fields
};

struct Query {
  std::vector<Command> commands;
  bool has_stats = false;
};

// Parses a query. Errors are MalformedQueryException with AWS's message shape ("unexpected
// symbol found <text> at line 1 and position <n>").
Result<Query> ParseQuery(std::string_view text);

// Compiles `pattern` (JavaScript-like syntax, with (?<name>...) groups) for queries.
Result<Regex> CompileRegex(std::string_view pattern, bool ignore_case);

}  // namespace nimbus::logs::insights
