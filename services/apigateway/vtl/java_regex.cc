#include "services/apigateway/vtl/java_regex.h"

#include <algorithm>

#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {

namespace {

constexpr size_t kMaxProgram = 20'000;     // instructions after expanding {n,m}
constexpr int kMaxPatternDepth = 100;      // nested groups
constexpr int kMaxRepeat = 1000;           // Java allows more; nobody needs it in a template
constexpr uint64_t kMaxWork = 200'000'000;  // subject chars x program size per operation

enum class Op : uint8_t {
  kChar, kAny, kClass, kSplit, kJmp, kSave, kMatch, kBol, kEol, kBeginText, kEndText,
  kEndTextNl, kWordB, kNotWordB
};

struct Inst {
  Op op;
  uint32_t c = 0;  // kChar code point; kClass index; kSave slot
  int x = 0;       // jump target (kJmp, kSplit preferred)
  int y = 0;       // kSplit alternative
};

struct CharClass {
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  bool negated = false;
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
struct Node {
  enum class Kind { kEmpty, kChar, kAny, kClass, kAssert, kCat, kAlt, kRepeat, kGroup } kind;
  uint32_t c = 0;  // char; class index; assertion op
  std::vector<NodePtr> kids;
  int min = 0;
  int max = -1;  // -1: unbounded
  bool greedy = true;
  int group = -1;  // capture index for kGroup; -1 for (?:...)
};

uint32_t Lower(uint32_t c) {
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

bool IsWordChar(uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::vector<uint32_t> DecodeUtf8(std::string_view s, std::vector<size_t>* offsets) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  if (offsets) {
    offsets->clear();
    offsets->reserve(s.size() + 1);
  }
  size_t i = 0;
  while (i < s.size()) {
    if (offsets) {
      offsets->push_back(i);
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    auto cont = [&](size_t k) {
      return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    };
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0 && cont(1)) {
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3F);
      len = 2;
    } else if ((c & 0xF0) == 0xE0 && cont(1) && cont(2)) {
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3F);
      len = 3;
    } else if ((c & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
      cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
           (s[i + 3] & 0x3F);
      len = 4;
    }
    out.push_back(cp);
    i += len;
  }
  if (offsets) {
    offsets->push_back(s.size());
  }
  return out;
}

}  // namespace

struct RegexProgram {
  std::vector<Inst> insts;
  std::vector<CharClass> classes;
  int groups = 0;  // capturing groups, excluding group 0
  bool icase = false;
  bool dotall = false;
  bool multiline = false;

  bool ClassMatches(const CharClass& cls, uint32_t c) const {
    auto in = [&](uint32_t ch) {
      for (const auto& [lo, hi] : cls.ranges) {
        if (ch >= lo && ch <= hi) {
          return true;
        }
      }
      return false;
    };
    bool hit = in(c);
    if (!hit && icase && c < 128) {
      uint32_t alt = (c >= 'a' && c <= 'z') ? c - 32 : Lower(c);
      hit = alt != c && in(alt);
    }
    return hit != cls.negated;
  }
};

namespace {

class PatternParser {
 public:
  PatternParser(std::vector<uint32_t> pattern, RegexProgram& prog)
      : p_(std::move(pattern)), prog_(prog) {}

  NodePtr Parse() {
    // Leading inline flags: (?i), (?s), (?m), (?is)...
    if (p_.size() >= 3 && p_[0] == '(' && p_[1] == '?') {
      size_t k = 2;
      bool ok = false;
      while (k < p_.size() && (p_[k] == 'i' || p_[k] == 's' || p_[k] == 'm' || p_[k] == 'u' ||
                               p_[k] == 'x' || p_[k] == 'd')) {
        ++k;
      }
      if (k < p_.size() && p_[k] == ')' && k > 2) {
        ok = true;
      }
      if (ok) {
        for (size_t j = 2; j < k; ++j) {
          prog_.icase |= p_[j] == 'i';
          prog_.dotall |= p_[j] == 's';
          prog_.multiline |= p_[j] == 'm';
        }
        pos_ = k + 1;
      }
    }
    NodePtr n = ParseAlt(0);
    if (pos_ < p_.size()) {
      Fail("Unmatched closing ')'");
    }
    return n;
  }

