#pragma once

// Velocity Template Language (VTL) engine for API Gateway REST API mapping templates
// (non-proxy AWS / HTTP / MOCK integrations). Follows Apache Velocity 1.7 semantics plus the
// API Gateway variables, as AWS documents and behaves:
//
//  - References: $x ${x} $!x, property chains ($a.b.c: map keys, then JavaBean getX()/isX()),
//    method calls ($s.substring(1, 3)), index access ($l[0], $l[-1], $m['k']). A null or
//    undefined reference renders as "" (AWS; Limits::render_null_literally gives Velocity's
//    "$x" instead). \$x escapes a defined reference.
//  - Directives: #set (lists [..], ranges [1..3], maps {k: v}, $m.k = v), #if/#elseif/#else/#end
//    (&& || ! and or not == != < <= > >= eq ne lt le gt ge; + - * / % with Java integer
//    arithmetic), #foreach ($foreach.index/count/hasNext/first/last/parent, $velocityCount,
//    $velocityHasNext), #break, #stop, #define, #macro (call before or after definition),
//    ## and #* *# comments, #[[ literal ]]#, #{if} braced forms. Velocity 1.7 whitespace: the
//    end of line after a directive's ')' and after #else/#end is eaten; #set also eats the
//    spaces before it when they start a token. Null right-hand sides leave #set targets alone.
//  - Java methods: String (length substring indexOf lastIndexOf contains startsWith endsWith
//    equals equalsIgnoreCase compareTo concat replace replaceAll replaceFirst matches split trim
//    toLowerCase toUpperCase charAt isEmpty hashCode repeat ...), List (size get add addAll set
//    remove contains indexOf subList isEmpty clear), Map (get put putAll remove containsKey
//    containsValue keySet values entrySet size isEmpty getOrDefault), numbers (intValue
//    doubleValue parseInt parseDouble valueOf compareTo), toString/equals on everything. Regular
//    expressions are java.util.regex semantics on a linear-time engine (java_regex.h).
//  - $input.body ("{}" for an empty body), $input.json(path) (JSON text; a missing definite path
//    renders nothing), $input.path(path) (navigable value: maps render as {k=v}, JSON arrays as
//    JSON), JSONPath $ .a ['a'] [0] [-1] [*] .. [a,b] [1:3] [?(@.x > 1 && @.y == 'z')],
//    $input.params() (path/querystring/header maps, header lookup ignores case),
//    $input.params('x') (path, then query string, then header; "" when absent).
//  - $util.escapeJavaScript (commons-lang: ' -> \', non-ASCII -> \uXXXX), urlEncode/urlDecode
//    (form encoding), base64Encode/base64Decode, parseJson, toJson.
//  - $context.* from RenderInput::context_json (nested maps), $context.requestOverride.* and
//    .responseOverride.* assignments reported in RenderOverrides, $stageVariables.*.
//
// Thread-safety: Render and CompiledTemplate::Render are pure functions of their arguments; a
// CompiledTemplate is immutable after Compile and may be shared between threads.
// Untrusted templates never crash or hang: loops, recursion, output size, string building and
// evaluation steps are bounded (Limits) and exceeding a bound throws TemplateError. The worst
// case uses under 512 KB of the calling thread's stack.

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
