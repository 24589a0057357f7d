#include "services/apigateway/vtl/evaluator.h"

#include <cmath>
#include <limits>

#include "services/apigateway/vtl/json.h"

namespace nimbus::apigateway::vtl {
namespace {

// $foreach: the loop scope Velocity 1.7 exposes inside #foreach.
class ForeachObject final : public Object {
 public:
  ForeachObject(size_t size, Value parent) : size_(size), parent_(std::move(parent)) {}
  void set_index(size_t i) { index_ = i; }

  std::string_view TypeName() const override { return "ForeachScope"; }

  bool Property(std::string_view name, Value& out, Evaluator&) override {
    if (name == "index") {
      out = Value(static_cast<int64_t>(index_));
    } else if (name == "count") {
      out = Value(static_cast<int64_t>(index_ + 1));
    } else if (name == "hasNext") {
      out = Value(index_ + 1 < size_);
    } else if (name == "first") {
      out = Value(index_ == 0);
    } else if (name == "last") {
      out = Value(index_ + 1 == size_);
    } else if (name == "parent") {
      out = parent_;
    } else {
      return false;
    }
    return true;
  }

  bool Call(std::string_view name, std::vector<Value>& args, Value& out, Evaluator& ev) override {
    if (!args.empty()) {
      return false;
    }
    if (name == "hasNext" || name == "getHasNext" || name == "isHasNext") {
      return Property("hasNext", out, ev);
    }
    if (name == "getIndex" || name == "getCount" || name == "isFirst" || name == "isLast" ||
        name == "getFirst" || name == "getLast" || name == "getParent") {
      std::string prop(name.substr(name[0] == 'i' ? 2 : 3));
      prop[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(prop[0])));
      return Property(prop, out, ev);
    }
    return false;
  }

 private:
  size_t size_;
  size_t index_ = 0;
  Value parent_;
};

// A #define block; renders lazily in the current context each time it is referenced.
class DefineObject final : public Object {
 public:
  DefineObject(const Block* block, Evaluator* ev) : block_(block), ev_(ev) {}
  std::string_view TypeName() const override { return "Block"; }
  std::string ToString() const override { return ev_->RenderDefine(*block_); }
  const Block& block() const { return *block_; }

 private:
  const Block* block_;
  Evaluator* ev_;
};

MapPtr EnsureMap(Map& parent, const std::string& key) {
  Value* existing = parent.Find(key);
  if (existing != nullptr && existing->IsMap()) {
    return existing->AsMap();
  }
  MapPtr m = MakeMap();
  parent.Put(key, Value(m));
  return m;
}

void CopyStringMap(const Value* v, std::map<std::string, std::string>& out) {
  if (v == nullptr || !v->IsMap()) {
    return;
  }
  for (const auto& [k, item] : v->AsMap()->entries) {
    if (item.IsNull()) {
      continue;
    }
    if (item.IsList()) {
      // Multi-valued override: joined as one comma-separated header value.
      std::string joined;
      for (const Value& part : item.AsList()->items) {
        if (!joined.empty()) {
          joined += ',';
        }
        joined += ToJavaString(part);
      }
      out[k] = joined;
    } else {
      out[k] = ToJavaString(item);
    }
  }
}

bool ToIndex(const Value& v, int64_t& out) {
  if (v.IsInt()) {
    out = v.AsInt();
    return true;
  }
  return false;
}

}  // namespace

Evaluator::DepthGuard::DepthGuard(Evaluator& ev) : ev(ev) {
  if (++ev.depth_ > ev.limits_.max_depth) {
    --ev.depth_;
    throw TemplateError("template recursion too deep (limit " +
                        std::to_string(ev.limits_.max_depth) + ")");
  }
}

// Roughly 300 bytes of stack per level: well under 1 MB in the worst case.
constexpr size_t kMaxNesting = 2000;