 private:
  [[noreturn]] void Fail(const std::string& why) const {
    throw TemplateError("PatternSyntaxException: " + why + " near index " +
                        std::to_string(pos_));
  }

  bool More() const { return pos_ < p_.size(); }
  uint32_t Peek() const { return pos_ < p_.size() ? p_[pos_] : 0; }

  static NodePtr Make(Node::Kind kind) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    return n;
  }

  NodePtr ParseAlt(int depth) {
    if (depth > kMaxPatternDepth) {
      Fail("pattern nested too deeply");
    }
    NodePtr first = ParseCat(depth);
    if (Peek() != '|') {
      return first;
    }
    NodePtr alt = Make(Node::Kind::kAlt);
    alt->kids.push_back(std::move(first));
    while (More() && Peek() == '|') {
      ++pos_;
      alt->kids.push_back(ParseCat(depth));
    }
    return alt;
  }

  NodePtr ParseCat(int depth) {
    NodePtr cat = Make(Node::Kind::kCat);
    while (More() && Peek() != '|' && Peek() != ')') {
      NodePtr atom = ParseAtom(depth);
      if (!atom) {
        continue;  // \Q\E with nothing inside, or similar
      }
      cat->kids.push_back(ParseQuantifier(std::move(atom)));
    }
    return cat;
  }

  int ParseInt() {
    int v = 0;
    bool any = false;
    while (More() && Peek() >= '0' && Peek() <= '9') {
      v = std::min(v * 10 + static_cast<int>(Peek() - '0'), 1'000'000);
      ++pos_;
      any = true;
    }
    return any ? v : -1;
  }

  NodePtr ParseQuantifier(NodePtr atom) {
    for (;;) {
      int min = 0;
      int max = -1;
      uint32_t q = Peek();
      if (q == '*') {
        ++pos_;
      } else if (q == '+') {
        min = 1;
        ++pos_;
      } else if (q == '?') {
        max = 1;
        ++pos_;
      } else if (q == '{') {
        size_t save = pos_;
        ++pos_;
        min = ParseInt();
        if (min < 0) {
          pos_ = save;
          Fail("Illegal repetition");
        }
        max = min;
        if (Peek() == ',') {
          ++pos_;
          max = ParseInt();
        }
        if (Peek() != '}') {
          Fail("Unclosed counted closure");
        }
        ++pos_;
        if (min > kMaxRepeat || max > kMaxRepeat || (max >= 0 && max < min)) {
          Fail("Illegal repetition range");
        }
      } else {
        return atom;
      }
      if (atom->kind == Node::Kind::kAssert) {
        Fail("Dangling meta character");
      }
      NodePtr rep = Make(Node::Kind::kRepeat);
      rep->min = min;
      rep->max = max;
      if (Peek() == '?') {
        rep->greedy = false;
        ++pos_;
      } else if (Peek() == '+') {
        ++pos_;  // possessive: matched greedily (no backtracking control in a Pike VM)
      }
      rep->kids.push_back(std::move(atom));
      atom = std::move(rep);
    }
  }

  NodePtr CharNode(uint32_t c) {
    NodePtr n = Make(Node::Kind::kChar);
    n->c = c;
    return n;
  }

  NodePtr ClassNode(CharClass cls) {
    prog_.classes.push_back(std::move(cls));
    NodePtr n = Make(Node::Kind::kClass);
    n->c = static_cast<uint32_t>(prog_.classes.size() - 1);
    return n;
  }

  static void AddPredefined(uint32_t e, CharClass& cls) {
    switch (e) {
      case 'd': cls.ranges.emplace_back('0', '9'); break;
      case 'w':
        cls.ranges.emplace_back('a', 'z');
        cls.ranges.emplace_back('A', 'Z');
        cls.ranges.emplace_back('0', '9');
        cls.ranges.emplace_back('_', '_');
        break;
      case 's':
        cls.ranges.emplace_back('\t', '\r');  // \t \n \v \f \r
        cls.ranges.emplace_back(' ', ' ');
        break;
      case 'h':
        cls.ranges.emplace_back(' ', ' ');
        cls.ranges.emplace_back('\t', '\t');
        break;
      default: break;
    }
  }

