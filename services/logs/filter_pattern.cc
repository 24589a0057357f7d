#include "services/logs/filter_pattern.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <vector>

#include <rapidjson/document.h>

#include "services/logs/logs_errors.h"

namespace nimbus::logs {

struct FilterPattern::Node {
  virtual ~Node() = default;
  virtual bool Match(std::string_view message) const = 0;
  // Match() that also reports the values the pattern names (space-delimited fields).
  virtual bool Extract(std::string_view message, FilterPattern::Extracted* /*out*/) const {
    return Match(message);
  }
};

namespace {

AwsError Invalid(std::string_view pattern, const std::string& why) {
  return errors::InvalidParameter("Invalid filter pattern '" + std::string(pattern) +
                                  "': " + why);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && IsSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// `*` matches any run of characters; everything else is literal.
bool Glob(std::string_view pattern, std::string_view text) {
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

std::optional<double> ParseNumber(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  std::string copy(s);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  // strtod also takes "inf", "nan" and hex; a filter value is a plain decimal number.
  for (char c : copy) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.' ||
          c == 'e' || c == 'E')) {
      return std::nullopt;
    }
  }
  return v;
}

// ---- Comparisons shared by JSON and space-delimited patterns ---------------------------------

enum class Op { kEq, kNe, kLt, kGt, kLe, kGe };

struct Literal {
  std::string text;              // the value as written (quotes removed)
  std::optional<double> number;  // set when written as an unquoted number
};

bool CompareNumbers(Op op, double a, double b) {
  switch (op) {
    case Op::kEq:
      return a == b;
    case Op::kNe:
      return a != b;
    case Op::kLt:
      return a < b;
    case Op::kGt:
      return a > b;
    case Op::kLe:
      return a <= b;
    case Op::kGe:
      return a >= b;
  }
  return false;
}

bool CompareStrings(Op op, std::string_view value, std::string_view pattern) {
  switch (op) {
    case Op::kEq:
      return Glob(pattern, value);
    case Op::kNe:
      return !Glob(pattern, value);
    case Op::kLt:
      return value < pattern;
    case Op::kGt:
      return value > pattern;
    case Op::kLe:
      return value <= pattern;
    case Op::kGe:
      return value >= pattern;
  }
  return false;
}

// Compares a field's text (a JSON string, a number's text or a delimited field) with a literal:
// numerically when the literal is a number and the field reads as one, else as strings.
bool CompareText(Op op, std::string_view field, const Literal& lit) {
  if (lit.number) {
    auto v = ParseNumber(field);
    if (v) {
      return CompareNumbers(op, *v, *lit.number);
    }
    if (op != Op::kEq && op != Op::kNe) {
      return false;
    }
  }
  return CompareStrings(op, field, lit.text);
}

// ---- Lexer for JSON and space-delimited patterns ---------------------------------------------

class Lexer {
 public:
  Lexer(std::string_view pattern, std::string_view body) : pattern_(pattern), s_(body) {}

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) {
      ++pos_;
    }
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= s_.size();
  }
  bool Accept(std::string_view token) {
    SkipSpace();
    if (s_.substr(pos_, token.size()) == token) {
      pos_ += token.size();
      return true;
    }
    return false;
  }
  // A keyword (IS, NOT, EXISTS, TRUE, ...), case-insensitive, followed by a non-word character.
  bool AcceptKeyword(std::string_view word) {
    SkipSpace();
    if (pos_ + word.size() > s_.size()) {
      return false;
    }
    for (size_t i = 0; i < word.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(s_[pos_ + i])) != word[i]) {
        return false;
      }
    }
    size_t after = pos_ + word.size();
    if (after < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[after])) ||
                              s_[after] == '_')) {
      return false;
    }
    pos_ = after;
    return true;
  }
  std::optional<Op> AcceptOp() {
    SkipSpace();
    static const std::pair<std::string_view, Op> kOps[] = {
        {"!=", Op::kNe}, {"<=", Op::kLe}, {">=", Op::kGe}, {"=", Op::kEq},
        {"<", Op::kLt},  {">", Op::kGt}};
    for (const auto& [text, op] : kOps) {
      if (s_.substr(pos_, text.size()) == text) {
        pos_ += text.size();
        return op;
      }
    }
    return std::nullopt;
  }
  // A quoted string or a bare value running up to whitespace or one of `stops`.
  Result<Literal> Value(std::string_view stops) {
    SkipSpace();
    if (pos_ >= s_.size()) {
      return Error("a value is missing");
    }
    Literal lit;
    if (s_[pos_] == '"') {
      auto q = Quoted();
      if (!q) {
        return q.error();
      }
      lit.text = std::move(*q);
      return lit;
    }
    size_t start = pos_;
    while (pos_ < s_.size() && !IsSpace(s_[pos_]) &&
           stops.find(s_[pos_]) == std::string_view::npos) {
      ++pos_;
    }
    lit.text = std::string(s_.substr(start, pos_ - start));
    if (lit.text.empty()) {
      return Error("a value is missing");
    }
    lit.number = ParseNumber(lit.text);
    return lit;
  }
  Result<std::string> Quoted() {
    std::string out;
    ++pos_;  // opening quote
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '\\' && pos_ < s_.size()) {
        out += s_[pos_++];
      } else if (c == '"') {
        return Result<std::string>(boost::system::in_place_value, std::move(out));
      } else {
        out += c;
      }
    }
    return Error("a quoted string is not terminated");
  }
  char Peek() {
    SkipSpace();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  std::string_view Rest() const { return s_.substr(pos_); }
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }
  std::string_view text() const { return s_; }

  AwsError Error(const std::string& why) const { return Invalid(pattern_, why); }

 private:
  std::string_view pattern_;
  std::string_view s_;
  size_t pos_ = 0;
};

