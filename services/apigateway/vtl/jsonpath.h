#pragma once

// The JSONPath subset API Gateway templates use ($input.json / $input.path): `$`, `.name`,
// `['name']`, `[n]` (negative from the end), `[*]` / `.*`, `..name` (deep scan), unions
// `[0,1]` / `['a','b']`, slices `[start:end]` and filters `[?(@.a.b OP literal && ... || ...)]`
// (OP one of == != < <= > >=, or none for an existence test). A path without a leading `$` is read as `$.path`
// (Jayway's convention).

#include <string_view>
#include <vector>

#include "services/apigateway/vtl/value.h"

namespace nimbus::apigateway::vtl {

struct JsonPathResult {
  std::vector<Value> matches;
  // A definite path (names and single indexes only) yields one value or nothing; an indefinite
  // one yields a list.
  bool definite = true;
};

// Throws TemplateError on a malformed path.
JsonPathResult EvaluateJsonPath(std::string_view path, const Value& root);

}  // namespace nimbus::apigateway::vtl