Evaluator::NestGuard::NestGuard(Evaluator& ev) : ev(ev) {
  if (++ev.nesting_ > kMaxNesting) {
    --ev.nesting_;
    throw TemplateError("template nesting too deep while rendering");
  }
}

Evaluator::Evaluator(const Template& tmpl, const Limits& limits, const RenderInput& input)
    : tmpl_(tmpl), limits_(limits), input_(input) {
  vars_["input"] = Value(MakeInputObject());
  vars_["util"] = Value(MakeUtilObject());
  // $context and $stageVariables are built on first use: most templates touch neither.
}

void Evaluator::MaterializeBuiltin(const std::string& name) {
  if (name == "context" && !context_ready_) {
    context_ready_ = true;
    MapPtr context;
    if (!input_.context_json.empty()) {
      std::string error;
      std::optional<Value> parsed = ParseJson(input_.context_json, error);
      if (parsed && parsed->IsMap()) {
        context = parsed->AsMap();
        context->json = false;
      }
    }
    if (!context) {
      context = MakeMap();
    }
    // AWS: requestOverride / responseOverride exist so templates can #set into them.
    MapPtr request_override = EnsureMap(*context, "requestOverride");
    EnsureMap(*request_override, "header");
    EnsureMap(*request_override, "querystring");
    EnsureMap(*request_override, "path");
    MapPtr response_override = EnsureMap(*context, "responseOverride");
    EnsureMap(*response_override, "header");
    vars_["context"] = Value(context);
  } else if (name == "stageVariables" && !stage_variables_ready_) {
    stage_variables_ready_ = true;
    MapPtr stage_variables = MakeMap();
    for (const auto& [k, v] : input_.stage_variables) {
      stage_variables->Put(k, Value(v));
    }
    vars_["stageVariables"] = Value(stage_variables);
  }
}

Evaluator::~Evaluator() {
  for (const auto& weak : mutated_lists_) {
    if (ListPtr list = weak.lock()) {
      list->items.clear();
    }
  }
  for (const auto& weak : mutated_maps_) {
    if (MapPtr map = weak.lock()) {
      map->Clear();
    }
  }
}

void Evaluator::NoteInsert(const Value& container, const Value& inserted) {
  if (!inserted.IsList() && !inserted.IsMap()) {
    return;
  }
  if (container.IsList()) {
    mutated_lists_.push_back(container.AsList());
  } else if (container.IsMap()) {
    mutated_maps_.push_back(container.AsMap());
  }
}

void Evaluator::Step(size_t n) {
  steps_ += n;
  if (steps_ > limits_.max_steps) {
    throw TemplateError("template evaluation exceeded " + std::to_string(limits_.max_steps) +
                        " steps");
  }
}

void Evaluator::CheckSize(size_t bytes) const {
  if (bytes > limits_.max_output_bytes) {
    throw TemplateError("template output exceeded " + std::to_string(limits_.max_output_bytes) +
                        " bytes");
  }
}

void Evaluator::Produce(size_t bytes) {
  CheckSize(bytes);
  produced_ += bytes;
  if (produced_ > limits_.max_produced_bytes) {
    throw TemplateError("template built more than " +
                        std::to_string(limits_.max_produced_bytes) + " bytes of strings");
  }
}

const Value& Evaluator::BodyJson() {
  if (!body_json_) {
    // AWS: an empty body is treated as "{}".
    std::string_view text = input_.body.empty() ? std::string_view("{}") : input_.body;
    std::string error;
    std::optional<Value> parsed = ParseJson(text, error);
    if (!parsed) {
      throw InvalidJsonBody("Could not parse request body into json: " + error);
    }
    body_json_ = std::move(*parsed);
  }
  return *body_json_;
}

std::string Evaluator::Run(RenderOverrides* overrides) {
  std::string out;
  RenderBlock(tmpl_.root, out);
  if (overrides != nullptr) {
    CollectOverrides(*overrides);
  }
  return out;
}