// ---- Terms -----------------------------------------------------------------------------------

struct Term {
  enum class Kind { kAll, kAny, kNone };
  Kind kind = Kind::kAll;
  std::string text;

  bool Found(std::string_view message) const {
    return message.find(text) != std::string_view::npos;
  }
};

class TermsNode final : public FilterPattern::Node {
 public:
  explicit TermsNode(std::vector<Term> terms) : terms_(std::move(terms)) {}

  bool Match(std::string_view message) const override {
    bool any_required = false;
    bool any_found = false;
    for (const auto& t : terms_) {
      switch (t.kind) {
        case Term::Kind::kAll:
          if (!t.Found(message)) {
            return false;
          }
          break;
        case Term::Kind::kNone:
          if (t.Found(message)) {
            return false;
          }
          break;
        case Term::Kind::kAny:
          any_required = true;
          any_found = any_found || t.Found(message);
          break;
      }
    }
    return !any_required || any_found;
  }

 private:
  std::vector<Term> terms_;
};

Result<std::shared_ptr<const FilterPattern::Node>> ParseTerms(std::string_view pattern) {
  Lexer lx(pattern, pattern);
  std::vector<Term> terms;
  std::string_view s = pattern;
  size_t i = 0;
  while (true) {
    while (i < s.size() && IsSpace(s[i])) {
      ++i;
    }
    if (i >= s.size()) {
      break;
    }
    Term t;
    if ((s[i] == '?' || s[i] == '-') && i + 1 < s.size() && !IsSpace(s[i + 1])) {
      t.kind = s[i] == '?' ? Term::Kind::kAny : Term::Kind::kNone;
      ++i;
    }
    if (s[i] == '"') {
      lx.set_pos(i);
      auto q = lx.Quoted();
      if (!q) {
        return q.error();
      }
      t.text = std::move(*q);
      i = lx.pos();
    } else if (s[i] == '%' && s.find('%', i + 1) != std::string_view::npos) {
      // AWS's %regex% terms are not supported: std::regex recurses per input character (a
      // long message could overflow the stack) and backtracks exponentially; answer clearly
      // rather than match wrongly.
      return lx.Error("regular expression terms (%...%) are not supported by Nimbus");
    } else {
      size_t start = i;
      while (i < s.size() && !IsSpace(s[i])) {
        ++i;
      }
      t.text = std::string(s.substr(start, i - start));
    }
    if (t.text.empty()) {
      continue;  // "" matches everything: no constraint
    }
    terms.push_back(std::move(t));
  }
  if (terms.empty()) {
    return std::shared_ptr<const FilterPattern::Node>();
  }
  return std::shared_ptr<const FilterPattern::Node>(std::make_shared<TermsNode>(std::move(terms)));
}

