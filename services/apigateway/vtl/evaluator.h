#pragma once

// Renders a parsed Template against one request. One Evaluator per render; not thread-safe.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/apigateway/vtl/ast.h"
#include "services/apigateway/vtl/value.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {

class Evaluator {
 public:
  Evaluator(const Template& tmpl, const Limits& limits, const RenderInput& input);
  // Breaks reference cycles a template may have built ($m.put('self', $m)).
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // Records that `inserted` was stored into a container by mutation; only such containers can
  // be part of a cycle, so they are emptied when the render ends.
  void NoteInsert(const Value& container, const Value& inserted);

  // Renders the whole template. Throws TemplateError when a limit is exceeded or a method
  // fails the way a Java method would throw (index out of range, bad regex).
  std::string Run(RenderOverrides* overrides);

  // Counts evaluation work against Limits::max_steps.
  void Step(size_t n = 1);
  // Throws if a produced string is bigger than the output limit.
  void CheckSize(size_t bytes) const;
  // Counts newly built text against Limits::max_produced_bytes (bounds memory and time spent
  // building strings, e.g. a loop concatenating a large body).
  void Produce(size_t bytes);
  const Limits& limits() const { return limits_; }
  const RenderInput& input() const { return input_; }

  // The request/response body parsed as JSON, parsed on first use. Throws InvalidJsonBody.
  const Value& BodyJson();

  // Renders a #define block (used when a define reference is converted to text).
  std::string RenderDefine(const Block& block);

 private:
  enum class Flow { kNormal, kBreak, kStop };

  Flow RenderBlock(const Block& block, std::string& out);
  Flow RenderNode(const Node& node, std::string& out);
  void RenderReference(const Node& node, std::string& out);
  void AppendValue(const Value& v, std::string& out);
  Flow RenderForeach(const Node& node, std::string& out);
  Flow RenderMacroCall(const Node& node, std::string& out);
  void Assign(const Reference& ref, Value value);

  Value Eval(const Expr& e);
  Value EvalReference(const Reference& ref);
  // One step of a reference chain; null in, null out.
  Value Access(const Value& v, const Accessor& acc);
  Value EvalBinary(const Expr& e);
  Value Lookup(const std::string& name);
  void MaterializeBuiltin(const std::string& name);
  void SetVar(const std::string& name, Value v);

  void CollectOverrides(RenderOverrides& overrides);

  struct DepthGuard {
    explicit DepthGuard(Evaluator& ev);
    ~DepthGuard() { --ev.depth_; }
    Evaluator& ev;
  };
  // Bounds the C++ recursion of nested blocks and expressions across macro calls, so a
  // template cannot exhaust the stack of the thread rendering it.
  struct NestGuard {
    explicit NestGuard(Evaluator& ev);
    ~NestGuard() { --ev.nesting_; }
    Evaluator& ev;
  };

  const Template& tmpl_;
  const Limits& limits_;
  const RenderInput& input_;
  std::unordered_map<std::string, Value> vars_;
  size_t steps_ = 0;
  size_t produced_ = 0;
  bool context_ready_ = false;
  bool stage_variables_ready_ = false;
  size_t depth_ = 0;
  size_t nesting_ = 0;
  std::optional<Value> body_json_;
  std::vector<std::weak_ptr<List>> mutated_lists_;
  std::vector<std::weak_ptr<Map>> mutated_maps_;
};

// Property access and method calls on any value (methods.cc). Return false when the target has
// no such member: the reference then evaluates to null.
bool GetProperty(const Value& target, std::string_view name, Value& out, Evaluator& ev);
bool CallMethod(const Value& target, std::string_view name, std::vector<Value>& args, Value& out,
                Evaluator& ev);

// Velocity truthiness (#if): null and false are false, everything else is true.
bool Truthy(const Value& v);
// Velocity's == (numbers by value, otherwise same type equals, otherwise by toString).
bool ValuesEqual(const Value& a, const Value& b);

// The API Gateway host objects (apigw_objects.cc).
ObjectPtr MakeInputObject();
ObjectPtr MakeUtilObject();
Value MakeParamsMap(const RenderInput& input);

}  // namespace nimbus::apigateway::vtl
