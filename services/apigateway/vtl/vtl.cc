#include "services/apigateway/vtl/vtl.h"

#include "services/apigateway/vtl/ast.h"
#include "services/apigateway/vtl/evaluator.h"
#include "services/apigateway/vtl/parser.h"

namespace nimbus::apigateway::vtl {

CompiledTemplate::CompiledTemplate() = default;
CompiledTemplate::CompiledTemplate(CompiledTemplate&&) noexcept = default;
CompiledTemplate& CompiledTemplate::operator=(CompiledTemplate&&) noexcept = default;
CompiledTemplate::~CompiledTemplate() = default;

CompiledTemplate CompiledTemplate::Compile(std::string_view template_text, const Limits& limits) {
  if (template_text.size() > limits.max_template_bytes) {
    throw TemplateError("template larger than " + std::to_string(limits.max_template_bytes) +
                        " bytes");
  }
  CompiledTemplate t;
  t.template_ = std::make_shared<const Template>(Parse(template_text, limits.max_parse_depth));
  t.limits_ = limits;
  return t;
}

std::string CompiledTemplate::Render(const RenderInput& input, RenderOverrides* overrides) const {
  Evaluator evaluator(*template_, limits_, input);
  return evaluator.Run(overrides);
}

std::string Render(std::string_view template_text, const RenderInput& input) {
  return CompiledTemplate::Compile(template_text).Render(input);
}

std::string Render(std::string_view template_text, const RenderInput& input,
                   RenderOverrides& overrides) {
  return CompiledTemplate::Compile(template_text).Render(input, &overrides);
}

}  // namespace nimbus::apigateway::vtl
