// Random templates assembled from VTL fragments: rendering must either succeed or throw
// TemplateError, never crash, hang or throw anything else.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "services/apigateway/vtl/java_regex.h"
#include "services/apigateway/vtl/json.h"
#include "services/apigateway/vtl/jsonpath.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {
namespace {

constexpr const char* kFragments[] = {
    "#set($a = ", "#set($l = [1, 'x', $a])", "#set($m = {'k': $a})", "#if(", "#elseif(",
    "#else", "#end", "#foreach($i in ", "$foreach.hasNext", "#break", "#stop", "#define($d)",
    "$d", "#macro(mm $p)", "#mm(", "$a", "$!a", "${a}", "\\$a", "$a.length()", "$l.get(0)",
    "$m.k", "$l[1]", "$m['k']", "$input.json('$')", "$input.path('$.a')", "$input.params('x')",
    "$input.params().header", "$util.escapeJavaScript(", "$util.parseJson(", "$util.urlEncode(",
    "$context.identity.sourceIp", "$stageVariables.s", "'str'", "\"in $a terp\"", "1", "2.5",
    "-3", "[1..3]", "[]", "{}", "true", "false", "(", ")", ",", " + ", " - ", " * ", " / ",
    " % ", " == ", " != ", " < ", " && ", " || ", "!", " and ", "not ", "\n", " ", "text",
    "##c\n", "#*c*#", "#[[lit]]#", "#", "$", "\\", "\"", "'", "]", "}", "{", "[",
    "$a.replaceAll('[a-z]+', 'x')", "$a.split(',')", "$a.substring(1)", "$l.add($l)",
    "$m.put('self', $m)", "$input.json('$..a')", "$input.path('$.b[*]')",
};

TEST(VtlFuzz, RandomTemplatesNeverCrash) {
  std::mt19937 rng(12345);
  RenderInput in;
  in.body = R"({"a":"v,w","b":[{"c":1},{"c":2}],"n":3})";
  in.querystring = {{"x", "q"}};
  in.headers = {{"H", "1"}};
  in.context_json = R"({"identity":{"sourceIp":"1.2.3.4"}})";
  in.stage_variables = {{"s", "t"}};
  Limits limits;
  limits.max_steps = 20'000;
  limits.max_output_bytes = 100'000;
  constexpr size_t kCount = sizeof(kFragments) / sizeof(kFragments[0]);
  int rendered = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string tmpl;
    int pieces = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < pieces; ++i) {
      tmpl += kFragments[rng() % kCount];
    }
    try {
      CompiledTemplate t = CompiledTemplate::Compile(tmpl, limits);
      t.Render(in);
      ++rendered;
    } catch (const TemplateError&) {
      // Malformed or over a limit: fine.
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected exception " << e.what() << " for template: " << tmpl;
    }
  }
  EXPECT_GT(rendered, 500);  // the generator must produce plenty of valid templates too
}

std::string RandomString(std::mt19937& rng, std::string_view alphabet, size_t max_len) {
  std::string s;
  size_t len = rng() % (max_len + 1);
  for (size_t i = 0; i < len; ++i) {
    s += alphabet[rng() % alphabet.size()];
  }
  return s;
}

TEST(VtlFuzz, RandomJsonPathsAndBodiesNeverCrash) {
  std::mt19937 rng(777);
  std::string error;
  Value root = *ParseJson(R"({"a":[1,{"b":"x"},[2,3]],"c":{"d":{"e":null}},"f":"g"})", error);
  for (int round = 0; round < 20000; ++round) {
    std::string path = "$";
    path += RandomString(rng, ".[]*'\"?()@=<>!&|,:-0123abcdef ", 16);
    try {
      EvaluateJsonPath(path, root);
    } catch (const TemplateError&) {
    }
    std::string json = RandomString(rng, "{}[]\",:\\ 0123456789.eE-+truefalsn\"u", 24);
    std::optional<Value> v = ParseJson(json, error);
    if (v) {
      ToJson(*v);
      ToJavaString(*v);
    }
  }
}

TEST(VtlFuzz, RandomRegexesNeverCrash) {
  std::mt19937 rng(99);
  int compiled = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string pattern = RandomString(rng, "ab.*+?|()[]{}^$\\dws,0123-:=!<>", 12);
    std::string subject = RandomString(rng, "ab01 -\n", 40);
    try {
      JavaRegex re(pattern);
      ++compiled;
      re.Replace(subject, "x", true);
      re.Matches(subject);
      re.Split(subject, 0);
      re.Split(subject, 3);
    } catch (const TemplateError&) {
    }
  }
  EXPECT_GT(compiled, 1000);
}

}  // namespace
}  // namespace nimbus::apigateway::vtl
