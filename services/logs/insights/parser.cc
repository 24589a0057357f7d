#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <set>

#include "services/logs/insights/query.h"

namespace nimbus::logs::insights {
namespace {

// Thrown inside the parser, turned into a MalformedQueryException at the top.
struct ParseError {
  size_t at;
  std::string found;
};

// Plain arrays, not sets: nothing is built at process start (start time is a benchmark).
constexpr std::string_view kScalarFunctions[] = {
    "ispresent", "isempty", "isblank", "strlen", "tolower", "toupper", "trim",
    "ltrim", "rtrim", "concat", "substr", "replace", "strcontains", "abs",
    "ceil", "floor", "bin", "datefloor", "dateceil", "frommillis", "tomillis", "greatest",
    "least", "coalesce"};
constexpr std::string_view kAggregates[] = {
    "count", "count_distinct", "sum", "avg", "min", "max", "earliest", "latest", "pct",
    "stddev", "median"};

template <size_t N>
bool Contains(const std::string_view (&list)[N], std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '$';
}
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '$' ||
         c == '.';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<int64_t> DurationMs(std::string_view unit) {
  std::string u = Lower(unit);
  if (u == "ms") return 1;
  if (u == "s" || u == "sec" || u == "second" || u == "seconds") return 1000;
  if (u == "m" || u == "min" || u == "minute" || u == "minutes") return 60'000;
  if (u == "h" || u == "hr" || u == "hour" || u == "hours") return 3'600'000;
  if (u == "d" || u == "day" || u == "days") return 86'400'000;
  if (u == "w" || u == "week" || u == "weeks") return 7 * 86'400'000LL;
  return std::nullopt;
}

// Keywords that end an expression list or may not be used as bare field names.
bool IsReserved(std::string_view word) {
  static constexpr std::string_view kReserved[] = {"and", "or", "not", "like", "in",
                                                     "as",  "by", "asc", "desc"};
  return Contains(kReserved, Lower(word));
}

class Parser {
 public:
  explicit Parser(std::string_view text) : t_(text) {}

  Query Parse() {
    Query q;
    Skip();
    if (AtEnd()) {
      throw ParseError{p_, "end of query"};
    }
    while (true) {
      Skip();
      size_t at = p_;
      // AWS: "The only query command that you can use in a query after the dedup command is
      // limit."
      bool after_dedup = !q.commands.empty() &&
                         (q.commands.back().kind == Command::Kind::kDedup ||
                          (q.commands.back().kind == Command::Kind::kLimit &&
                           std::any_of(q.commands.begin(), q.commands.end(), [](const Command& c) {
                             return c.kind == Command::Kind::kDedup;
                           })));
      q.commands.push_back(ParseCommand(q));
      if (after_dedup && q.commands.back().kind != Command::Kind::kLimit) {
        p_ = at;
        Fail();
      }
      Skip();
      if (AtEnd()) {
        break;
      }
      if (!AcceptSym("|")) {
        Fail();
      }
    }
    return q;
  }

 private:
  [[noreturn]] void Fail() {
    Skip();
    size_t end = p_;
    while (end < t_.size() && !std::isspace(static_cast<unsigned char>(t_[end])) && end - p_ < 40) {
      ++end;
    }
    throw ParseError{p_, AtEnd() ? "end of query" : std::string(t_.substr(p_, end - p_))};
  }

  bool AtEnd() const { return p_ >= t_.size(); }

  void Skip() {
    while (p_ < t_.size()) {
      char c = t_[p_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++p_;
      } else if (c == '#') {  // comment to the end of the line
        while (p_ < t_.size() && t_[p_] != '\n') {
          ++p_;
        }
      } else {
        break;
      }
    }
  }

  bool PeekSym(std::string_view sym) {
    Skip();
    return t_.substr(p_, sym.size()) == sym;
  }
  bool AcceptSym(std::string_view sym) {
    if (PeekSym(sym)) {
      p_ += sym.size();
      return true;
    }
    return false;
  }
  void ExpectSym(std::string_view sym) {
    if (!AcceptSym(sym)) {
      Fail();
    }
  }

