#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "services/common/aws_error.h"

namespace nimbus::logs {

// A CloudWatch Logs filter pattern (FilterLogEvents' filterPattern), parsed once and matched
// against many messages. Three forms, as AWS documents them:
//  - terms: `ERROR`, `"quoted phrase"`; every plain term must occur (case-sensitive substring);
//    `?a ?b` needs at least one of the `?` terms; `-term` / `-"phrase"` must not occur.
//    (`%regex%` terms are refused: see filter_pattern.cc.)
//  - JSON: `{ $.level = "ERROR" && ($.latency > 50 || $.user.id != 7) }`: selectors `$.a.b[0]`;
//    `=` `!=` on strings (with `*` wildcards) and numbers, `<` `>` `<=` `>=`; `IS TRUE`,
//    `IS FALSE`, `IS NULL`, `EXISTS`, `NOT EXISTS`; `&&`, `||`, parentheses. A message that is
//    not a JSON object never matches.
//  - space-delimited: `[ip, user, ..., status = 4*, bytes > 1000]`: the message split on spaces
//    (with "..." and [...] kept whole), `...` for any number of fields, conditions per field.
// An empty (or all-blank) pattern matches everything. Parse errors are
// InvalidParameterException, as AWS answers them.
class FilterPattern {
 public:
  static Result<FilterPattern> Parse(std::string_view text);

  bool Matches(std::string_view message) const;
  // Matches() that also fills `extracted` with the fields a space-delimited pattern names
  // ("$status" → "404"), as TestMetricFilter reports them.
  using Extracted = std::map<std::string, std::string>;
  bool Matches(std::string_view message, Extracted* extracted) const;
  bool MatchesEverything() const { return node_ == nullptr; }

  struct Node;

 private:
  std::shared_ptr<const Node> node_;
};

}  // namespace nimbus::logs
