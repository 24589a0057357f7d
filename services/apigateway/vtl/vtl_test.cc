#include "services/apigateway/vtl/vtl.h"

#include <gtest/gtest.h>

#include <string>

namespace nimbus::apigateway::vtl {
namespace {

struct Case {
  const char* name;
  std::string tmpl;
  std::string expected;
};

RenderInput SampleInput() {
  RenderInput in;
  in.body = R"({"name":"Ann","age":31,"price":1.5,"ok":true,"nothing":null,)"
            R"("tags":["a","b","c"],"items":[{"id":1,"qty":2},{"id":2,"qty":5}],)"
            R"("nested":{"x":{"y":"deep"}},"quote":"it's \"q\""})";
  in.path = {{"petId", "42"}};
  in.querystring = {{"type", "dog"}, {"petId", "shadowed"}};
  in.headers = {{"Content-Type", "application/json"}, {"X-Trace", "t-1"}};
  in.context_json =
      R"({"requestId":"req-1","stage":"prod","httpMethod":"POST","resourcePath":"/pets/{petId}",)"
      R"("identity":{"sourceIp":"192.0.2.1","userAgent":"curl/8"},)"
      R"("authorizer":{"principalId":"user-1","claims":{"sub":"abc"}},"requestTimeEpoch":1700000000000})";
  in.stage_variables = {{"env", "test"}, {"queue", "inbox"}};
  return in;
}

class VtlTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(VtlTableTest, Renders) {
  const Case& c = GetParam();
  EXPECT_EQ(Render(c.tmpl, SampleInput()), c.expected) << "template: " << c.tmpl;
}

const Case kCases[] = {
    // ---- text, references, escaping ---------------------------------------------------------
    {"plain", "hello world", "hello world"},
    {"empty", "", ""},
    {"set_and_ref", "#set($a = 'x')$a", "x"},
    {"formal_ref", "#set($a = 'x')${a}y", "xy"},
    {"quiet_ref", "[$!nope]", "[]"},
    {"undefined_renders_empty_as_aws", "[$nope][$nope.foo()]", "[][]"},
    {"dollar_alone", "cost: $ 5 and $", "cost: $ 5 and $"},
    {"dollar_digit", "$5.00", "$5.00"},
    {"escaped_ref_defined", "#set($a = 'x')\\$a", "$a"},
    {"escaped_ref_undefined", "\\$nope", "\\$nope"},
    {"double_escaped_ref", "#set($a = 'x')\\\\$a", "\\x"},
    {"escaped_directive", "\\#if(true)", "#if(true)"},
    {"trailing_dot", "#set($a = 'x')$a.", "x."},
    {"hash_text", "color: #fff; #1 #", "color: #fff; #1 #"},
    {"hash_before_reference", "#set($a = 'x')test#${a} #$a", "test#x #x"},
    {"braced_directives", "#{if}(true)a#{else}b#{end}", "a"},
    {"unknown_directive_call", "#notamacro(1)", "#notamacro(1)"},
    {"line_comment", "a ## comment\nb", "a b"},
    {"block_comment", "a#* multi\nline *#b", "ab"},
    {"literal_block", "#[[ $a #if(x) ]]#", " $a #if(x) "},
    {"email_like_property_chain", "mail@$!x.com", "mail@"},
    {"email_formal", "mail@$!{x}.com", "mail@.com"},
    // ---- #set values ------------------------------------------------------------------------
    {"set_int", "#set($n = 5)$n", "5"},
    {"set_double", "#set($n = 2.50)$n", "2.5"},
    {"set_bool", "#set($b = true)$b", "true"},
    {"set_exponent", "#set($n = 1.5e3)$n|#set($m = 2E-4)$m", "1500.0|2.0E-4"},
    {"set_big_double", "#set($n = 12345678.0)$n", "1.2345678E7"},
    {"set_list", "#set($l = [1, 'two', 3.0])$l", "[1, two, 3.0]"},
    {"set_map", "#set($m = {'a': 1, \"b\": 'x'})$m", "{a=1, b=x}"},
    {"set_range", "#set($r = [1..4])$r", "[1, 2, 3, 4]"},
    {"set_range_desc", "#set($r = [3..1])$r", "[3, 2, 1]"},
    {"set_interpolated", "#set($a = 'x')#set($s = \"<$a>\")$s", "<x>"},
    {"single_quote_no_interp", "#set($a = 'x')#set($s = '<$a>')$s", "<$a>"},
    {"set_null_keeps_old", "#set($a = 'old')#set($a = $nope)$a", "old"},
    {"set_map_property", "#set($m = {})#set($m.k = 'v')$m.k", "v"},
    {"set_map_index", "#set($m = {})#set($m['k'] = 'v')$m", "{k=v}"},
    {"set_newline_gobbled", "#set($a = 1)\n$a", "1"},
    {"set_indent_kept_after_text", "x\n    #set($a = 1)\n$a", "x\n    1"},
    {"set_indent_gobbled_after_directive", "#if(true)\n    #set($a = 1)\n$a#end", "1"},
    {"set_indent_gobbled_after_reference", "#set($b = 'B')$b  #set($a = 1)$a", "B1"},
    {"set_indent_gobbled_after_comment", "x ## c\n    #set($a = 1)\n$a", "x 1"},
    {"string_doubled_quotes", "#set($s = \"say \"\"hi\"\"\")$s #set($t = 'it''s')$t",
     "say \"hi\"it's"},
    {"string_backslash_kept", "#set($s = 'a\\nb')$s", "a\\nb"},
    {"string_unicode_escape", "#set($s = \"caf\\u00e9\")$s", "caf\xc3\xa9"},
    // ---- arithmetic and logic ---------------------------------------------------------------
    {"add", "#set($x = 2 + 3 * 4)$x", "14"},
    {"parens", "#set($x = (2 + 3) * 4)$x", "20"},
    {"int_div", "#set($x = 7 / 2)$x", "3"},
    {"mod", "#set($x = 7 % 3)$x", "1"},
    {"double_math", "#set($x = 7.0 / 2)$x", "3.5"},
    {"sub_negative", "#set($x = 2 - 5)$x", "-3"},
    {"div_zero_null", "#set($x = 'keep')#set($x = 1 / 0)$x", "keep"},
    {"string_concat", "#set($x = 'a' + 1)$x", "a1"},
    {"if_true", "#if(1 < 2)yes#end", "yes"},
    {"if_else", "#if(1 > 2)yes#{else}no#end", "no"},
    {"elseif", "#set($n = 5)#if($n < 3)small#elseif($n < 10)mid#else big#end", "mid"},
    {"and_or_not", "#if(true && !false || false)ok#end", "ok"},
    {"word_ops", "#if(1 lt 2 and not false)ok#end", "ok"},
    {"eq_strings", "#set($a = 'x')#if($a == 'x')eq#end#if($a != 'y')ne#end", "eqne"},
    {"eq_mixed_tostring", "#if(1 == '1')same#end", "same"},
    {"eq_int_double", "#if(1 == 1.0)same#end", "same"},
    {"undefined_falsy", "#if($nope)yes#{else}no#end", "no"},
    {"empty_string_truthy_v17", "#if('')yes#{else}no#end", "yes"},
    {"null_compare", "#if($nope == $nope2)eq#end", "eq"},
    {"if_newlines", "#if(true)\na\n#end\nb", "a\nb"},
    {"else_newlines", "#if(false)\na\n#else\nc\n#end\nb", "c\nb"},
    // ---- #foreach ---------------------------------------------------------------------------
    {"foreach_list", "#foreach($i in [1, 2, 3])$i#end", "123"},
    {"foreach_hasnext", "#foreach($i in [1, 2, 3])$i#if($foreach.hasNext),#end#end", "1,2,3"},
    {"foreach_index_count", "#foreach($i in ['a','b'])$foreach.index:$foreach.count #end",
     "0:1 1:2 "},
    {"foreach_velocity_count", "#foreach($i in ['a','b'])$velocityCount#end", "12"},
    {"foreach_first_last", "#foreach($i in [1,2,3])#if($foreach.first)F#end#if($foreach.last)L#end#end",
     "FL"},
    {"foreach_break", "#foreach($i in [1..10])#if($i > 3)#break#end$i#end", "123"},
    {"foreach_map_values", "#set($m = {'a': 1, 'b': 2})#foreach($v in $m)$v#end", "12"},
    {"foreach_keyset", "#set($m = {'a': 1, 'b': 2})#foreach($k in $m.keySet())$k=$m.get($k);#end",
     "a=1;b=2;"},
    {"foreach_entryset", "#set($m = {'a': 1})#foreach($e in $m.entrySet())$e.key->$e.value#end",
     "a->1"},
    {"foreach_null", "#foreach($i in $nope)x#end", ""},
    {"foreach_restores_var", "#set($i = 'orig')#foreach($i in [1])#end$i", "orig"},
    {"foreach_nested_parent",
     "#foreach($a in [1,2])#foreach($b in [1])$foreach.parent.index#end#end", "01"},
    {"stop", "a#stop b", "a"},
    // ---- #define / #macro -------------------------------------------------------------------
    {"define", "#define($blk)<$x>#end#set($x = 1)$blk#set($x = 2)$blk", "<1><2>"},
    {"macro", "#macro(greet $who)Hi $who!#end#greet('Bob')", "Hi Bob!"},
    {"macro_two_args", "#macro(pair $a, $b)$a-$b#end#pair(1 2)#pair(3, 4)", "1-23-4"},
    {"macro_defined_later", "#later()#macro(later)L#end", "L"},
    // ---- strings ----------------------------------------------------------------------------
    {"str_length", "#set($s = 'hello')$s.length()", "5"},
    {"str_substring", "#set($s = 'hello')$s.substring(1, 3)|$s.substring(2)", "el|llo"},
    {"str_case", "#set($s = 'MiXed')$s.toLowerCase() $s.toUpperCase()", "mixed MIXED"},
    {"str_case_non_ascii", "#set($s = 'José ÉTÉ Мир Łódź')$s.toLowerCase()|$s.toUpperCase()",
     "josé été мир łódź|JOSÉ ÉTÉ МИР ŁÓDŹ"},
    {"str_contains", "#set($s = 'hello')$s.contains('ell') $s.startsWith('he') $s.endsWith('x')",
     "true true false"},
    {"str_indexof", "#set($s = 'a,b,c')$s.indexOf(',') $s.lastIndexOf(',') $s.indexOf('z')",
     "1 3 -1"},
    {"str_replace", "#set($s = 'a.b.c')$s.replace('.', '/')", "a/b/c"},
    {"str_replaceall_regex", "#set($s = 'a1b22c')$s.replaceAll('[0-9]+', '#')", "a#b#c"},
    {"str_replaceall_group", "#set($s = 'john smith')$s.replaceAll('(\\w+) (\\w+)', '$2, $1')",
     "smith, john"},
    {"str_replaceall_quote_fix", "#set($s = \"it\\'s\")$s.replaceAll(\"\\\\'\", \"'\")", "it's"},
    {"str_replacefirst", "#set($s = 'aaa')$s.replaceFirst('a', 'b')", "baa"},
    {"str_split", "#set($s = 'a,b,,c,,')#set($p = $s.split(','))$p.size() $p.get(3) $p",
     "4 c [a, b, , c]"},
    {"str_split_foreach", "#set($s = 'x y z')#foreach($x in $s.split(' '))[$x]#end", "[x][y][z]"},
    {"str_split_regex_limit", "#set($s = 'a1b22c')$s.split('[0-9]+') $s.split('[0-9]', 2)",
     "[a, b, c] [a, b22c]"},
    {"str_trim", "#set($s = '  pad  ')[$s.trim()]", "[pad]"},
    {"str_equals", "#set($s = 'A')$s.equals('A') $s.equalsIgnoreCase('a')", "true true"},
    {"str_matches", "#set($s = 'abc123')$s.matches('[a-z]+[0-9]+') $s.matches('[a-z]+')",
     "true false"},
    {"str_charat", "'hey'.charAt(1)", "'hey'.charAt(1)"},
    {"str_charat_ref", "#set($s = 'hey')$s.charAt(1)", "e"},
    {"str_empty_property", "#set($s = '')$s.empty", "true"},
    {"str_concat", "#set($s = 'a')$s.concat('b')", "ab"},
    {"str_unicode_length", "#set($s = 'h\xc3\xa9llo')$s.length() $s.substring(1, 2)",
     "5 \xc3\xa9"},
    {"string_tostring", "#set($n = 42)$n.toString()", "42"},
    {"parse_int", "#set($n = 0)#set($m = $n.parseInt('41') + 1)$m", "42"},
    // ---- lists and maps ---------------------------------------------------------------------
    {"list_methods", "#set($l = [1, 2])$l.size() $l.get(0) $l.isEmpty() $l.contains(2)",
     "2 1 false true"},
    {"list_add", "#set($l = [])#set($d = $l.add('x'))$l.add('y')$l", "true[x, y]"},
    {"list_index", "#set($l = ['a', 'b', 'c'])$l[0]$l[2]$l[-1]", "acc"},
    {"list_size_property_undefined", "#set($l = [1])[$l.size]", "[]"},
    {"map_methods",
     "#set($m = {'k': 'v'})$m.get('k') $m.containsKey('k') $m.size() $m.keySet() $m.values()",
     "v true 1 [k] [v]"},
    {"map_put_returns_previous", "#set($m = {'k': 1})$m.put('k', 2)|$m.put('n', 3)|$m",
     "1||{k=2, n=3}"},
    {"map_index_string", "#set($m = {'k': 'v'})$m[\"k\"]", "v"},
    {"map_remove", "#set($m = {'a': 1, 'b': 2})$m.remove('a')$m", "1{b=2}"},
    {"aliasing", "#set($a = [])#set($b = $a)#set($d = $b.add(1))$a", "[1]"},
    // ---- $input -----------------------------------------------------------------------------
    {"input_body", "$input.body", SampleInput().body},
    {"input_json_root", "$input.json('$.nested')", R"({"x":{"y":"deep"}})"},
    {"input_json_string_quoted", "$input.json('$.name')", "\"Ann\""},
    {"input_json_number", "$input.json('$.age') $input.json('$.price')", "31 1.5"},
    {"input_json_bool_null", "$input.json('$.ok') $input.json('$.nothing')", "true null"},
    {"input_json_array_index", "$input.json('$.items[1]')", R"({"id":2,"qty":5})"},
    {"input_json_wildcard", "$input.json('$.items[*].id')", "[1,2]"},
    {"input_json_deep_scan", "$input.json('$..y')", "[\"deep\"]"},
    {"input_json_bracket_name", "$input.json(\"$['nested']['x']\")", R"({"y":"deep"})"},
    {"input_json_missing", "[$input.json('$.missing')]", "[]"},
    {"input_json_escapes", "$input.json('$.quote')", R"("it's \"q\"")"},
    {"input_json_no_dollar", "$input.json('name')", "\"Ann\""},
    {"input_json_filter", "$input.json('$.items[?(@.qty > 2)]')", R"([{"id":2,"qty":5}])"},
    {"input_json_filter_string", "$input.json(\"$.items[?(@.id == 1 || @.id == 9)].qty\")",
     "[2]"},
    {"input_json_filter_exists", "$input.path('$.items[?(@.qty)]').size()", "2"},
    {"input_json_slice", "$input.json('$.tags[1:]') $input.json('$.tags[-1]')",
     R"(["b","c"] "c")"},
    {"input_json_union", "$input.json(\"$['name','age']\")", R"(["Ann",31])"},
    {"input_path_string", "$input.path('$.name')", "Ann"},
    {"input_path_property", "$input.path('$').nested.x.y", "deep"},
    {"input_path_size", "$input.path('$.items').size()", "2"},
    {"input_path_foreach",
     "#foreach($it in $input.path('$.items'))$it.id x $it.qty#if($foreach.hasNext); #end#end",
     "1 x 2; 2 x 5"},
    {"input_path_object_renders_java_map", "$input.path('$.items[0]')", "{id=1, qty=2}"},
    {"input_path_list_renders_json", "$input.path('$.tags')", R"(["a","b","c"])"},
    {"input_path_map_with_list", "#set($r = $input.path('$'))$r.tags.get(1) $r.age",
     "b 31"},
    {"input_path_missing_empty", "[$input.path('$').missing]", "[]"},
    {"input_path_math", "#set($t = $input.path('$.items[0].qty') * 10)$t", "20"},
    {"input_params_name", "$input.params('petId') $input.params('type') $input.params('x-trace')",
     "42 dog t-1"},
    {"input_params_absent", "[$input.params('absent')]", "[]"},
    {"input_params_maps",
     "$input.params().path.petId $input.params().querystring.get('type') "
     "$input.params().header.get('content-type')",
     "42 dog application/json"},
    {"input_params_keys", "#foreach($t in $input.params().keySet())$t #end",
     "path querystring header "},
    // ---- $util ------------------------------------------------------------------------------
    {"util_escape_js_quotes", "$util.escapeJavaScript($input.path('$.quote'))",
     "it\\'s \\\"q\\\""},
    {"util_escape_js_slashes", "$util.escapeJavaScript('a\\b/c')", "a\\\\b\\/c"},
    {"util_escape_js_quote_fix",
     "$util.escapeJavaScript($input.path('$.quote')).replaceAll(\"\\\\'\", \"'\")",
     "it's \\\"q\\\""},
    {"util_url_encode", "$util.urlEncode('a b&c=d/é*~')", "a+b%26c%3Dd%2F%C3%A9*%7E"},
    {"util_escape_js_unicode_and_controls", "$util.escapeJavaScript(\"caf\xc3\xa9\t\x01\")",
     "caf\\u00E9\\t\\u0001"},
    {"util_url_decode", "$util.urlDecode('a+b%26c%3Dd')", "a b&c=d"},
    {"util_base64", "$util.base64Encode('hello') $util.base64Decode('aGVsbG8=')",
     "aGVsbG8= hello"},
    {"util_parse_json",
     "#set($o = $util.parseJson('{\"a\":{\"b\":[1,2]}}'))$o.a.b.get(1) $o.a.b.size() $o.a",
     "2 2 {b=[1,2]}"},
    {"util_parse_json_body", "#set($o = $util.parseJson($input.body))$o.name", "Ann"},
    {"util_to_json", "#set($m = {'a': [1, 'x'], 'b': true})$util.toJson($m)",
     R"({"a":[1,"x"],"b":true})"},
    {"util_null_arg", "[$util.escapeJavaScript($nope)]", "[]"},
    // ---- $context / $stageVariables ---------------------------------------------------------
    {"context_simple", "$context.requestId $context.stage $context.httpMethod", "req-1 prod POST"},
    {"context_nested", "$context.identity.sourceIp $context.authorizer.claims.sub",
     "192.0.2.1 abc"},
    {"context_number", "$context.requestTimeEpoch", "1700000000000"},
    {"context_missing", "[$context.identity.caller]", "[]"},
    {"stage_vars", "$stageVariables.env/$stageVariables.queue", "test/inbox"},
    {"stage_vars_keyset", "#foreach($k in $stageVariables.keySet())$k#end", "envqueue"},
};

INSTANTIATE_TEST_SUITE_P(Table, VtlTableTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace nimbus::apigateway::vtl