  // Complement of a predefined class, as ranges.
  static void AddNegated(uint32_t e, CharClass& cls) {
    CharClass pos;
    AddPredefined(e, pos);
    std::sort(pos.ranges.begin(), pos.ranges.end());
    uint32_t next = 0;
    for (const auto& [lo, hi] : pos.ranges) {
      if (lo > next) {
        cls.ranges.emplace_back(next, lo - 1);
      }
      next = std::max(next, hi + 1);
    }
    cls.ranges.emplace_back(next, 0x10FFFF);
  }

  uint32_t ParseHex(int digits) {
    uint32_t v = 0;
    for (int i = 0; i < digits; ++i) {
      uint32_t h = Peek();
      ++pos_;
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= h - '0';
      } else if (h >= 'a' && h <= 'f') {
        v |= h - 'a' + 10;
      } else if (h >= 'A' && h <= 'F') {
        v |= h - 'A' + 10;
      } else {
        Fail("Illegal hexadecimal escape sequence");
      }
    }
    return v;
  }

  // After a backslash: a literal escape. Returns false if `e` is not a single-char escape.
  bool LiteralEscape(uint32_t e, uint32_t& out) {
    switch (e) {
      case 't': out = '\t'; return true;
      case 'n': out = '\n'; return true;
      case 'r': out = '\r'; return true;
      case 'f': out = '\f'; return true;
      case 'a': out = 7; return true;
      case 'e': out = 27; return true;
      case '0': {
        uint32_t v = 0;
        int n = 0;
        while (n < 3 && Peek() >= '0' && Peek() <= '7') {
          v = v * 8 + (Peek() - '0');
          ++pos_;
          ++n;
        }
        if (n == 0) {
          Fail("Illegal octal escape sequence");
        }
        out = v;
        return true;
      }
      case 'x': out = ParseHex(2); return true;
      case 'u': out = ParseHex(4); return true;
      case 'c':
        if (!More()) {
          Fail("Illegal control escape sequence");
        }
        out = p_[pos_++] ^ 64;
        return true;
      default:
        if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z')) {
          return false;
        }
        if (e >= '1' && e <= '9') {
          Fail("backreferences are not supported");
        }
        out = e;
        return true;
    }
  }

  NodePtr ParseClass() {
    // At the character after '['.
    CharClass cls;
    if (Peek() == '^') {
      cls.negated = true;
      ++pos_;
    }
    bool first = true;
    while (More() && (Peek() != ']' || first)) {
      first = false;
      uint32_t c = p_[pos_++];
      if (c == '[') {
        Fail("nested character classes are not supported");
      }
      if (c == '&' && Peek() == '&') {
        Fail("class intersection is not supported");
      }
      if (c == '\\') {
        if (!More()) {
          Fail("Unclosed character class");
        }
        uint32_t e = p_[pos_++];
        if (e == 'd' || e == 'w' || e == 's' || e == 'h') {
          AddPredefined(e, cls);
          continue;
        }
        if (e == 'D' || e == 'W' || e == 'S' || e == 'H') {
          AddNegated(e + 32, cls);
          continue;
        }
        if (e == 'p' || e == 'P') {
          Fail("\\p{...} classes are not supported");
        }
        if (!LiteralEscape(e, c)) {
          Fail("Illegal/unsupported escape sequence");
        }
      }
      uint32_t hi = c;
      if (Peek() == '-' && pos_ + 1 < p_.size() && p_[pos_ + 1] != ']') {
        ++pos_;
        hi = p_[pos_++];
        if (hi == '\\') {
          if (!More()) {
            Fail("Unclosed character class");
          }
          uint32_t e = p_[pos_++];
          if (!LiteralEscape(e, hi)) {
            Fail("Illegal character range");
          }
        }
        if (hi < c) {
          Fail("Illegal character range");
        }
      }
      cls.ranges.emplace_back(c, hi);
    }
    if (!More()) {
      Fail("Unclosed character class");
    }
    ++pos_;  // ']'
    return ClassNode(std::move(cls));
  }

  NodePtr Assert(Op op) {
    NodePtr n = Make(Node::Kind::kAssert);
    n->c = static_cast<uint32_t>(op);
    return n;
  }

  NodePtr ParseAtom(int depth) {
    uint32_t c = p_[pos_++];
    switch (c) {
      case '.':
        return Make(Node::Kind::kAny);
      case '^':
        return Assert(Op::kBol);
      case '$':
        return Assert(Op::kEol);
      case '[':
        return ParseClass();
      case '(': {
        int group = -1;
        if (Peek() == '?') {
          ++pos_;
          uint32_t k = Peek();
          if (k == ':') {
            ++pos_;
          } else if (k == '<' && pos_ + 1 < p_.size() && p_[pos_ + 1] != '=' &&
                     p_[pos_ + 1] != '!') {
            while (More() && Peek() != '>') {
              ++pos_;
            }
            if (!More()) {
              Fail("named capturing group is missing trailing '>'");
            }
            ++pos_;
            group = ++prog_.groups;
          } else {
            Fail("lookaround and inline flags inside a pattern are not supported");
          }
        } else {
          group = ++prog_.groups;
        }
        NodePtr inner = ParseAlt(depth + 1);
        if (Peek() != ')') {
          Fail("Unclosed group");
        }
        ++pos_;
        NodePtr g = Make(Node::Kind::kGroup);
        g->group = group;
        g->kids.push_back(std::move(inner));
        return g;
      }
      case ')':
        Fail("Unmatched closing ')'");
      case '*':
      case '+':
      case '?':
        Fail("Dangling meta character '" + std::string(1, static_cast<char>(c)) + "'");
      case '{':
        Fail("Illegal repetition");
      case '\\': {
        if (!More()) {
          Fail("Unexpected internal error (trailing backslash)");
        }
        uint32_t e = p_[pos_++];
        switch (e) {
          case 'd': case 'w': case 's': case 'h': {
            CharClass cls;
            AddPredefined(e, cls);
            return ClassNode(std::move(cls));
          }
          case 'D': case 'W': case 'S': case 'H': {
            CharClass cls;
            AddNegated(e + 32, cls);
            return ClassNode(std::move(cls));
          }
          case 'b': return Assert(Op::kWordB);
          case 'B': return Assert(Op::kNotWordB);
          case 'A': return Assert(Op::kBeginText);
          case 'z': return Assert(Op::kEndText);
          case 'Z': return Assert(Op::kEndTextNl);
          case 'Q': {
            NodePtr cat = Make(Node::Kind::kCat);
            while (More() && !(Peek() == '\\' && pos_ + 1 < p_.size() && p_[pos_ + 1] == 'E')) {
              cat->kids.push_back(CharNode(p_[pos_++]));
            }
            if (More()) {
              pos_ += 2;
            }
            return cat;
          }
          case 'E':
            return nullptr;
          case 'p': case 'P': case 'k': case 'G': case 'R': case 'X': case 'K':
            Fail("unsupported escape \\" + std::string(1, static_cast<char>(e)));
          default: {
            uint32_t lit = 0;
            if (!LiteralEscape(e, lit)) {
              Fail("Illegal/unsupported escape sequence \\" +
                   std::string(1, static_cast<char>(e)));
            }
            return CharNode(lit);
          }
        }
      }
      default:
        return CharNode(c);
    }
  }

  std::vector<uint32_t> p_;
  size_t pos_ = 0;
  RegexProgram& prog_;
};