void Evaluator::CollectOverrides(RenderOverrides& overrides) {
  if (!context_ready_) {
    return;  // never referenced: nothing was overridden
  }
  Value context = Lookup("context");
  if (!context.IsMap()) {
    return;
  }
  if (const Value* req = context.AsMap()->Find("requestOverride"); req && req->IsMap()) {
    CopyStringMap(req->AsMap()->Find("header"), overrides.request_headers);
    CopyStringMap(req->AsMap()->Find("querystring"), overrides.request_querystring);
    CopyStringMap(req->AsMap()->Find("path"), overrides.request_path);
  }
  if (const Value* resp = context.AsMap()->Find("responseOverride"); resp && resp->IsMap()) {
    CopyStringMap(resp->AsMap()->Find("header"), overrides.response_headers);
    if (const Value* status = resp->AsMap()->Find("status")) {
      if (status->IsInt()) {
        overrides.status = static_cast<int>(status->AsInt());
      } else if (status->IsString()) {
        overrides.status = std::atoi(status->AsString().c_str());
      } else if (status->IsDouble()) {
        overrides.status = static_cast<int>(status->AsDouble());
      }
    }
  }
}

std::string Evaluator::RenderDefine(const Block& block) {
  DepthGuard guard(*this);
  std::string s;
  RenderBlock(block, s);
  Produce(s.size());
  return s;
}

Value Evaluator::Lookup(const std::string& name) {
  auto it = vars_.find(name);
  if (it == vars_.end() && (name == "context" || name == "stageVariables")) {
    MaterializeBuiltin(name);
    it = vars_.find(name);
  }
  return it == vars_.end() ? Value() : it->second;
}

void Evaluator::SetVar(const std::string& name, Value v) {
  if (name == "context") {
    context_ready_ = true;
  } else if (name == "stageVariables") {
    stage_variables_ready_ = true;
  }
  if (v.IsNull()) {
    vars_.erase(name);
  } else {
    vars_[name] = std::move(v);
  }
}

Evaluator::Flow Evaluator::RenderBlock(const Block& block, std::string& out) {
  NestGuard guard(*this);
  for (const Node& node : block) {
    Flow flow = RenderNode(node, out);
    if (flow != Flow::kNormal) {
      return flow;
    }
  }
  return Flow::kNormal;
}

Evaluator::Flow Evaluator::RenderNode(const Node& node, std::string& out) {
  Step();
  switch (node.kind) {
    case Node::Kind::kText:
      out += node.text;
      CheckSize(out.size());
      return Flow::kNormal;
    case Node::Kind::kReference:
      RenderReference(node, out);
      CheckSize(out.size());
      return Flow::kNormal;
    case Node::Kind::kSet: {
      Value v = Eval(*node.exprs[0]);
      // Velocity 1.x: a null right-hand side leaves the left-hand side unchanged.
      if (!v.IsNull()) {
        Assign(*node.ref, std::move(v));
      }
      return Flow::kNormal;
    }
    case Node::Kind::kIf:
      for (size_t i = 0; i < node.exprs.size(); ++i) {
        if (Truthy(Eval(*node.exprs[i]))) {
          return RenderBlock(node.blocks[i], out);
        }
      }
      if (node.blocks.size() > node.exprs.size()) {
        return RenderBlock(node.blocks.back(), out);
      }
      return Flow::kNormal;
    case Node::Kind::kForeach:
      return RenderForeach(node, out);
    case Node::Kind::kBreak:
      return Flow::kBreak;
    case Node::Kind::kStop:
      return Flow::kStop;
    case Node::Kind::kDefine:
      SetVar(node.text, Value(ObjectPtr(std::make_shared<DefineObject>(&node.blocks[0], this))));
      return Flow::kNormal;
    case Node::Kind::kMacroCall:
      return RenderMacroCall(node, out);
  }
  return Flow::kNormal;
}