// ---- JSON patterns ---------------------------------------------------------------------------

struct PathStep {
  std::string key;    // object member, when index < 0
  int64_t index = -1;
};

const rapidjson::Value* Select(const rapidjson::Value& root, const std::vector<PathStep>& path) {
  const rapidjson::Value* v = &root;
  for (const auto& step : path) {
    if (step.index >= 0) {
      if (!v->IsArray() || static_cast<size_t>(step.index) >= v->Size()) {
        return nullptr;
      }
      v = &(*v)[static_cast<rapidjson::SizeType>(step.index)];
    } else {
      if (!v->IsObject()) {
        return nullptr;
      }
      auto it = v->FindMember(
          rapidjson::Value(rapidjson::StringRef(step.key.data(), step.key.size())));
      if (it == v->MemberEnd()) {
        return nullptr;
      }
      v = &it->value;
    }
  }
  return v;
}

std::string NumberText(const rapidjson::Value& v) {
  if (v.IsInt64()) {
    return std::to_string(v.GetInt64());
  }
  if (v.IsUint64()) {
    return std::to_string(v.GetUint64());
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v.GetDouble());
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

struct JsonExpr {
  enum class Kind { kAnd, kOr, kCompare, kIsTrue, kIsFalse, kIsNull, kExists, kNotExists };
  Kind kind = Kind::kCompare;
  std::unique_ptr<JsonExpr> left;
  std::unique_ptr<JsonExpr> right;
  std::vector<PathStep> path;
  Op op = Op::kEq;
  Literal literal;

  bool Eval(const rapidjson::Value& root) const {
    switch (kind) {
      case Kind::kAnd:
        return left->Eval(root) && right->Eval(root);
      case Kind::kOr:
        return left->Eval(root) || right->Eval(root);
      default:
        break;
    }
    const rapidjson::Value* v = Select(root, path);
    switch (kind) {
      case Kind::kExists:
        return v != nullptr;
      case Kind::kNotExists:
        return v == nullptr;
      case Kind::kIsNull:
        return v != nullptr && v->IsNull();
      case Kind::kIsTrue:
        return v != nullptr && v->IsTrue();
      case Kind::kIsFalse:
        return v != nullptr && v->IsFalse();
      default:
        break;
    }
    if (v == nullptr) {
      return false;
    }
    if (v->IsNumber()) {
      if (literal.number) {
        return CompareNumbers(op, v->GetDouble(), *literal.number);
      }
      return (op == Op::kEq || op == Op::kNe) && CompareStrings(op, NumberText(*v), literal.text);
    }
    if (v->IsString()) {
      return CompareText(op, std::string_view(v->GetString(), v->GetStringLength()), literal);
    }
    if (v->IsBool()) {
      return (op == Op::kEq || op == Op::kNe) &&
             CompareStrings(op, v->IsTrue() ? "true" : "false", literal.text);
    }
    return false;  // objects, arrays and null compare with nothing
  }
};

class JsonParser {
 public:
  JsonParser(std::string_view pattern, std::string_view body) : lx_(pattern, body) {}

  Result<std::unique_ptr<JsonExpr>> Parse() {
    auto e = Or();
    if (!e) {
      return e;
    }
    if (!lx_.AtEnd()) {
      return lx_.Error("unexpected '" + std::string(lx_.Rest()) + "'");
    }
    return e;
  }

 private:
  static std::unique_ptr<JsonExpr> Join(JsonExpr::Kind kind, std::unique_ptr<JsonExpr> l,
                                        std::unique_ptr<JsonExpr> r) {
    auto e = std::make_unique<JsonExpr>();
    e->kind = kind;
    e->left = std::move(l);
    e->right = std::move(r);
    return e;
  }

  Result<std::unique_ptr<JsonExpr>> Or() {
    auto left = And();
    if (!left) {
      return left;
    }
    auto l = std::move(*left);
    while (lx_.Accept("||")) {
      auto right = And();
      if (!right) {
        return right;
      }
      l = Join(JsonExpr::Kind::kOr, std::move(l), std::move(*right));
    }
    return l;
  }

  Result<std::unique_ptr<JsonExpr>> And() {
    auto left = Unary();
    if (!left) {
      return left;
    }
    auto l = std::move(*left);
    while (lx_.Accept("&&")) {
      auto right = Unary();
      if (!right) {
        return right;
      }
      l = Join(JsonExpr::Kind::kAnd, std::move(l), std::move(*right));
    }
    return l;
  }

  Result<std::unique_ptr<JsonExpr>> Unary() {
    if (lx_.Accept("(")) {
      if (++depth_ > 64) {
        return lx_.Error("too deeply nested");
      }
      auto e = Or();
      if (!e) {
        return e;
      }
      if (!lx_.Accept(")")) {
        return lx_.Error("missing ')'");
      }
      --depth_;
      return e;
    }
    return Comparison();
  }

  Result<std::vector<PathStep>> Selector() {
    if (!lx_.Accept("$")) {
      return lx_.Error("a selector must start with '$'");
    }
    std::vector<PathStep> path;
    std::string_view s = lx_.text();
    size_t i = lx_.pos();
    while (i < s.size()) {
      if (s[i] == '.') {
        size_t start = ++i;
        while (i < s.size() && !IsSpace(s[i]) && std::string_view(".[=!<>()&|").find(s[i]) ==
                                                     std::string_view::npos) {
          ++i;
        }
        if (i == start) {
          return lx_.Error("an empty selector member");
        }
        path.push_back(PathStep{std::string(s.substr(start, i - start)), -1});
      } else if (s[i] == '[') {
        size_t close = s.find(']', i);
        if (close == std::string_view::npos) {
          return lx_.Error("missing ']' in a selector");
        }
        std::string_view inner = Trim(s.substr(i + 1, close - i - 1));
        if (inner.size() >= 2 && (inner.front() == '"' || inner.front() == '\'') &&
            inner.back() == inner.front()) {
          path.push_back(PathStep{std::string(inner.substr(1, inner.size() - 2)), -1});
        } else {
          int64_t index = 0;
          auto [end, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), index);
          if (ec != std::errc() || end != inner.data() + inner.size() || index < 0) {
            return lx_.Error("an array index must be a number");
          }
          path.push_back(PathStep{"", index});
        }
        i = close + 1;
      } else {
        break;
      }
    }
    lx_.set_pos(i);
    return path;
  }

  Result<std::unique_ptr<JsonExpr>> Comparison() {
    auto path = Selector();
    if (!path) {
      return path.error();
    }
    auto e = std::make_unique<JsonExpr>();
    e->path = std::move(*path);
    if (lx_.AcceptKeyword("IS")) {
      if (lx_.AcceptKeyword("TRUE")) {
        e->kind = JsonExpr::Kind::kIsTrue;
      } else if (lx_.AcceptKeyword("FALSE")) {
        e->kind = JsonExpr::Kind::kIsFalse;
      } else if (lx_.AcceptKeyword("NULL")) {
        e->kind = JsonExpr::Kind::kIsNull;
      } else {
        return lx_.Error("IS must be followed by TRUE, FALSE or NULL");
      }
      return e;
    }
    if (lx_.AcceptKeyword("NOT")) {
      if (!lx_.AcceptKeyword("EXISTS")) {
        return lx_.Error("NOT must be followed by EXISTS");
      }
      e->kind = JsonExpr::Kind::kNotExists;
      return e;
    }
    if (lx_.AcceptKeyword("EXISTS")) {
      e->kind = JsonExpr::Kind::kExists;
      return e;
    }
    auto op = lx_.AcceptOp();
    if (!op) {
      return lx_.Error("expected a comparison operator after the selector");
    }
    e->op = *op;
    auto lit = lx_.Value(")&|");
    if (!lit) {
      return lit.error();
    }
    e->literal = std::move(*lit);
    return e;
  }

  Lexer lx_;
  int depth_ = 0;
};