class Compiler {
 public:
  explicit Compiler(RegexProgram& prog) : prog_(prog) {}

  void Compile(const Node& root) {
    Emit({Op::kSave, 0});
    Gen(root);
    Emit({Op::kSave, 1});
    Emit({Op::kMatch});
  }

 private:
  int Emit(Inst inst) {
    if (prog_.insts.size() >= kMaxProgram) {
      throw TemplateError("PatternSyntaxException: pattern too large");
    }
    prog_.insts.push_back(inst);
    return static_cast<int>(prog_.insts.size() - 1);
  }
  int Here() const { return static_cast<int>(prog_.insts.size()); }

  void Gen(const Node& n) {
    switch (n.kind) {
      case Node::Kind::kEmpty:
        break;
      case Node::Kind::kChar:
        Emit({Op::kChar, prog_.icase ? Lower(n.c) : n.c});
        break;
      case Node::Kind::kAny:
        Emit({Op::kAny});
        break;
      case Node::Kind::kClass:
        Emit({Op::kClass, n.c});
        break;
      case Node::Kind::kAssert:
        Emit({static_cast<Op>(n.c)});
        break;
      case Node::Kind::kCat:
        for (const NodePtr& kid : n.kids) {
          Gen(*kid);
        }
        break;
      case Node::Kind::kGroup:
        if (n.group >= 0) {
          Emit({Op::kSave, static_cast<uint32_t>(2 * n.group)});
        }
        Gen(*n.kids[0]);
        if (n.group >= 0) {
          Emit({Op::kSave, static_cast<uint32_t>(2 * n.group + 1)});
        }
        break;
      case Node::Kind::kAlt: {
        std::vector<int> jumps;
        for (size_t i = 0; i < n.kids.size(); ++i) {
          if (i + 1 < n.kids.size()) {
            int split = Emit({Op::kSplit});
            prog_.insts[split].x = Here();
            Gen(*n.kids[i]);
            jumps.push_back(Emit({Op::kJmp}));
            prog_.insts[split].y = Here();
          } else {
            Gen(*n.kids[i]);
          }
        }
        for (int j : jumps) {
          prog_.insts[j].x = Here();
        }
        break;
      }
      case Node::Kind::kRepeat: {
        const Node& kid = *n.kids[0];
        for (int i = 0; i < n.min; ++i) {
          Gen(kid);
        }
        if (n.max < 0) {
          // L: split body, out; body; jmp L
          int split = Emit({Op::kSplit});
          int body = Here();
          Gen(kid);
          Emit({Op::kJmp, 0, split});
          SetSplit(split, body, Here(), n.greedy);
        } else {
          std::vector<int> splits;
          for (int i = n.min; i < n.max; ++i) {
            int split = Emit({Op::kSplit});
            splits.push_back(split);
            int body = Here();
            Gen(kid);
            prog_.insts[split].x = body;  // out patched below
          }
          for (int split : splits) {
            SetSplit(split, prog_.insts[split].x, Here(), n.greedy);
          }
        }
        break;
      }
    }
  }

