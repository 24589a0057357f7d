#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/aws_error.h"
#include "services/sns/sns_model.h"

namespace nimbus::sns {

enum class FilterScope { kMessageAttributes, kMessageBody };

// A subscription filter policy (AWS "message filtering"), parsed and validated once when it is
// set and matched against every message published to the topic.
//
// Semantics: top-level keys AND, the conditions listed under a key OR, "$or" splits the policy
// into alternatives. Conditions: exact values (strings, numbers, true/false/null), prefix,
// suffix, equals-ignore-case, anything-but (values or {"prefix"}), numeric (=, <, <=, >, >=,
// one range), exists, cidr. Attribute scope matches String, Number and String.Array attributes
// (Binary ones are ignored, as AWS does); body scope matches a JSON object body, with nested
// keys. Immutable after Parse: shared between the strand and delivery snapshots.
class FilterPolicy {
 public:
  // Parses `json` under `scope`. Errors are InvalidParameter with AWS's wording;
  // `subscribe_call` selects AWS's "Attributes Reason: " prefix used by Subscribe.
  static Result<std::shared_ptr<const FilterPolicy>> Parse(std::string_view json,
                                                           FilterScope scope,
                                                           bool subscribe_call);

  bool MatchesAttributes(const MessageAttributes& attributes) const;
  // False when the body is not a JSON object (AWS: payload filtering needs one).
  bool MatchesBody(std::string_view body) const;

  struct Condition;
  struct Rule {
    std::vector<std::string> path;  // nested keys (one element in attribute scope)
    std::vector<Condition> conditions;
  };
  using Branch = std::vector<Rule>;  // all rules must match

  ~FilterPolicy();
  FilterPolicy();

 private:
  std::vector<Branch> branches_;  // any branch may match ($or expanded)
};

}  // namespace nimbus::sns
