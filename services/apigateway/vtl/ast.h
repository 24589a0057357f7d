#pragma once

// The parsed form of a template. Built once by Parse (parser.h), immutable afterwards, walked by
// the Evaluator for each render.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "services/apigateway/vtl/value.h"

namespace nimbus::apigateway::vtl {

struct Expr;
struct Node;
using ExprPtr = std::unique_ptr<Expr>;
using Block = std::vector<Node>;

// One step of a reference chain: `.name`, `.name(args)` or `[index]`.
struct Accessor {
  enum class Kind { kProperty, kMethod, kIndex };
  Kind kind = Kind::kProperty;
  std::string name;
  std::vector<ExprPtr> args;  // method arguments, or the single index expression
};

// `$root.a.b(x)[0]`, `${root}`, `$!root`.
struct Reference {
  std::string root;
  std::vector<Accessor> chain;
  bool quiet = false;
  std::string source;  // the text as written, rendered when the value is null
};

struct Expr {
  enum class Kind {
    kLiteral,       // value
    kInterpolated,  // double-quoted string with $ or #: body
    kReference,     // ref
    kList,          // items
    kRange,         // items[0] .. items[1]
    kMap,           // keys / items
    kNot,           // items[0]
    kNegate,        // items[0]
    kBinary,        // op, items[0], items[1]
  };
  enum class Op { kOr, kAnd, kEq, kNe, kLt, kLe, kGt, kGe, kAdd, kSub, kMul, kDiv, kMod };

  Kind kind = Kind::kLiteral;
  Op op = Op::kOr;
  Value value;
  std::shared_ptr<Block> body;
  std::unique_ptr<Reference> ref;
  std::vector<ExprPtr> items;
  std::vector<ExprPtr> keys;
};

struct Node {
  enum class Kind {
    kText,       // text
    kReference,  // ref, escapes = number of backslashes written before it
    kSet,        // ref = exprs[0]
    kIf,         // exprs[i] guards blocks[i]; a trailing extra block is #else
    kForeach,    // $text in exprs[0]: blocks[0]
    kBreak,
    kStop,
    kDefine,     // $text: blocks[0]
    kMacroCall,  // #text(exprs...), source for when no such macro exists
  };
  Kind kind = Kind::kText;
  std::string text;
  std::string source;
  int escapes = 0;
  std::unique_ptr<Reference> ref;
  std::vector<ExprPtr> exprs;
  std::vector<Block> blocks;
};

struct Macro {
  std::vector<std::string> params;  // without '$'
  Block body;
};

struct Template {
  Block root;
  std::map<std::string, Macro, std::less<>> macros;
};

}  // namespace nimbus::apigateway::vtl