  bool PeekKeyword(std::string_view kw) {
    Skip();
    if (p_ + kw.size() > t_.size() || Lower(t_.substr(p_, kw.size())) != kw) {
      return false;
    }
    size_t end = p_ + kw.size();
    return end == t_.size() || !IsIdentChar(t_[end]);
  }
  bool AcceptKeyword(std::string_view kw) {
    if (PeekKeyword(kw)) {
      p_ += kw.size();
      return true;
    }
    return false;
  }

  // A field name: plain (`@message`, `a.b.c`) or back-quoted (`my field`).
  std::optional<std::string> Identifier() {
    Skip();
    if (AtEnd()) {
      return std::nullopt;
    }
    if (t_[p_] == '`') {
      size_t end = t_.find('`', p_ + 1);
      if (end == std::string_view::npos) {
        Fail();
      }
      std::string name(t_.substr(p_ + 1, end - p_ - 1));
      p_ = end + 1;
      return name;
    }
    if (!IsIdentStart(t_[p_])) {
      return std::nullopt;
    }
    size_t start = p_;
    while (p_ < t_.size() && IsIdentChar(t_[p_])) {
      ++p_;
    }
    return std::string(t_.substr(start, p_ - start));
  }

  std::string ExpectIdentifier() {
    size_t at = p_;
    auto id = Identifier();
    if (!id || IsReserved(*id)) {
      p_ = at;
      Fail();
    }
    return *id;
  }

  std::string StringLiteral() {
    char quote = t_[p_];
    std::string out;
    size_t i = p_ + 1;
    while (i < t_.size() && t_[i] != quote) {
      if (t_[i] == '\\' && i + 1 < t_.size()) {
        char n = t_[i + 1];
        out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
        i += 2;
        continue;
      }
      out += t_[i++];
    }
    if (i >= t_.size()) {
      Fail();
    }
    p_ = i + 1;
    return out;
  }

  std::shared_ptr<const Regex> RegexLiteral() {
    size_t start = p_;
    size_t i = p_ + 1;
    bool in_class = false;
    while (i < t_.size()) {
      char c = t_[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '[') in_class = true;
      if (c == ']') in_class = false;
      if (c == '/' && !in_class) break;
      ++i;
    }
    if (i >= t_.size()) {
      Fail();
    }
    std::string_view body = t_.substr(start + 1, i - start - 1);
    p_ = i + 1;
    bool icase = false;
    while (p_ < t_.size() && std::isalpha(static_cast<unsigned char>(t_[p_]))) {
      if (t_[p_] == 'i') {
        icase = true;
      } else if (t_[p_] != 'g' && t_[p_] != 'm') {
        break;
      }
      ++p_;
    }
    auto re = CompileRegex(body, icase);
    if (!re) {
      throw ParseError{start, std::string(t_.substr(start, p_ - start))};
    }
    return std::make_shared<const Regex>(std::move(*re));
  }

  // ---- Commands ------------------------------------------------------------------------------