  void SetSplit(int split, int body, int out, bool greedy) {
    prog_.insts[split].x = greedy ? body : out;
    prog_.insts[split].y = greedy ? out : body;
  }

  RegexProgram& prog_;
};

// One thread list of the Pike VM, with per-list "already added" marks.
struct ThreadList {
  std::vector<int> pcs;
  std::vector<int> caps;  // pcs.size() * ncap
  std::vector<uint64_t> mark;
  uint64_t gen = 0;
};

class Vm {
 public:
  Vm(const RegexProgram& prog, const std::vector<uint32_t>& text)
      : prog_(prog), text_(text), ncap_(2 * (prog.groups + 1)) {
    for (ThreadList* l : {&a_, &b_}) {
      l->mark.assign(prog.insts.size(), 0);
    }
    cur_.assign(ncap_, -1);
    if (static_cast<uint64_t>(text.size() + 1) * prog.insts.size() > kMaxWork) {
      throw TemplateError("regex subject too long for this pattern");
    }
  }

  // Leftmost-first match starting the search at `start`. `full` requires the match to span
  // [start, end of text]. Fills caps (2 per group, -1 when unset).
  bool Search(size_t start, bool full, std::vector<int>& caps) {
    ThreadList* clist = &a_;
    ThreadList* nlist = &b_;
    Clear(*clist);
    bool matched = false;
    size_t n = text_.size();
    for (size_t pos = start;; ++pos) {
      if (!matched && (pos == start || !full)) {
        std::fill(cur_.begin(), cur_.end(), -1);
        AddThread(*clist, 0, pos);
      }
      if (clist->pcs.empty()) {
        if (matched || full || pos >= n) {
          break;
        }
        Clear(*clist);  // nothing alive: try the next start position
        continue;
      }
      Clear(*nlist);
      for (size_t t = 0; t < clist->pcs.size(); ++t) {
        const Inst& inst = prog_.insts[clist->pcs[t]];
        const int* tcaps = &clist->caps[t * ncap_];
        bool advance = false;
        switch (inst.op) {
          case Op::kMatch:
            if (full && pos != n) {
              continue;
            }
            matched = true;
            caps.assign(tcaps, tcaps + ncap_);
            t = clist->pcs.size();  // cut lower-priority threads
            continue;
          case Op::kChar:
            advance = pos < n && (prog_.icase ? Lower(text_[pos]) : text_[pos]) == inst.c;
            break;
          case Op::kAny:
            advance = pos < n && (prog_.dotall || (text_[pos] != '\n' && text_[pos] != '\r'));
            break;
          case Op::kClass:
            advance = pos < n && prog_.ClassMatches(prog_.classes[inst.c], text_[pos]);
            break;
          default:
            break;
        }
        if (advance) {
          std::copy(tcaps, tcaps + ncap_, cur_.begin());
          AddThread(*nlist, clist->pcs[t] + 1, pos + 1);
        }
      }
      std::swap(clist, nlist);
      if (pos >= n) {
        break;  // nothing can consume past the end
      }
    }
    return matched;
  }