class JsonNode final : public FilterPattern::Node {
 public:
  explicit JsonNode(std::unique_ptr<JsonExpr> expr) : expr_(std::move(expr)) {}

  bool Match(std::string_view message) const override {
    rapidjson::Document doc;
    // Iterative: a deeply nested message must not exhaust the stack (the pool allocator's
    // values are freed without recursion too).
    doc.Parse<rapidjson::kParseIterativeFlag>(message.data(), message.size());
    if (doc.HasParseError() || !doc.IsObject()) {
      return false;
    }
    return expr_->Eval(doc);
  }

 private:
  std::unique_ptr<JsonExpr> expr_;
};

// ---- Space-delimited patterns ----------------------------------------------------------------

struct FieldCond {
  enum class Kind { kAnd, kOr, kCompare };
  Kind kind = Kind::kCompare;
  std::unique_ptr<FieldCond> left;
  std::unique_ptr<FieldCond> right;
  std::string field;
  Op op = Op::kEq;
  Literal literal;

  bool Eval(const std::map<std::string, std::string_view, std::less<>>& fields) const {
    if (kind == Kind::kAnd) {
      return left->Eval(fields) && right->Eval(fields);
    }
    if (kind == Kind::kOr) {
      return left->Eval(fields) || right->Eval(fields);
    }
    auto it = fields.find(field);
    return it != fields.end() && CompareText(op, it->second, literal);
  }
};

