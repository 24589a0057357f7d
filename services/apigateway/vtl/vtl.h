#pragma once

// Velocity Template Language (VTL) engine for API Gateway REST API mapping templates
// (non-proxy AWS / HTTP / MOCK integrations). Follows Apache Velocity 1.7 semantics plus the
// API Gateway variables $input, $util, $context and $stageVariables.
//
// Thread-safety: Render and CompiledTemplate::Render are pure functions of their arguments; a
// CompiledTemplate is immutable after Compile and may be shared between threads.
// Untrusted templates never crash or hang: loops, recursion, output size and evaluation steps are
// bounded and exceeding a bound throws TemplateError.

#include <cstddef>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nimbus::apigateway::vtl {

// A malformed template, or a template that exceeded an evaluation limit.
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// $input.json / $input.path on a body that is not JSON. what() is AWS's client message:
// "Could not parse request body into json: <parser detail>" (AWS answers 400 with it for
// request templates).
class InvalidJsonBody : public TemplateError {
 public:
  using TemplateError::TemplateError;
};

struct RenderInput {
  std::string body;                                           // $input.body / $input.json / $input.path
  std::map<std::string, std::string> path, querystring;       // $input.params('x') / $input.params().path
  std::vector<std::pair<std::string, std::string>> headers;   // case-insensitive lookup
  std::string context_json;  // JSON object: $context.* (requestId, stage, identity.sourceIp, ...)
  std::map<std::string, std::string> stage_variables;  // $stageVariables.x
};

// Side results a template may set while rendering (response templates may override the status
// and headers; request templates may override integration request parameters).
struct RenderOverrides {
  // $context.responseOverride.status (0 = not set) and $context.responseOverride.header.X.
  int status = 0;
  std::map<std::string, std::string> response_headers;
  // $context.requestOverride.{header|querystring|path}.X
  std::map<std::string, std::string> request_headers, request_querystring, request_path;
};

struct Limits {
  std::size_t max_output_bytes = 10 * 1024 * 1024;
  std::size_t max_steps = 2'000'000;  // evaluation steps (nodes, loop iterations, list inserts)
  std::size_t max_produced_bytes = 128 * 1024 * 1024;  // total text built by string operations
  std::size_t max_loop_iterations = 100'000;  // per #foreach (also bounds [a..b] ranges)
  std::size_t max_depth = 64;               // macro / #define / #parse-like nesting
  std::size_t max_template_bytes = 1024 * 1024;
  std::size_t max_parse_depth = 200;       // nested blocks / parentheses in the source
  // AWS renders a null or undefined reference as "" (plain Velocity renders its source text,
  // e.g. "$foo"); set to get Velocity's behaviour.
  bool render_null_literally = false;
};

struct Template;  // the parsed AST (ast.h)

// A parsed template. Parse once, render many times.
class CompiledTemplate {
 public:
  CompiledTemplate(CompiledTemplate&&) noexcept;
  CompiledTemplate& operator=(CompiledTemplate&&) noexcept;
  ~CompiledTemplate();

  // Throws TemplateError on a malformed template.
  static CompiledTemplate Compile(std::string_view template_text, const Limits& limits = {});

  // Throws TemplateError when an evaluation limit is exceeded.
  std::string Render(const RenderInput& input, RenderOverrides* overrides = nullptr) const;

 private:
  CompiledTemplate();
  std::shared_ptr<const Template> template_;
  Limits limits_;
};

// Renders a request or response mapping template. Throws vtl::TemplateError (a std::runtime_error)
// on a malformed template.
std::string Render(std::string_view template_text, const RenderInput& input);

// Same, also reporting $context.requestOverride / responseOverride assignments.
std::string Render(std::string_view template_text, const RenderInput& input,
                   RenderOverrides& overrides);

}  // namespace nimbus::apigateway::vtl