 private:
  struct Frame {
    int pc;
    int restore_slot;  // >= 0: restore cur_[slot] = value
    int value;
  };

  void Clear(ThreadList& l) {
    l.pcs.clear();
    l.caps.clear();
    ++l.gen;
  }

  bool AssertHolds(Op op, size_t pos) const {
    size_t n = text_.size();
    switch (op) {
      case Op::kBol:
        return pos == 0 || (prog_.multiline && text_[pos - 1] == '\n');
      case Op::kEol:
        if (prog_.multiline) {
          return pos == n || text_[pos] == '\n';
        }
        return pos == n || (pos + 1 == n && text_[pos] == '\n');
      case Op::kBeginText:
        return pos == 0;
      case Op::kEndText:
        return pos == n;
      case Op::kEndTextNl:
        return pos == n || (pos + 1 == n && text_[pos] == '\n');
      case Op::kWordB:
      case Op::kNotWordB: {
        bool before = pos > 0 && IsWordChar(text_[pos - 1]);
        bool after = pos < n && IsWordChar(text_[pos]);
        return (before != after) == (op == Op::kWordB);
      }
      default:
        return false;
    }
  }

  // Follows empty transitions from pc with the captures in cur_, in priority order, without
  // recursion (the program can be large).
  void AddThread(ThreadList& list, int pc0, size_t pos) {
    stack_.clear();
    stack_.push_back({pc0, -1, 0});
    while (!stack_.empty()) {
      Frame f = stack_.back();
      stack_.pop_back();
      if (f.restore_slot >= 0) {
        cur_[f.restore_slot] = f.value;
        continue;
      }
      int pc = f.pc;
      if (list.mark[pc] == list.gen) {
        continue;
      }
      list.mark[pc] = list.gen;
      const Inst& inst = prog_.insts[pc];
      switch (inst.op) {
        case Op::kJmp:
          stack_.push_back({inst.x, -1, 0});
          break;
        case Op::kSplit:
          stack_.push_back({inst.y, -1, 0});
          stack_.push_back({inst.x, -1, 0});
          break;
        case Op::kSave:
          stack_.push_back({0, static_cast<int>(inst.c), cur_[inst.c]});
          cur_[inst.c] = static_cast<int>(pos);
          stack_.push_back({pc + 1, -1, 0});
          break;
        case Op::kBol:
        case Op::kEol:
        case Op::kBeginText:
        case Op::kEndText:
        case Op::kEndTextNl:
        case Op::kWordB:
        case Op::kNotWordB:
          if (AssertHolds(inst.op, pos)) {
            stack_.push_back({pc + 1, -1, 0});
          }
          break;
        default:
          list.pcs.push_back(pc);
          list.caps.insert(list.caps.end(), cur_.begin(), cur_.end());
          break;
      }
    }
  }

  const RegexProgram& prog_;
  const std::vector<uint32_t>& text_;
  size_t ncap_;
  ThreadList a_;
  ThreadList b_;
  std::vector<int> cur_;
  std::vector<Frame> stack_;
};

