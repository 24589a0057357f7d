#pragma once

// A java.util.regex subset on a Pike VM: linear time in the subject, no recursion over the
// subject, so an untrusted pattern can neither hang nor overflow the stack (std::regex does both).
// Supported: literals and escapes (\t \n \r \f \e \xhh \uhhhh \Q..\E), '.', classes [a-z] [^...]
// with \d \w \s \D \W \S inside or outside, anchors ^ $ \A \z \Z \b \B, groups (...) (?:...)
// (?<name>...), alternation, greedy / lazy / possessive (treated as greedy) quantifiers
// * + ? {n} {n,} {n,m}, and leading inline flags (?i) (?s) (?m).
// Not supported (TemplateError): backreferences, lookaround, \p{...} classes.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::apigateway::vtl {

struct RegexProgram;

class JavaRegex {
 public:
  // Throws TemplateError on an invalid or unsupported pattern.
  explicit JavaRegex(std::string_view pattern);
  ~JavaRegex();
  JavaRegex(JavaRegex&&) noexcept;

  // String.replaceAll / replaceFirst with Java replacement syntax ($n, \x).
  std::string Replace(std::string_view subject, std::string_view replacement, bool all) const;
  // String.matches: the whole subject must match.
  bool Matches(std::string_view subject) const;
  // String.split(regex, limit).
  std::vector<std::string> Split(std::string_view subject, int64_t limit) const;

 private:
  std::unique_ptr<RegexProgram> program_;
};

}  // namespace nimbus::apigateway::vtl
