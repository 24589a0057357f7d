#pragma once

#include <string>
#include <vector>

#include "services/iam/policy/evaluator.h"

namespace nimbus::iam {

// Replaces ${aws:username}-style policy variables (Version 2012-10-17 only) from the request
// context; ${*}, ${?} and ${$} stand for the literal characters. False when a variable has no
// value (the string can then match nothing).
bool SubstituteVariables(const std::string& in, const RequestFacts& facts, std::string& out);

// One condition of a statement against the request context. Adds the key to `missing` when the
// request lacks it and that decided the outcome.
bool EvaluateCondition(const Condition& c, const RequestFacts& facts, bool variables,
                       std::vector<std::string>& missing);

}  // namespace nimbus::iam