// Java's Matcher.appendReplacement: \x is a literal x, $n is group n.
void AppendReplacement(std::string_view rep, int groups, const std::vector<int>& caps,
                       const std::vector<size_t>& offsets, std::string_view subject,
                       std::string& out) {
  for (size_t i = 0; i < rep.size(); ++i) {
    char c = rep[i];
    if (c == '\\') {
      if (++i >= rep.size()) {
        throw TemplateError("character to be escaped is missing");
      }
      out += rep[i];
    } else if (c == '$') {
      if (i + 1 >= rep.size() || rep[i + 1] < '0' || rep[i + 1] > '9') {
        throw TemplateError("Illegal group reference");
      }
      int n = rep[++i] - '0';
      if (n > groups) {
        throw TemplateError("No group " + std::to_string(n));
      }
      while (i + 1 < rep.size() && rep[i + 1] >= '0' && rep[i + 1] <= '9' &&
             n * 10 + (rep[i + 1] - '0') <= groups) {
        n = n * 10 + (rep[++i] - '0');
      }
      int b = caps[2 * n];
      int e = caps[2 * n + 1];
      if (b >= 0 && e >= b) {
        out.append(subject.substr(offsets[b], offsets[e] - offsets[b]));
      }
    } else {
      out += c;
    }
  }
}

// Iterates matches like Matcher.find(): after an empty match the search moves one character on.
template <typename Fn>
void ForEachMatch(const RegexProgram& prog, const std::vector<uint32_t>& text, bool all, Fn fn) {
  Vm vm(prog, text);
  std::vector<int> caps;
  size_t from = 0;
  while (from <= text.size()) {
    if (!vm.Search(from, false, caps)) {
      return;
    }
    size_t b = static_cast<size_t>(caps[0]);
    size_t e = static_cast<size_t>(caps[1]);
    fn(caps);
    if (!all) {
      return;
    }
    from = e == b ? e + 1 : e;
  }
}

}  // namespace

JavaRegex::JavaRegex(std::string_view pattern) : program_(std::make_unique<RegexProgram>()) {
  PatternParser parser(DecodeUtf8(pattern, nullptr), *program_);
  NodePtr root = parser.Parse();
  Compiler(*program_).Compile(*root);
}

JavaRegex::~JavaRegex() = default;
JavaRegex::JavaRegex(JavaRegex&&) noexcept = default;

std::string JavaRegex::Replace(std::string_view subject, std::string_view replacement,
                               bool all) const {
  std::vector<size_t> offsets;
  std::vector<uint32_t> text = DecodeUtf8(subject, &offsets);
  std::string out;
  size_t last = 0;  // byte offset
  ForEachMatch(*program_, text, all, [&](const std::vector<int>& caps) {
    size_t b = offsets[caps[0]];
    out.append(subject.substr(last, b - last));
    AppendReplacement(replacement, program_->groups, caps, offsets, subject, out);
    last = offsets[caps[1]];
  });
  out.append(subject.substr(last));
  return out;
}

bool JavaRegex::Matches(std::string_view subject) const {
  std::vector<uint32_t> text = DecodeUtf8(subject, nullptr);
  Vm vm(*program_, text);
  std::vector<int> caps;
  return vm.Search(0, true, caps);
}

std::vector<std::string> JavaRegex::Split(std::string_view subject, int64_t limit) const {
  std::vector<size_t> offsets;
  std::vector<uint32_t> text = DecodeUtf8(subject, &offsets);
  std::vector<std::string> parts;
  size_t index = 0;  // character index where the next part starts
  bool any = false;
  bool stop = false;
  ForEachMatch(*program_, text, true, [&](const std::vector<int>& caps) {
    if (stop) {
      return;
    }
    size_t b = static_cast<size_t>(caps[0]);
    size_t e = static_cast<size_t>(caps[1]);
    if (limit > 0 && static_cast<int64_t>(parts.size()) >= limit - 1) {
      stop = true;
      return;
    }
    if (b == 0 && e == 0) {
      return;  // Java 8+: a zero-width match at the start gives no leading empty string
    }
    any = true;
    parts.emplace_back(subject.substr(offsets[index], offsets[b] - offsets[index]));
    index = e;
  });
  if (!any) {
    return {std::string(subject)};
  }
  parts.emplace_back(subject.substr(offsets[index]));
  if (limit == 0) {
    while (!parts.empty() && parts.back().empty()) {
      parts.pop_back();
    }
  }
  return parts;
}

}  // namespace nimbus::apigateway::vtl