void Evaluator::AppendValue(const Value& v, std::string& out) {
  if (v.IsObject()) {
    if (auto* define = dynamic_cast<DefineObject*>(v.AsObject().get())) {
      DepthGuard guard(*this);
      RenderBlock(define->block(), out);
      return;
    }
  }
  AppendJavaString(v, out);
}

void Evaluator::RenderReference(const Node& node, std::string& out) {
  const Reference& ref = *node.ref;
  Value v = EvalReference(ref);
  size_t k = static_cast<size_t>(node.escapes);
  if (v.IsNull()) {
    if (k > 0) {
      // An escaped reference to nothing keeps its backslashes (Velocity).
      out.append(k, '\\');
      out += ref.source;
    } else if (!ref.quiet && limits_.render_null_literally) {
      out += ref.source;
    }
    return;
  }
  out.append(k / 2, '\\');
  if (k % 2 == 1) {
    out += ref.source;
    return;
  }
  AppendValue(v, out);
}

Evaluator::Flow Evaluator::RenderForeach(const Node& node, std::string& out) {
  Value iterable = Eval(*node.exprs[0]);
  std::vector<Value> items;
  if (iterable.IsList()) {
    items = iterable.AsList()->items;
  } else if (iterable.IsMap()) {
    // Velocity iterates a Map's values.
    for (const auto& [k, v] : iterable.AsMap()->entries) {
      items.push_back(v);
    }
  }
  if (items.size() > limits_.max_loop_iterations) {
    throw TemplateError("#foreach over " + std::to_string(items.size()) +
                        " items exceeds the loop limit");
  }
  const std::string& var = node.text;
  Value saved_var = Lookup(var);
  Value saved_foreach = Lookup("foreach");
  Value saved_count = Lookup("velocityCount");
  Value saved_has_next = Lookup("velocityHasNext");
  auto scope = std::make_shared<ForeachObject>(items.size(), saved_foreach);
  SetVar("foreach", Value(ObjectPtr(scope)));
  Flow result = Flow::kNormal;
  for (size_t i = 0; i < items.size(); ++i) {
    Step();
    scope->set_index(i);
    SetVar(var, items[i]);
    SetVar("velocityCount", Value(static_cast<int64_t>(i + 1)));
    SetVar("velocityHasNext", Value(i + 1 < items.size()));
    Flow flow = RenderBlock(node.blocks[0], out);
    if (flow == Flow::kBreak) {
      break;
    }
    if (flow == Flow::kStop) {
      result = Flow::kStop;
      break;
    }
  }
  SetVar(var, saved_var);
  SetVar("foreach", saved_foreach);
  SetVar("velocityCount", saved_count);
  SetVar("velocityHasNext", saved_has_next);
  return result;
}

Evaluator::Flow Evaluator::RenderMacroCall(const Node& node, std::string& out) {
  auto it = tmpl_.macros.find(node.text);
  if (it == tmpl_.macros.end()) {
    out += node.source;  // not a macro: Velocity renders the text as written
    CheckSize(out.size());
    return Flow::kNormal;
  }
  DepthGuard guard(*this);
  const Macro& macro = it->second;
  std::vector<Value> args;
  for (const ExprPtr& arg : node.exprs) {
    args.push_back(Eval(*arg));
  }
  std::vector<Value> saved;
  for (const std::string& param : macro.params) {
    saved.push_back(Lookup(param));
  }
  for (size_t i = 0; i < macro.params.size(); ++i) {
    SetVar(macro.params[i], i < args.size() ? args[i] : Value());
  }
  Flow flow = RenderBlock(macro.body, out);
  for (size_t i = 0; i < macro.params.size(); ++i) {
    SetVar(macro.params[i], saved[i]);
  }
  return flow == Flow::kStop ? Flow::kStop : Flow::kNormal;
}