struct FieldSpec {
  bool ellipsis = false;
  std::string name;
};

std::vector<std::string_view> SplitFields(std::string_view message) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < message.size()) {
    while (i < message.size() && message[i] == ' ') {
      ++i;
    }
    if (i >= message.size()) {
      break;
    }
    char open = message[i];
    char close = open == '"' ? '"' : open == '[' ? ']' : '\0';
    if (close != '\0') {
      size_t end = message.find(close, i + 1);
      if (end != std::string_view::npos) {
        out.push_back(message.substr(i + 1, end - i - 1));
        i = end + 1;
        continue;
      }
    }
    size_t start = i;
    while (i < message.size() && message[i] != ' ') {
      ++i;
    }
    out.push_back(message.substr(start, i - start));
  }
  return out;
}

class FieldsNode final : public FilterPattern::Node {
 public:
  FieldsNode(std::vector<FieldSpec> specs, std::vector<std::unique_ptr<FieldCond>> conds)
      : specs_(std::move(specs)), conds_(std::move(conds)) {}

  bool Match(std::string_view message) const override {
    auto fields = SplitFields(message);
    std::map<std::string, std::string_view, std::less<>> bound;
    size_t budget = kMaxAlignSteps;
    return Align(fields, 0, 0, bound, budget);
  }

  bool Extract(std::string_view message, FilterPattern::Extracted* out) const override {
    auto fields = SplitFields(message);
    std::map<std::string, std::string_view, std::less<>> bound;
    size_t budget = kMaxAlignSteps;
    if (!Align(fields, 0, 0, bound, budget)) {
      return false;
    }
    for (const auto& [name, value] : bound) {
      (*out)["$" + name] = std::string(value);
    }
    return true;
  }

 private:
  // Several `...` make alignment combinatorial; a message that needs more steps than this to
  // align does not match (it keeps one hostile pattern from holding the strand).
  static constexpr size_t kMaxAlignSteps = 100000;

  bool Align(const std::vector<std::string_view>& fields, size_t spec, size_t field,
             std::map<std::string, std::string_view, std::less<>>& bound,
             size_t& budget) const {
    if (budget == 0) {
      return false;
    }
    --budget;
    if (spec == specs_.size()) {
      if (field != fields.size()) {
        return false;
      }
      for (const auto& c : conds_) {
        if (!c->Eval(bound)) {
          return false;
        }
      }
      return true;
    }
    const FieldSpec& s = specs_[spec];
    if (s.ellipsis) {
      for (size_t k = field; k <= fields.size(); ++k) {
        if (Align(fields, spec + 1, k, bound, budget)) {
          return true;
        }
      }
      return false;
    }
    if (field >= fields.size()) {
      return false;
    }
    if (!s.name.empty()) {
      bound[s.name] = fields[field];
    }
    return Align(fields, spec + 1, field + 1, bound, budget);
  }

  std::vector<FieldSpec> specs_;
  std::vector<std::unique_ptr<FieldCond>> conds_;
};

class FieldsParser {
 public:
  FieldsParser(std::string_view pattern, std::string_view body) : lx_(pattern, body) {}

