#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {

// TODO(vtl): replaced by the parser/evaluator in the next commits; the interface is final.
struct Node {
  std::string text;
};

CompiledTemplate::CompiledTemplate() = default;
CompiledTemplate::CompiledTemplate(CompiledTemplate&&) noexcept = default;
CompiledTemplate& CompiledTemplate::operator=(CompiledTemplate&&) noexcept = default;
CompiledTemplate::~CompiledTemplate() = default;

CompiledTemplate CompiledTemplate::Compile(std::string_view template_text, const Limits& limits) {
  if (template_text.size() > limits.max_template_bytes) {
    throw TemplateError("template too large");
  }
  CompiledTemplate t;
  t.root_ = std::make_shared<Node>(Node{std::string(template_text)});
  t.limits_ = limits;
  return t;
}

std::string CompiledTemplate::Render(const RenderInput&, RenderOverrides*) const {
  return root_->text;
}

std::string Render(std::string_view template_text, const RenderInput& input) {
  return CompiledTemplate::Compile(template_text).Render(input);
}

std::string Render(std::string_view template_text, const RenderInput& input,
                   RenderOverrides& overrides) {
  return CompiledTemplate::Compile(template_text).Render(input, &overrides);
}

}  // namespace nimbus::apigateway::vtl