Value Evaluator::Access(const Value& v, const Accessor& acc) {
  Step();
  if (v.IsNull()) {
    return v;
  }
  Value next;
  switch (acc.kind) {
    case Accessor::Kind::kProperty:
      if (!GetProperty(v, acc.name, next, *this)) {
        next = Value();
      }
      break;
    case Accessor::Kind::kMethod: {
      std::vector<Value> args;
      args.reserve(acc.args.size());
      for (const ExprPtr& arg : acc.args) {
        args.push_back(Eval(*arg));
      }
      if (!CallMethod(v, acc.name, args, next, *this)) {
        next = Value();
      }
      break;
    }
    case Accessor::Kind::kIndex: {
      Value index = Eval(*acc.args[0]);
      int64_t i = 0;
      if (v.IsList() && ToIndex(index, i)) {
        const auto& items = v.AsList()->items;
        int64_t n = static_cast<int64_t>(items.size());
        if (i < 0) {
          i += n;
        }
        if (i >= 0 && i < n) {
          next = items[static_cast<size_t>(i)];
        }
      } else if (v.IsMap() && !index.IsNull()) {
        if (const Value* found = v.AsMap()->Find(ToJavaString(index))) {
          next = *found;
        }
      } else if (v.IsObject() && !index.IsNull()) {
        std::vector<Value> args{index};
        if (!v.AsObject()->Call("get", args, next, *this)) {
          next = Value();
        }
      }
      break;
    }
  }
  return next;
}

Value Evaluator::EvalReference(const Reference& ref) {
  Value v = Lookup(ref.root);
  for (const Accessor& acc : ref.chain) {
    if (v.IsNull()) {
      break;
    }
    v = Access(v, acc);
  }
  return v;
}

void Evaluator::Assign(const Reference& ref, Value value) {
  if (ref.chain.empty()) {
    SetVar(ref.root, std::move(value));
    return;
  }
  // `#set($a.b.c = x)`: resolve $a.b, then store into its key c (Map.put, as Velocity does).
  Value target = Lookup(ref.root);
  for (size_t i = 0; i + 1 < ref.chain.size() && !target.IsNull(); ++i) {
    target = Access(target, ref.chain[i]);
  }
  if (target.IsNull()) {
    return;
  }
  const Accessor& last = ref.chain.back();
  if (last.kind == Accessor::Kind::kProperty && target.IsMap()) {
    Step();
    NoteInsert(target, value);
    target.AsMap()->Put(last.name, std::move(value));
  } else if (last.kind == Accessor::Kind::kIndex) {
    Value index = Eval(*last.args[0]);
    int64_t idx = 0;
    NoteInsert(target, value);
    if (target.IsMap()) {
      Step();
      target.AsMap()->Put(ToJavaString(index), std::move(value));
    } else if (target.IsList() && ToIndex(index, idx) && idx >= 0 &&
               idx < static_cast<int64_t>(target.AsList()->items.size())) {
      target.AsList()->items[static_cast<size_t>(idx)] = std::move(value);
    }
  }
}