  Result<std::shared_ptr<const FilterPattern::Node>> Parse() {
    std::vector<FieldSpec> specs;
    std::vector<std::unique_ptr<FieldCond>> conds;
    if (lx_.AtEnd()) {
      return lx_.Error("a space-delimited pattern needs at least one field");
    }
    while (true) {
      FieldSpec spec;
      if (lx_.Accept("...")) {
        spec.ellipsis = true;
      } else {
        auto name = Name();
        if (!name) {
          return name.error();
        }
        spec.name = *name;
        char next = lx_.Peek();
        if (next != ',' && next != '\0') {
          auto cond = Condition(spec.name);
          if (!cond) {
            return cond.error();
          }
          conds.push_back(std::move(*cond));
        }
      }
      specs.push_back(std::move(spec));
      if (lx_.AtEnd()) {
        break;
      }
      if (!lx_.Accept(",")) {
        return lx_.Error("expected ',' between fields");
      }
    }
    return std::shared_ptr<const FilterPattern::Node>(
        std::make_shared<FieldsNode>(std::move(specs), std::move(conds)));
  }

 private:
  Result<std::string> Name() {
    lx_.SkipSpace();
    std::string_view s = lx_.text();
    size_t i = lx_.pos();
    size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                            s[i] == '-' || s[i] == '$' || s[i] == '.')) {
      ++i;
    }
    if (i == start) {
      return lx_.Error("expected a field name");
    }
    lx_.set_pos(i);
    return Result<std::string>(boost::system::in_place_value, s.substr(start, i - start));
  }

  // `op value` for `field`, then any `&& name op value` / `|| name op value` continuations.
  Result<std::unique_ptr<FieldCond>> Condition(const std::string& field) {
    auto first = Compare(field);
    if (!first) {
      return first;
    }
    auto left = std::move(*first);
    while (true) {
      FieldCond::Kind kind;
      if (lx_.Accept("&&")) {
        kind = FieldCond::Kind::kAnd;
      } else if (lx_.Accept("||")) {
        kind = FieldCond::Kind::kOr;
      } else {
        break;
      }
      auto name = Name();
      if (!name) {
        return name.error();
      }
      auto right = Compare(*name);
      if (!right) {
        return right;
      }
      auto joined = std::make_unique<FieldCond>();
      joined->kind = kind;
      joined->left = std::move(left);
      joined->right = std::move(*right);
      left = std::move(joined);
    }
    return left;
  }

  Result<std::unique_ptr<FieldCond>> Compare(const std::string& field) {
    auto op = lx_.AcceptOp();
    if (!op) {
      return lx_.Error("expected a comparison operator after field '" + field + "'");
    }
    auto lit = lx_.Value(",&|]");
    if (!lit) {
      return lit.error();
    }
    auto c = std::make_unique<FieldCond>();
    c->field = field;
    c->op = *op;
    c->literal = std::move(*lit);
    return c;
  }

  Lexer lx_;
};

}  // namespace

Result<FilterPattern> FilterPattern::Parse(std::string_view text) {
  std::string_view body = Trim(text);
  FilterPattern out;
  if (body.empty()) {
    return out;
  }
  if (body.front() == '{') {
    if (body.back() != '}') {
      return Invalid(text, "a JSON pattern must end with '}'");
    }
    JsonParser parser(text, body.substr(1, body.size() - 2));
    auto expr = parser.Parse();
    if (!expr) {
      return expr.error();
    }
    out.node_ = std::make_shared<JsonNode>(std::move(*expr));
    return out;
  }
  if (body.front() == '[') {
    if (body.back() != ']') {
      return Invalid(text, "a space-delimited pattern must end with ']'");
    }
    FieldsParser parser(text, body.substr(1, body.size() - 2));
    auto node = parser.Parse();
    if (!node) {
      return node.error();
    }
    out.node_ = std::move(*node);
    return out;
  }
  auto node = ParseTerms(body);
  if (!node) {
    return node.error();
  }
  out.node_ = std::move(*node);
  return out;
}

bool FilterPattern::Matches(std::string_view message) const {
  return node_ == nullptr || node_->Match(message);
}

bool FilterPattern::Matches(std::string_view message, Extracted* extracted) const {
  return node_ == nullptr || node_->Extract(message, extracted);
}

}  // namespace nimbus::logs
