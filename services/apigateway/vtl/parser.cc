#include "services/apigateway/vtl/parser.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>

#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {
namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentChar(char c) {
  return IsIdentStart(c) || (c >= '0' && c <= '9');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

class Parser {
 public:
  Parser(std::string_view source, size_t max_depth, Template& t, size_t depth = 0)
      : s_(source), max_depth_(max_depth), depth_(depth), t_(t) {}

  Block ParseAll() {
    Block block;
    Stop stop = ParseBlock(block);
    if (stop != Stop::kEof) {
      Error(stop == Stop::kEnd ? "Encountered \"#end\" without a matching block"
                               : "Encountered \"#else\"/\"#elseif\" without a matching #if");
    }
    return block;
  }

 private:
  enum class Stop { kEof, kEnd, kElse, kElseIf };

  [[noreturn]] void Error(const std::string& what) const {
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw TemplateError(what + " at line " + std::to_string(line) + ", column " +
                        std::to_string(column));
  }

  char At(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }
  char Cur() const { return At(pos_); }
  bool Eof() const { return pos_ >= s_.size(); }

  struct DepthGuard {
    explicit DepthGuard(Parser& p) : p(p) {
      if (++p.depth_ > p.max_depth_) {
        p.Error("Template nesting too deep");
      }
    }
    ~DepthGuard() { --p.depth_; }
    Parser& p;
  };

  // Velocity 1.x eats the end of line after a directive's closing parenthesis and after
  // #else / #end, so directive-only lines leave no blank line behind.
  void GobbleNewline() {
    size_t p = pos_;
    while (At(p) == ' ' || At(p) == '\t') {
      ++p;
    }
    if (At(p) == '\r' && At(p + 1) == '\n') {
      pos_ = p + 2;
    } else if (At(p) == '\n' || At(p) == '\r') {
      pos_ = p + 1;
    }
  }

  void SkipSpace() {
    while (Cur() == ' ' || Cur() == '\t' || Cur() == '\n' || Cur() == '\r') {
      ++pos_;
    }
  }

  void Expect(char c, const char* what) {
    SkipSpace();
    if (Cur() != c) {
      Error(std::string("Expected ") + what);
    }
    ++pos_;
  }

  std::string ParseIdent(bool allow_hyphen) {
    size_t start = pos_;
    if (!IsIdentStart(Cur())) {
      return {};
    }
    ++pos_;
    while (IsIdentChar(Cur()) || (allow_hyphen && Cur() == '-' && IsIdentChar(At(pos_ + 1)))) {
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  static void FlushText(std::string& text, Block& out) {
    if (text.empty()) {
      return;
    }
    if (!out.empty() && out.back().kind == Node::Kind::kText) {
      out.back().text += text;
    } else {
      Node n;
      n.kind = Node::Kind::kText;
      n.text = std::move(text);
      out.push_back(std::move(n));
    }
    text.clear();
  }

  // Directive names recognised after '#' (plus macros, resolved at render time).
  static bool IsDirectiveName(std::string_view name) {
    return name == "set" || name == "if" || name == "elseif" || name == "else" ||
           name == "end" || name == "foreach" || name == "break" || name == "stop" ||
           name == "define" || name == "macro";
  }

  // Reads `name` or `{name}` after a '#' at pos_; returns empty (pos_ unchanged) if none.
  std::string PeekDirectiveName(size_t& after) const {
    size_t p = pos_ + 1;
    bool braced = At(p) == '{';
    if (braced) {
      ++p;
    }
    size_t start = p;
    if (!IsIdentStart(At(p))) {
      return {};
    }
    while (IsIdentChar(At(p))) {
      ++p;
    }
    std::string name(s_.substr(start, p - start));
    if (braced) {
      if (At(p) != '}') {
        return {};
      }
      ++p;
    }
    after = p;
    return name;
  }

  Stop ParseBlock(Block& out) {
    DepthGuard guard(*this);
    std::string text;
    // Where Velocity's current TEXT token starts in `text`: whitespace right before #set is
    // dropped only when it begins a token (after a directive, reference, comment or the start).
    size_t token_start = 0;
    auto flush = [&] {
      FlushText(text, out);
      token_start = 0;
    };
    while (!Eof()) {
      char c = Cur();
      if (c == '\\') {
        size_t k = 0;
        while (At(pos_ + k) == '\\') {
          ++k;
        }
        char next = At(pos_ + k);
        if (next == '$') {
          size_t save = pos_;
          pos_ += k;
          std::unique_ptr<Reference> ref = TryParseReference();
          if (ref) {
            flush();
            Node n;
            n.kind = Node::Kind::kReference;
            n.ref = std::move(ref);
            n.escapes = static_cast<int>(k);
            out.push_back(std::move(n));
            continue;
          }
          pos_ = save;
        } else if (next == '#') {
          size_t save = pos_;
          pos_ += k;
          size_t after = 0;
          std::string name = PeekDirectiveName(after);
          if (!name.empty() && (IsDirectiveName(name) || t_.macros.count(name) > 0)) {
            text.append(k / 2, '\\');
            if (k % 2 == 1) {
              // An escaped directive renders as its literal text.
              text.append(s_.substr(pos_, after - pos_));
              pos_ = after;
            }
            continue;
          }
          pos_ = save;
        }
        text.append(k, '\\');
        pos_ += k;
        continue;
      }
      if (c == '$') {
        std::unique_ptr<Reference> ref = TryParseReference();
        if (ref) {
          flush();
          Node n;
          n.kind = Node::Kind::kReference;
          n.ref = std::move(ref);
          out.push_back(std::move(n));
        } else {
          text += '$';
          ++pos_;
        }
        continue;
      }
      if (c != '#') {
        text += c;
        ++pos_;
        continue;
      }
      // '#'
      char n1 = At(pos_ + 1);
      if (n1 == '#') {
        // Line comment, including its end of line.
        while (!Eof() && Cur() != '\n') {
          ++pos_;
        }
        if (!Eof()) {
          ++pos_;
        }
        token_start = text.size();
        continue;
      }
      if (n1 == '*') {
        size_t end = s_.find("*#", pos_ + 2);
        if (end == std::string_view::npos) {
          Error("Unterminated #* comment");
        }
        pos_ = end + 2;
        token_start = text.size();
        continue;
      }
      if (n1 == '[' && At(pos_ + 2) == '[') {
        size_t end = s_.find("]]#", pos_ + 3);
        if (end == std::string_view::npos) {
          Error("Unterminated #[[ literal block");
        }
        text.append(s_.substr(pos_ + 3, end - pos_ - 3));
        pos_ = end + 3;
        token_start = text.size();
        continue;
      }
      size_t after = 0;
      std::string name = PeekDirectiveName(after);
      if (name.empty()) {
        text += '#';
        ++pos_;
        continue;
      }
      size_t directive_start = pos_;
      if (name == "end" || name == "else") {
        pos_ = after;
        flush();
        GobbleNewline();
        return name == "end" ? Stop::kEnd : Stop::kElse;
      }
      if (name == "elseif") {
        pos_ = after;
        flush();
        elseif_cond_ = ParseParenExpr();
        GobbleNewline();
        return Stop::kElseIf;
      }
      if (name == "set") {
        // Velocity 1.x: #set swallows the spaces/tabs before it when they start a token.
        token_start = std::min(token_start, text.size());
        if (text.find_first_not_of(" \t", token_start) == std::string::npos) {
          text.resize(token_start);
        }
        flush();
        pos_ = after;
        out.push_back(ParseSet());
        continue;
      }
      if (name == "if") {
        flush();
        pos_ = after;
        out.push_back(ParseIf());
        continue;
      }
      if (name == "foreach") {
        flush();
        pos_ = after;
        out.push_back(ParseForeach());
        continue;
      }
      if (name == "break" || name == "stop") {
        flush();
        pos_ = after;
        if (Cur() == '(') {
          // #break($foreach): the scope argument is accepted and ignored.
          size_t close = s_.find(')', pos_);
          if (close == std::string_view::npos) {
            Error("Unclosed #" + name + "(");
          }
          pos_ = close + 1;
        }
        Node n;
        n.kind = name == "break" ? Node::Kind::kBreak : Node::Kind::kStop;
        out.push_back(std::move(n));
        continue;
      }
      if (name == "define") {
        flush();
        pos_ = after;
        out.push_back(ParseDefine());
        continue;
      }
      if (name == "macro") {
        flush();
        pos_ = after;
        ParseMacro();
        continue;
      }
      // Possibly a macro call; anything else is plain text ("#fff", "#1").
      pos_ = after;
      if (Cur() == '(') {
        size_t save = pos_;
        Node call;
        if (TryParseMacroCall(name, directive_start, call)) {
          flush();
          out.push_back(std::move(call));
          continue;
        }
        pos_ = save;
      }
      text.append(s_.substr(directive_start, pos_ - directive_start));
    }
    flush();
    return Stop::kEof;
  }

  Node ParseSet() {
    Expect('(', "'(' after #set");
    SkipSpace();
    if (Cur() != '$') {
      Error("Expected a reference on the left of #set");
    }
    Node n;
    n.kind = Node::Kind::kSet;
    n.ref = TryParseReference();
    if (!n.ref) {
      Error("Invalid reference on the left of #set");
    }
    Expect('=', "'=' in #set");
    n.exprs.push_back(ParseExpr());
    Expect(')', "')' to close #set");
    GobbleNewline();
    return n;
  }

  ExprPtr ParseParenExpr() {
    Expect('(', "'('");
    ExprPtr e = ParseExpr();
    Expect(')', "')'");
    return e;
  }

  Node ParseIf() {
    Node n;
    n.kind = Node::Kind::kIf;
    n.exprs.push_back(ParseParenExpr());
    GobbleNewline();
    for (;;) {
      Block block;
      Stop stop = ParseBlock(block);
      n.blocks.push_back(std::move(block));
      if (stop == Stop::kEnd) {
        return n;
      }
      if (stop == Stop::kEof) {
        Error("Unclosed #if (missing #end)");
      }
      if (stop == Stop::kElseIf) {
        if (n.blocks.size() > n.exprs.size()) {
          Error("#elseif after #else");
        }
        n.exprs.push_back(std::move(elseif_cond_));
        continue;
      }
      // #else
      if (n.blocks.size() > n.exprs.size()) {
        Error("#else after #else");
      }
      Block else_block;
      stop = ParseBlock(else_block);
      n.blocks.push_back(std::move(else_block));
      if (stop != Stop::kEnd) {
        Error("Unclosed #else (missing #end)");
      }
      return n;
    }
  }

  std::string ParseVariableName(const char* where) {
    SkipSpace();
    if (Cur() != '$') {
      Error(std::string("Expected a $variable in ") + where);
    }
    ++pos_;
    if (Cur() == '!') {
      ++pos_;
    }
    bool braced = Cur() == '{';
    if (braced) {
      ++pos_;
    }
    std::string name = ParseIdent(true);
    if (name.empty()) {
      Error(std::string("Expected a $variable in ") + where);
    }
    if (braced && Cur() == '}') {
      ++pos_;
    }
    return name;
  }

  Node ParseForeach() {
    Expect('(', "'(' after #foreach");
    Node n;
    n.kind = Node::Kind::kForeach;
    n.text = ParseVariableName("#foreach");
    SkipSpace();
    if (!(Cur() == 'i' && At(pos_ + 1) == 'n' && !IsIdentChar(At(pos_ + 2)))) {
      Error("Expected 'in' in #foreach");
    }
    pos_ += 2;
    n.exprs.push_back(ParseExpr());
    Expect(')', "')' to close #foreach");
    GobbleNewline();
    Block body;
    Stop stop = ParseBlock(body);
    if (stop != Stop::kEnd) {
      Error("Unclosed #foreach (missing #end)");
    }
    n.blocks.push_back(std::move(body));
    return n;
  }

  Node ParseDefine() {
    Expect('(', "'(' after #define");
    Node n;
    n.kind = Node::Kind::kDefine;
    n.text = ParseVariableName("#define");
    Expect(')', "')' to close #define");
    GobbleNewline();
    Block body;
    if (ParseBlock(body) != Stop::kEnd) {
      Error("Unclosed #define (missing #end)");
    }
    n.blocks.push_back(std::move(body));
    return n;
  }

  void ParseMacro() {
    Expect('(', "'(' after #macro");
    SkipSpace();
    std::string name = ParseIdent(false);
    if (name.empty()) {
      Error("Expected a macro name");
    }
    Macro macro;
    for (;;) {
      SkipSpace();
      if (Cur() == ',') {
        ++pos_;
        continue;
      }
      if (Cur() == ')') {
        ++pos_;
        break;
      }
      if (Cur() != '$') {
        Error("Expected a $parameter or ')' in #macro");
      }
      macro.params.push_back(ParseVariableName("#macro"));
    }
    GobbleNewline();
    if (ParseBlock(macro.body) != Stop::kEnd) {
      Error("Unclosed #macro (missing #end)");
    }
    t_.macros[name] = std::move(macro);
  }

  bool TryParseMacroCall(const std::string& name, size_t start, Node& call) {
    ++pos_;  // '('
    call.kind = Node::Kind::kMacroCall;
    call.text = name;
    for (;;) {
      SkipSpace();
      if (Eof()) {
        return false;
      }
      if (Cur() == ')') {
        ++pos_;
        break;
      }
      if (Cur() == ',') {
        ++pos_;
        continue;
      }
      ExprPtr arg = TryParseExprNoThrow();
      if (!arg) {
        return false;
      }
      call.exprs.push_back(std::move(arg));
    }
    call.source = std::string(s_.substr(start, pos_ - start));
    GobbleNewline();
    return true;
  }

  ExprPtr TryParseExprNoThrow() {
    try {
      return ParseExpr();
    } catch (const TemplateError&) {
      return nullptr;
    }
  }

  // At '$'. Returns null (pos_ unchanged) if no reference starts here.
  std::unique_ptr<Reference> TryParseReference() {
    size_t start = pos_;
    size_t p = pos_ + 1;
    auto ref = std::make_unique<Reference>();
    if (At(p) == '!') {
      ref->quiet = true;
      ++p;
    }
    bool formal = At(p) == '{';
    if (formal) {
      ++p;
    }
    if (!IsIdentStart(At(p))) {
      return nullptr;
    }
    pos_ = p;
    ref->root = ParseIdent(true);
    for (;;) {
      if (Cur() == '.' && IsIdentStart(At(pos_ + 1))) {
        ++pos_;
        Accessor acc;
        acc.name = ParseIdent(true);
        if (Cur() == '(') {
          acc.kind = Accessor::Kind::kMethod;
          ++pos_;
          SkipSpace();
          if (Cur() == ')') {
            ++pos_;
          } else {
            for (;;) {
              acc.args.push_back(ParseExpr());
              SkipSpace();
              if (Cur() == ',') {
                ++pos_;
                continue;
              }
              if (Cur() == ')') {
                ++pos_;
                break;
              }
              Error("Expected ',' or ')' in method arguments");
            }
          }
        }
        ref->chain.push_back(std::move(acc));
        continue;
      }
      if (Cur() == '[') {
        size_t save = pos_;
        ++pos_;
        ExprPtr index = TryParseExprNoThrow();
        SkipSpace();
        if (index && Cur() == ']') {
          ++pos_;
          Accessor acc;
          acc.kind = Accessor::Kind::kIndex;
          acc.args.push_back(std::move(index));
          ref->chain.push_back(std::move(acc));
          continue;
        }
        pos_ = save;
      }
      break;
    }
    if (formal) {
      if (Cur() != '}') {
        pos_ = start;
        return nullptr;
      }
      ++pos_;
    }
    ref->source = std::string(s_.substr(start, pos_ - start));
    return ref;
  }

  // ---- expressions -------------------------------------------------------------------------

  bool MatchWord(std::string_view word) {
    if (s_.substr(pos_, word.size()) == word && !IsIdentChar(At(pos_ + word.size()))) {
      pos_ += word.size();
      return true;
    }
    return false;
  }

  bool MatchSymbol(std::string_view sym) {
    if (s_.substr(pos_, sym.size()) == sym) {
      pos_ += sym.size();
      return true;
    }
    return false;
  }

  static ExprPtr Binary(Expr::Op op, ExprPtr l, ExprPtr r) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kBinary;
    e->op = op;
    e->items.push_back(std::move(l));
    e->items.push_back(std::move(r));
    return e;
  }

  ExprPtr ParseExpr() {
    DepthGuard guard(*this);
    return ParseOr();
  }

  ExprPtr ParseOr() {
    ExprPtr l = ParseAnd();
    for (;;) {
      SkipSpace();
      if (MatchSymbol("||") || MatchWord("or")) {
        l = Binary(Expr::Op::kOr, std::move(l), ParseAnd());
      } else {
        return l;
      }
    }
  }

  ExprPtr ParseAnd() {
    ExprPtr l = ParseEquality();
    for (;;) {
      SkipSpace();
      if (MatchSymbol("&&") || MatchWord("and")) {
        l = Binary(Expr::Op::kAnd, std::move(l), ParseEquality());
      } else {
        return l;
      }
    }
  }

  ExprPtr ParseEquality() {
    ExprPtr l = ParseRelational();
    for (;;) {
      SkipSpace();
      if (MatchSymbol("==") || MatchWord("eq")) {
        l = Binary(Expr::Op::kEq, std::move(l), ParseRelational());
      } else if (MatchSymbol("!=") || MatchWord("ne")) {
        l = Binary(Expr::Op::kNe, std::move(l), ParseRelational());
      } else {
        return l;
      }
    }
  }

  ExprPtr ParseRelational() {
    ExprPtr l = ParseAdditive();
    for (;;) {
      SkipSpace();
      if (MatchSymbol("<=") || MatchWord("le")) {
        l = Binary(Expr::Op::kLe, std::move(l), ParseAdditive());
      } else if (MatchSymbol(">=") || MatchWord("ge")) {
        l = Binary(Expr::Op::kGe, std::move(l), ParseAdditive());
      } else if (MatchSymbol("<") || MatchWord("lt")) {
        l = Binary(Expr::Op::kLt, std::move(l), ParseAdditive());
      } else if (MatchSymbol(">") || MatchWord("gt")) {
        l = Binary(Expr::Op::kGt, std::move(l), ParseAdditive());
      } else {
        return l;
      }
    }
  }

  ExprPtr ParseAdditive() {
    ExprPtr l = ParseMultiplicative();
    for (;;) {
      SkipSpace();
      if (MatchSymbol("+")) {
        l = Binary(Expr::Op::kAdd, std::move(l), ParseMultiplicative());
      } else if (Cur() == '-' && At(pos_ + 1) != '-') {
        ++pos_;
        l = Binary(Expr::Op::kSub, std::move(l), ParseMultiplicative());
      } else {
        return l;
      }
    }
  }

  ExprPtr ParseMultiplicative() {
    ExprPtr l = ParseUnary();
    for (;;) {
      SkipSpace();
      if (MatchSymbol("*")) {
        l = Binary(Expr::Op::kMul, std::move(l), ParseUnary());
      } else if (MatchSymbol("/")) {
        l = Binary(Expr::Op::kDiv, std::move(l), ParseUnary());
      } else if (MatchSymbol("%")) {
        l = Binary(Expr::Op::kMod, std::move(l), ParseUnary());
      } else {
        return l;
      }
    }
  }

  ExprPtr ParseUnary() {
    DepthGuard guard(*this);
    SkipSpace();
    if ((Cur() == '!' && At(pos_ + 1) != '=') || MatchWord("not")) {
      if (Cur() == '!') {
        ++pos_;
      }
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kNot;
      e->items.push_back(ParseUnary());
      return e;
    }
    if (Cur() == '-') {
      ++pos_;
      ExprPtr operand = ParseUnary();
      if (operand->kind == Expr::Kind::kLiteral && operand->value.IsInt()) {
        operand->value = Value(-operand->value.AsInt());
        return operand;
      }
      if (operand->kind == Expr::Kind::kLiteral && operand->value.IsDouble()) {
        operand->value = Value(-operand->value.AsDouble());
        return operand;
      }
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kNegate;
      e->items.push_back(std::move(operand));
      return e;
    }
    return ParsePrimary();
  }

  // Velocity 1.7 string literals: the quote character doubled stands for itself, a backslash
  // does not escape it, and \uXXXX escapes are decoded; everything else is kept as written
  // (so "\\'" stays three characters, as the common replaceAll("\\'", "'") idiom needs).
  std::string ParseStringContent(char quote) {
    std::string content;
    size_t p = pos_ + 1;
    for (;;) {
      if (p >= s_.size()) {
        Error("Unterminated string literal");
      }
      char ch = s_[p];
      if (ch == quote) {
        if (At(p + 1) == quote) {
          content += quote;
          p += 2;
          continue;
        }
        break;
      }
      if (ch == '\\' && At(p + 1) == 'u' && p + 5 < s_.size() &&
          std::isxdigit(static_cast<unsigned char>(s_[p + 2])) &&
          std::isxdigit(static_cast<unsigned char>(s_[p + 3])) &&
          std::isxdigit(static_cast<unsigned char>(s_[p + 4])) &&
          std::isxdigit(static_cast<unsigned char>(s_[p + 5]))) {
        uint32_t cp = static_cast<uint32_t>(
            std::strtoul(std::string(s_.substr(p + 2, 4)).c_str(), nullptr, 16));
        AppendUtf8(cp, content);
        p += 6;
        continue;
      }
      content += ch;
      ++p;
    }
    pos_ = p + 1;
    return content;
  }

  static void AppendUtf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  ExprPtr Literal(Value v) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kLiteral;
    e->value = std::move(v);
    return e;
  }

  ExprPtr ParsePrimary() {
    SkipSpace();
    char c = Cur();
    if (c == '(') {
      ++pos_;
      ExprPtr e = ParseExpr();
      Expect(')', "')'");
      return e;
    }
    if (c == '$') {
      std::unique_ptr<Reference> ref = TryParseReference();
      if (!ref) {
        Error("Invalid reference");
      }
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kReference;
      e->ref = std::move(ref);
      return e;
    }
    if (c == '\'' || c == '"') {
      std::string content = ParseStringContent(c);
      if (c == '\'') {
        return Literal(Value(std::move(content)));
      }
      if (content.find_first_of("$#") == std::string::npos) {
        return Literal(Value(std::move(content)));
      }
      // Double-quoted strings are templates themselves.
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kInterpolated;
      Parser sub(content, max_depth_, t_, depth_);
      e->body = std::make_shared<Block>(sub.ParseAll());
      return e;
    }
    if (IsDigit(c)) {
      size_t start = pos_;
      while (IsDigit(Cur())) {
        ++pos_;
      }
      bool is_double = false;
      if (Cur() == '.' && IsDigit(At(pos_ + 1))) {
        is_double = true;
        ++pos_;
        while (IsDigit(Cur())) {
          ++pos_;
        }
      }
      if ((Cur() == 'e' || Cur() == 'E') &&
          (IsDigit(At(pos_ + 1)) ||
           ((At(pos_ + 1) == '+' || At(pos_ + 1) == '-') && IsDigit(At(pos_ + 2))))) {
        is_double = true;
        pos_ += 2;
        while (IsDigit(Cur())) {
          ++pos_;
        }
      }
      std::string number(s_.substr(start, pos_ - start));
      if (is_double) {
        return Literal(Value(std::strtod(number.c_str(), nullptr)));
      }
      errno = 0;
      long long v = std::strtoll(number.c_str(), nullptr, 10);
      if (errno != 0) {
        return Literal(Value(std::strtod(number.c_str(), nullptr)));
      }
      return Literal(Value(static_cast<int64_t>(v)));
    }
    if (MatchWord("true")) {
      return Literal(Value(true));
    }
    if (MatchWord("false")) {
      return Literal(Value(false));
    }
    if (MatchWord("null")) {
      return Literal(Value());
    }
    if (c == '[') {
      ++pos_;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kList;
      SkipSpace();
      if (Cur() == ']') {
        ++pos_;
        return e;
      }
      e->items.push_back(ParseExpr());
      SkipSpace();
      if (MatchSymbol("..")) {
        e->kind = Expr::Kind::kRange;
        e->items.push_back(ParseExpr());
        Expect(']', "']' to close range");
        return e;
      }
      for (;;) {
        SkipSpace();
        if (Cur() == ']') {
          ++pos_;
          return e;
        }
        if (Cur() != ',') {
          Error("Expected ',' or ']' in list");
        }
        ++pos_;
        e->items.push_back(ParseExpr());
      }
    }
    if (c == '{') {
      ++pos_;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kMap;
      SkipSpace();
      if (Cur() == '}') {
        ++pos_;
        return e;
      }
      for (;;) {
        e->keys.push_back(ParseExpr());
        Expect(':', "':' in map literal");
        e->items.push_back(ParseExpr());
        SkipSpace();
        if (Cur() == '}') {
          ++pos_;
          return e;
        }
        if (Cur() != ',') {
          Error("Expected ',' or '}' in map literal");
        }
        ++pos_;
      }
    }
    if (Eof()) {
      Error("Unexpected end of template in expression");
    }
    Error(std::string("Unexpected character '") + c + "' in expression");
  }

  std::string_view s_;
  size_t pos_ = 0;
  size_t max_depth_;
  size_t depth_;
  Template& t_;
  ExprPtr elseif_cond_;
};

}  // namespace

Template Parse(std::string_view source, size_t max_depth) {
  Template t;
  Parser parser(source, max_depth, t);
  t.root = parser.ParseAll();
  return t;
}

}  // namespace nimbus::apigateway::vtl