Value Evaluator::Eval(const Expr& e) {
  Step();
  NestGuard guard(*this);
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return e.value;
    case Expr::Kind::kInterpolated: {
      DepthGuard guard(*this);
      std::string s;
      RenderBlock(*e.body, s);
      Produce(s.size());
      return Value(std::move(s));
    }
    case Expr::Kind::kReference:
      return EvalReference(*e.ref);
    case Expr::Kind::kList: {
      ListPtr list = MakeList();
      list->items.reserve(e.items.size());
      for (const ExprPtr& item : e.items) {
        list->items.push_back(Eval(*item));
      }
      return Value(list);
    }
    case Expr::Kind::kRange: {
      Value lo = Eval(*e.items[0]);
      Value hi = Eval(*e.items[1]);
      auto as_int = [](const Value& v, int64_t& out) {
        if (v.IsInt()) {
          out = v.AsInt();
          return true;
        }
        if (v.IsString()) {
          char* end = nullptr;
          long long parsed = std::strtoll(v.AsString().c_str(), &end, 10);
          if (end != v.AsString().c_str() && *end == '\0') {
            out = parsed;
            return true;
          }
        }
        return false;
      };
      int64_t a = 0;
      int64_t b = 0;
      if (!as_int(lo, a) || !as_int(hi, b)) {
        return Value();
      }
      uint64_t size = (a <= b ? static_cast<uint64_t>(b) - static_cast<uint64_t>(a)
                              : static_cast<uint64_t>(a) - static_cast<uint64_t>(b)) + 1;
      if (size > limits_.max_loop_iterations) {
        throw TemplateError("range [" + std::to_string(a) + ".." + std::to_string(b) +
                            "] exceeds the loop limit");
      }
      Step(size);
      ListPtr list = MakeList();
      list->items.reserve(size);
      int64_t step = a <= b ? 1 : -1;
      for (int64_t i = a;; i += step) {
        list->items.emplace_back(i);
        if (i == b) {
          break;
        }
      }
      return Value(list);
    }
    case Expr::Kind::kMap: {
      MapPtr map = MakeMap();
      for (size_t i = 0; i < e.keys.size(); ++i) {
        Value key = Eval(*e.keys[i]);
        map->Put(ToJavaString(key), Eval(*e.items[i]));
      }
      return Value(map);
    }
    case Expr::Kind::kNot:
      return Value(!Truthy(Eval(*e.items[0])));
    case Expr::Kind::kNegate: {
      Value v = Eval(*e.items[0]);
      if (v.IsInt() && v.AsInt() != std::numeric_limits<int64_t>::min()) {
        return Value(-v.AsInt());
      }
      if (v.IsNumber()) {
        return Value(-v.AsDouble());
      }
      return Value();
    }
    case Expr::Kind::kBinary:
      return EvalBinary(e);
  }
  return Value();
}

Value Evaluator::EvalBinary(const Expr& e) {
  using Op = Expr::Op;
  if (e.op == Op::kOr) {
    return Value(Truthy(Eval(*e.items[0])) || Truthy(Eval(*e.items[1])));
  }
  if (e.op == Op::kAnd) {
    return Value(Truthy(Eval(*e.items[0])) && Truthy(Eval(*e.items[1])));
  }
  Value l = Eval(*e.items[0]);
  Value r = Eval(*e.items[1]);
  switch (e.op) {
    case Op::kEq:
      return Value(ValuesEqual(l, r));
    case Op::kNe:
      return Value(!ValuesEqual(l, r));
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: {
      int cmp = 0;
      if (l.IsNumber() && r.IsNumber()) {
        if (l.IsInt() && r.IsInt()) {
          cmp = l.AsInt() < r.AsInt() ? -1 : (l.AsInt() > r.AsInt() ? 1 : 0);
        } else {
          double a = l.AsDouble();
          double b = r.AsDouble();
          if (std::isnan(a) || std::isnan(b)) {
            return Value(false);
          }
          cmp = a < b ? -1 : (a > b ? 1 : 0);
        }
      } else if (l.IsString() && r.IsString()) {
        int c = l.AsString().compare(r.AsString());
        cmp = c < 0 ? -1 : (c > 0 ? 1 : 0);
      } else {
        return Value(false);  // Velocity logs an error and treats the comparison as false
      }
      switch (e.op) {
        case Op::kLt: return Value(cmp < 0);
        case Op::kLe: return Value(cmp <= 0);
        case Op::kGt: return Value(cmp > 0);
        default: return Value(cmp >= 0);
      }
    }
    default:
      break;
  }
  if (l.IsNull() || r.IsNull()) {
    return Value();
  }
  if (e.op == Op::kAdd && !(l.IsNumber() && r.IsNumber())) {
    if (l.IsString() || r.IsString()) {
      // Velocity 1.7: '+' with a string operand concatenates.
      std::string s = ToJavaString(l) + ToJavaString(r);
      Produce(s.size());
      return Value(std::move(s));
    }
    return Value();
  }
  if (!l.IsNumber() || !r.IsNumber()) {
    return Value();
  }
  if (l.IsInt() && r.IsInt()) {
    int64_t a = l.AsInt();
    int64_t b = r.AsInt();
    int64_t out = 0;
    switch (e.op) {
      case Op::kAdd:
        if (!__builtin_add_overflow(a, b, &out)) {
          return Value(out);
        }
        return Value(static_cast<double>(a) + static_cast<double>(b));
      case Op::kSub:
        if (!__builtin_sub_overflow(a, b, &out)) {
          return Value(out);
        }
        return Value(static_cast<double>(a) - static_cast<double>(b));
      case Op::kMul:
        if (!__builtin_mul_overflow(a, b, &out)) {
          return Value(out);
        }
        return Value(static_cast<double>(a) * static_cast<double>(b));
      case Op::kDiv:
        if (b == 0) {
          return Value();  // Velocity: division by zero yields null
        }
        if (a == std::numeric_limits<int64_t>::min() && b == -1) {
          return Value(-static_cast<double>(a));
        }
        return Value(a / b);
      case Op::kMod:
        if (b == 0) {
          return Value();
        }
        if (b == -1) {
          return Value(int64_t{0});
        }
        return Value(a % b);
      default:
        return Value();
    }
  }
  double a = l.AsDouble();
  double b = r.AsDouble();
  switch (e.op) {
    case Op::kAdd: return Value(a + b);
    case Op::kSub: return Value(a - b);
    case Op::kMul: return Value(a * b);
    case Op::kDiv: return b == 0 ? Value() : Value(a / b);
    case Op::kMod: return b == 0 ? Value() : Value(std::fmod(a, b));
    default: return Value();
  }
}

