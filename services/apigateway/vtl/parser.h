#pragma once

#include <string_view>

#include "services/apigateway/vtl/ast.h"

namespace nimbus::apigateway::vtl {

// Parses VTL source into an AST. Throws TemplateError ("... at line L, column C") on malformed
// input: an unclosed #if/#foreach/#define/#macro, a stray #end/#else, a bad #set, an
// unterminated comment or string, or nesting deeper than max_depth.
Template Parse(std::string_view source, size_t max_depth);

}  // namespace nimbus::apigateway::vtl