  Command ParseCommand(Query& q) {
    size_t at = p_;
    auto word = Identifier();
    if (!word) {
      Fail();
    }
    std::string kw = Lower(*word);
    Command c;
    if (kw == "fields" || kw == "display") {
      c.kind = kw == "fields" ? Command::Kind::kFields : Command::Kind::kDisplay;
      c.items = Items(false);
    } else if (kw == "filter") {
      c.kind = Command::Kind::kFilter;
      c.condition = Or();
    } else if (kw == "stats") {
      c.kind = Command::Kind::kStats;
      c.items = Items(true);
      if (AcceptKeyword("by")) {
        c.by = Items(false);
      }
      q.has_stats = true;
    } else if (kw == "sort") {
      c.kind = Command::Kind::kSort;
      do {
        SortKey key;
        Skip();
        size_t start = p_;
        key.expr = Add();
        key.text = std::string(t_.substr(start, p_ - start));
        while (!key.text.empty() && std::isspace(static_cast<unsigned char>(key.text.back()))) {
          key.text.pop_back();
        }
        if (AcceptKeyword("desc")) {
          key.descending = true;
        } else {
          AcceptKeyword("asc");
        }
        c.sort.push_back(std::move(key));
      } while (AcceptSym(","));
    } else if (kw == "limit") {
      c.kind = Command::Kind::kLimit;
      Skip();
      size_t start = p_;
      while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_]))) {
        ++p_;
      }
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(t_.data() + start, t_.data() + p_, n);
      if (start == p_ || ec != std::errc() || n < 1 || n > 10000) {
        p_ = start;
        Fail();
      }
      (void)ptr;
      c.limit = n;
    } else if (kw == "parse") {
      c.kind = Command::Kind::kParse;
      ParseParse(c);
    } else if (kw == "dedup") {
      c.kind = Command::Kind::kDedup;
      do {
        c.dedup.push_back(Field(ExpectIdentifier()));
      } while (AcceptSym(","));
    } else {
      p_ = at;
      Fail();
    }
    return c;
  }

  void ParseParse(Command& c) {
    Skip();
    if (AtEnd()) {
      Fail();
    }
    char ch = t_[p_];
    if (ch != '"' && ch != '\'' && ch != '/') {
      c.source = Primary();
      Skip();
      if (AtEnd()) {
        Fail();
      }
      ch = t_[p_];
    } else {
      c.source = Field("@message");
    }
    if (ch == '/') {
      c.parse = *RegexLiteral();
      bool named = std::any_of(c.parse.names.begin(), c.parse.names.end(),
                               [](const std::string& n) { return !n.empty(); });
      if (!named) {
        Fail();  // a regex parse names its fields with (?<name>...)
      }
      return;
    }
    if (ch != '"' && ch != '\'') {
      Fail();
    }
    std::string glob = StringLiteral();
    // The glob: literal text with `*` wildcards; every `*` but the last is lazy so each
    // field stops at the next literal, the last runs to the end of the line.
    std::string re;
    size_t stars = std::count(glob.begin(), glob.end(), '*');
    size_t seen = 0;
    for (char g : glob) {
      if (g == '*') {
        re += ++seen == stars ? "(.*)" : "(.*?)";
      } else if (std::string_view("\\^$.|?+()[]{}/").find(g) != std::string_view::npos) {
        re += '\\';
        re += g;
      } else {
        re += g;
      }
    }
    if (stars == 0) {
      Fail();
    }
    if (!AcceptKeyword("as")) {
      Fail();
    }
    std::vector<std::string> names;
    do {
      names.push_back(ExpectIdentifier());
    } while (AcceptSym(","));
    if (names.size() != stars) {
      Fail();
    }
    auto compiled = CompileRegex(re, false);
    if (!compiled) {
      Fail();
    }
    compiled->names = std::move(names);
    c.parse = std::move(*compiled);
  }

  std::vector<Item> Items(bool aggregates) {
    std::vector<Item> items;
    do {
      Skip();
      size_t start = p_;
      Item item;
      item.expr = Or();
      size_t end = p_;
      while (end > start && std::isspace(static_cast<unsigned char>(t_[end - 1]))) {
        --end;
      }
      if (aggregates && (item.expr->kind != Expr::Kind::kCall ||
                         !Contains(kAggregates, item.expr->name))) {
        p_ = start;
        Fail();
      }
      item.name = std::string(t_.substr(start, end - start));
      if (item.expr->kind == Expr::Kind::kField) {
        item.name = item.expr->name;
      }
      if (AcceptKeyword("as")) {
        item.name = ExpectIdentifier();
      }
      items.push_back(std::move(item));
    } while (AcceptSym(","));
    return items;
  }

  // ---- Expressions ---------------------------------------------------------------------------

  static ExprPtr Make(Expr e) { return std::make_shared<const Expr>(std::move(e)); }
  static ExprPtr Field(std::string name) {
    Expr e;
    e.kind = Expr::Kind::kField;
    e.name = std::move(name);
    return Make(std::move(e));
  }
  static ExprPtr Binary(Expr::Kind kind, std::string op, ExprPtr a, ExprPtr b) {
    Expr e;
    e.kind = kind;
    e.op = std::move(op);
    e.args = {std::move(a), std::move(b)};
    return Make(std::move(e));
  }

  // Expressions nest through Or (parentheses), Not and Unary; a bound on the nesting keeps a
  // hostile query from recursing down the stack.
  static constexpr int kMaxDepth = 100;
  struct Nest {
    explicit Nest(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxDepth) {
        p_.Fail();
      }
    }
    ~Nest() { --p_.depth_; }
    Parser& p_;
  };

  ExprPtr Or() {
    Nest nest(*this);
    ExprPtr left = And();
    while (AcceptKeyword("or") || AcceptSym("||")) {
      left = Binary(Expr::Kind::kOr, "or", left, And());
    }
    return left;
  }

  ExprPtr And() {
    ExprPtr left = Not();
    while (AcceptKeyword("and") || AcceptSym("&&")) {
      left = Binary(Expr::Kind::kAnd, "and", left, Not());
    }
    return left;
  }

  ExprPtr Not() {
    if (AcceptKeyword("not") || (PeekSym("!") && !PeekSym("!=") && AcceptSym("!"))) {
      Nest nest(*this);
      Expr e;
      e.kind = Expr::Kind::kNot;
      e.args = {Not()};
      return Make(std::move(e));
    }
    return Comparison();
  }

  ExprPtr Comparison() {
    ExprPtr left = Add();
    for (std::string_view op : {"=~", "==", "!=", "<=", ">=", "=", "<", ">"}) {
      if (AcceptSym(op)) {
        if (op == "=~") {
          return Like(left, false);
        }
        return Binary(Expr::Kind::kCompare, op == "==" ? "=" : std::string(op), left, Add());
      }
    }
    size_t at = p_;
    bool negate = AcceptKeyword("not");
    if (AcceptKeyword("like")) {
      return Like(left, negate);
    }
    if (AcceptKeyword("in")) {
      Expr e;
      e.kind = Expr::Kind::kIn;
      e.negate = negate;
      e.args.push_back(left);
      ExpectSym("[");
      if (!AcceptSym("]")) {
        do {
          e.args.push_back(Add());
        } while (AcceptSym(","));
        ExpectSym("]");
      }
      return Make(std::move(e));
    }
    if (negate) {
      p_ = at;
      Fail();
    }
    return left;
  }

  ExprPtr Like(ExprPtr left, bool negate) {
    Skip();
    Expr e;
    e.kind = Expr::Kind::kLike;
    e.negate = negate;
    e.args.push_back(std::move(left));
    if (!AtEnd() && t_[p_] == '/') {
      e.regex = RegexLiteral();
    } else if (!AtEnd() && (t_[p_] == '"' || t_[p_] == '\'')) {
      Expr lit;
      lit.kind = Expr::Kind::kLiteral;
      lit.lit = Val::Str(StringLiteral());
      e.args.push_back(Make(std::move(lit)));
    } else {
      Fail();
    }
    return Make(std::move(e));
  }

  ExprPtr Add() {
    ExprPtr left = Mul();
    while (true) {
      if (AcceptSym("+")) {
        left = Binary(Expr::Kind::kArith, "+", left, Mul());
      } else if (PeekSym("-")) {
        ++p_;
        left = Binary(Expr::Kind::kArith, "-", left, Mul());
      } else {
        return left;
      }
    }
  }

  ExprPtr Mul() {
    ExprPtr left = Unary();
    while (true) {
      Skip();
      if (AtEnd()) {
        return left;
      }
      char c = t_[p_];
      if (c == '*' || c == '/' || c == '%') {
        ++p_;
        left = Binary(Expr::Kind::kArith, std::string(1, c), left, Unary());
      } else {
        return left;
      }
    }
  }

  ExprPtr Unary() {
    if (AcceptSym("-")) {
      Nest nest(*this);
      Expr e;
      e.kind = Expr::Kind::kNeg;
      e.args = {Unary()};
      return Make(std::move(e));
    }
    return Primary();
  }

  ExprPtr Primary() {
    Skip();
    if (AtEnd()) {
      Fail();
    }
    char c = t_[p_];
    if (c == '(') {
      ++p_;
      ExprPtr inner = Or();
      ExpectSym(")");
      return inner;
    }
    if (c == '"' || c == '\'') {
      Expr e;
      e.kind = Expr::Kind::kLiteral;
      e.lit = Val::Str(StringLiteral());
      return Make(std::move(e));
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && p_ + 1 < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_ + 1])))) {
      size_t start = p_;
      while (p_ < t_.size() &&
             (std::isdigit(static_cast<unsigned char>(t_[p_])) || t_[p_] == '.')) {
        ++p_;
      }
      double v = 0;
      auto [ptr, ec] = std::from_chars(t_.data() + start, t_.data() + p_, v);
      if (ec != std::errc() || ptr != t_.data() + p_) {
        p_ = start;
        Fail();
      }
      Expr e;
      e.kind = Expr::Kind::kLiteral;
      size_t unit_start = p_;
      while (p_ < t_.size() && std::isalpha(static_cast<unsigned char>(t_[p_]))) {
        ++p_;
      }
      if (p_ > unit_start) {
        auto unit = DurationMs(t_.substr(unit_start, p_ - unit_start));
        if (!unit) {
          p_ = unit_start;
          Fail();
        }
        e.duration_ms = static_cast<int64_t>(v * static_cast<double>(*unit));
        v = static_cast<double>(e.duration_ms);
      }
      e.lit = Val::Num(v);
      return Make(std::move(e));
    }
    size_t at = p_;
    auto id = Identifier();
    if (!id || (IsReserved(*id) && t_[at] != '`')) {
      p_ = at;
      Fail();
    }
    if (t_[at] != '`' && PeekSym("(")) {
      std::string fn = Lower(*id);
      if (!Contains(kScalarFunctions, fn) && !Contains(kAggregates, fn)) {
        p_ = at;
        Fail();
      }
      ++p_;
      Expr e;
      e.kind = Expr::Kind::kCall;
      e.name = fn;
      if (!AcceptSym(")")) {
        do {
          if (AcceptSym("*")) {
            Expr star;
            star.kind = Expr::Kind::kStar;
            e.args.push_back(Make(std::move(star)));
          } else {
            e.args.push_back(Or());
          }
        } while (AcceptSym(","));
        ExpectSym(")");
      }
      if ((fn == "bin" && (e.args.size() != 1 || e.args[0]->duration_ms <= 0)) ||
          ((fn == "datefloor" || fn == "dateceil") &&
           (e.args.size() != 2 || e.args[1]->duration_ms <= 0)) ||
          ((fn == "frommillis" || fn == "tomillis") && e.args.size() != 1) ||
          (fn == "pct" && e.args.size() != 2)) {
        p_ = at;
        Fail();
      }
      return Make(std::move(e));
    }
    return Field(std::move(*id));
  }

  std::string_view t_;
  size_t p_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Regex> CompileRegex(std::string_view pattern, bool ignore_case) {
  // Insights accepts a leading (?i) for case-insensitive matching; ECMAScript does not.
  if (pattern.substr(0, 4) == "(?i)") {
    pattern.remove_prefix(4);
    ignore_case = true;
  }
  // std::regex (ECMAScript) has no named groups: (?<name>...) becomes a plain group and the
  // name is remembered by group number.
  std::string plain;
  std::vector<std::string> names;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      plain += c;
      plain += pattern[++i];
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      plain += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      plain += c;
      continue;
    }
    if (c == '(') {
      if (pattern.substr(i, 3) == "(?<" && i + 3 < pattern.size() && pattern[i + 3] != '=' &&
          pattern[i + 3] != '!') {
        size_t close = pattern.find('>', i + 3);
        if (close == std::string_view::npos) {
          return AwsError::Sender("MalformedQueryException", "Invalid regex");
        }
        names.emplace_back(pattern.substr(i + 3, close - i - 3));
        plain += '(';
        i = close;
        continue;
      }
      if (pattern.substr(i, 2) != "(?") {
        names.emplace_back();
      }
    }
    plain += c;
  }
  try {
    // __polynomial (libstdc++): the breadth-first executor, whose stack depth does not grow
    // with the subject; the default depth-first one overflows the stack on a message of some
    // tens of kilobytes (a `(.*)` over a 256 KB event would crash the server).
    auto flags = std::regex::ECMAScript | std::regex_constants::__polynomial;
    if (ignore_case) {
      flags |= std::regex::icase;
    }
    Regex out;
    out.re = std::make_shared<const std::regex>(plain, flags);
    out.names = std::move(names);
    return out;
  } catch (const std::regex_error&) {
    return AwsError::Sender("MalformedQueryException", "Invalid regex: " + std::string(pattern));
  }
}

Result<Query> ParseQuery(std::string_view text) {
  try {
    return Parser(text).Parse();
  } catch (const ParseError& e) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < e.at && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    // AWS: "unexpected symbol found <symbol> at line <l> and position <p>".
    return AwsError::Sender("MalformedQueryException",
                            "unexpected symbol found " + e.found + " at line " +
                                std::to_string(line) + " and position " + std::to_string(column));
  }
}

}  // namespace nimbus::logs::insights