bool Truthy(const Value& v) {
  if (v.IsNull()) {
    return false;
  }
  if (v.IsBool()) {
    return v.AsBool();
  }
  return true;
}

namespace {
bool ValuesEqualAt(const Value& a, const Value& b, int depth);
}  // namespace

bool ValuesEqual(const Value& a, const Value& b) {
  return ValuesEqualAt(a, b, 0);
}

namespace {
bool ValuesEqualAt(const Value& a, const Value& b, int depth) {
  if (depth > 200) {
    throw TemplateError("values nested too deeply to compare (cyclic structure?)");
  }
  if (a.IsNull() || b.IsNull()) {
    return a.IsNull() && b.IsNull();
  }
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsInt() && b.IsInt()) {
      return a.AsInt() == b.AsInt();
    }
    return a.AsDouble() == b.AsDouble();
  }
  if (a.v.index() == b.v.index()) {
    if (a.IsBool()) {
      return a.AsBool() == b.AsBool();
    }
    if (a.IsString()) {
      return a.AsString() == b.AsString();
    }
    if (a.IsList()) {
      const auto& x = a.AsList()->items;
      const auto& y = b.AsList()->items;
      if (a.AsList() == b.AsList()) {
        return true;
      }
      if (x.size() != y.size()) {
        return false;
      }
      for (size_t i = 0; i < x.size(); ++i) {
        if (!ValuesEqualAt(x[i], y[i], depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (a.IsMap()) {
      if (a.AsMap() == b.AsMap()) {
        return true;
      }
      const Map& x = *a.AsMap();
      const Map& y = *b.AsMap();
      if (x.entries.size() != y.entries.size()) {
        return false;
      }
      for (const auto& [k, v] : x.entries) {
        const Value* other = y.Find(k);
        if (other == nullptr || !ValuesEqualAt(v, *other, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (a.IsObject()) {
      return a.AsObject() == b.AsObject();
    }
  }
  // Velocity 1.7: operands of different classes compare by their toString().
  return ToJavaString(a) == ToJavaString(b);
}
}  // namespace

}  // namespace nimbus::apigateway::vtl
