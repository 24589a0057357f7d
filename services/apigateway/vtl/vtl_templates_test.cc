// Real-world mapping templates (AWS docs, the API Gateway console, common blog/serverless
// templates), plus the engine's limits and error behaviour.

#include <gtest/gtest.h>

#include <string>

#include "services/apigateway/vtl/json.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {
namespace {

RenderInput Request() {
  RenderInput in;
  in.body = R"({"message":"hello world & more","count":2})";
  in.path = {{"petId", "7"}};
  in.querystring = {{"q", "it's"}};
  in.headers = {{"Accept", "application/json"}, {"X-Custom", "a\"b"}};
  in.context_json =
      R"({"requestId":"r-1","apiId":"abc123","stage":"dev","httpMethod":"POST",)"
      R"("resourceId":"res9","resourcePath":"/pets/{petId}",)"
      R"("identity":{"sourceIp":"127.0.0.1","userAgent":"ua/1","accountId":"000000000000"},)"
      R"("authorizer":{"principalId":"p-1"}})";
  in.stage_variables = {{"alias", "live"}};
  return in;
}

Value MustParse(const std::string& json) {
  std::string error;
  std::optional<Value> v = ParseJson(json, error);
  EXPECT_TRUE(v.has_value()) << error << "\n" << json;
  return v ? *v : Value();
}

const Value& Get(const Value& v, const std::string& key) {
  static const Value kNull;
  if (!v.IsMap()) {
    return kNull;
  }
  const Value* found = v.AsMap()->Find(key);
  return found ? *found : kNull;
}

TEST(VtlAwsTemplates, SqsSendMessageTemplate) {
  // AWS docs / wire notes 7.5: the queue-path SQS integration.
  EXPECT_EQ(Render("Action=SendMessage&MessageBody=$util.urlEncode($input.body)", Request()),
            "Action=SendMessage&MessageBody=%7B%22message%22%3A%22hello+world+%26+more%22%2C%22"
            "count%22%3A2%7D");
  EXPECT_EQ(Render("Action=SendMessage&MessageBody=$input.body", Request()),
            "Action=SendMessage&MessageBody=" + Request().body);
}

TEST(VtlAwsTemplates, EmptyBodyReadsAsEmptyObject) {
  // AWS: with no payload, $input.body is "{}" (LocalStack PR 12413, AWS-validated).
  RenderInput in;
  EXPECT_EQ(Render("Action=SendMessage&MessageBody=$util.urlEncode($input.body)", in),
            "Action=SendMessage&MessageBody=%7B%7D");
  EXPECT_EQ(Render("$input.json('$')", in), "{}");
}

TEST(VtlAwsTemplates, SqsMessageAttributesTemplate) {
  std::string tmpl =
      "Action=SendMessage&MessageBody=$util.urlEncode($input.json('$.message'))"
      "&MessageAttribute.1.Name=stage&MessageAttribute.1.Value.StringValue=$context.stage"
      "&MessageAttribute.1.Value.DataType=String";
  EXPECT_EQ(Render(tmpl, Request()),
            "Action=SendMessage&MessageBody=%22hello+world+%26+more%22"
            "&MessageAttribute.1.Name=stage&MessageAttribute.1.Value.StringValue=dev"
            "&MessageAttribute.1.Value.DataType=String");
}

// The "Method Request passthrough" template the API Gateway console generates.
constexpr const char* kPassthrough = R"VTL(##  See http://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
##  This template will pass through all parameters including path, querystring, header, stage variables, and context through to the integration endpoint via the body/payload
#set($allParams = $input.params())
{
"body-json" : $input.json('$'),
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
},
"stage-variables" : {
#foreach($key in $stageVariables.keySet())
"$key" : "$util.escapeJavaScript($stageVariables.get($key))"
    #if($foreach.hasNext),#end
#end
},
"context" : {
    "account-id" : "$context.identity.accountId",
    "api-id" : "$context.apiId",
    "api-key" : "$context.identity.apiKey",
    "authorizer-principal-id" : "$context.authorizer.principalId",
    "caller" : "$context.identity.caller",
    "cognito-authentication-provider" : "$context.identity.cognitoAuthenticationProvider",
    "cognito-authentication-type" : "$context.identity.cognitoAuthenticationType",
    "cognito-identity-id" : "$context.identity.cognitoIdentityId",
    "cognito-identity-pool-id" : "$context.identity.cognitoIdentityPoolId",
    "http-method" : "$context.httpMethod",
    "stage" : "$context.stage",
    "source-ip" : "$context.identity.sourceIp",
    "user" : "$context.identity.user",
    "user-agent" : "$context.identity.userAgent",
    "user-arn" : "$context.identity.userArn",
    "request-id" : "$context.requestId",
    "resource-id" : "$context.resourceId",
    "resource-path" : "$context.resourcePath"
    }
}
)VTL";

TEST(VtlAwsTemplates, ConsolePassthroughTemplateBuildsValidJson) {
  RenderInput in = Request();
  in.querystring = {{"q", "plain"}};
  std::string out = Render(kPassthrough, in);
  Value doc = MustParse(out);
  EXPECT_EQ(ToJson(Get(doc, "body-json")), R"({"message":"hello world & more","count":2})");
  const Value& params = Get(doc, "params");
  EXPECT_EQ(ToJson(Get(params, "path")), R"({"petId":"7"})");
  EXPECT_NE(out.find(R"("X-Custom" : "a\"b")"), std::string::npos) << out;
  EXPECT_EQ(ToJson(Get(doc, "stage-variables")), R"({"alias":"live"})");
  const Value& context = Get(doc, "context");
  EXPECT_EQ(ToJson(Get(context, "account-id")), "\"000000000000\"");
  EXPECT_EQ(ToJson(Get(context, "api-key")), "\"\"");
  EXPECT_EQ(ToJson(Get(context, "resource-path")), "\"/pets/{petId}\"");
  EXPECT_EQ(ToJson(Get(context, "request-id")), "\"r-1\"");
  // Directive-only lines leave no "#" or "$" behind.
  EXPECT_EQ(out.find('#'), std::string::npos) << out;
}

TEST(VtlAwsTemplates, PassthroughEscapesSingleQuotesAsAwsDocuments) {
  // AWS: escapeJavaScript turns ' into \', which strict JSON parsers reject; the docs suggest
  // .replaceAll("\\'","'").
  std::string out = Render(kPassthrough, Request());
  EXPECT_NE(out.find(R"("q" : "it\'s")"), std::string::npos) << out;
  std::string error;
  EXPECT_FALSE(ParseJson(out, error).has_value());
}

TEST(VtlAwsTemplates, PassthroughWithoutQuoteInQueryIsStrictJson) {
  RenderInput in = Request();
  in.querystring = {{"q", "plain"}, {"page", "2"}};
  Value doc = MustParse(Render(kPassthrough, in));
  EXPECT_EQ(ToJson(Get(Get(doc, "params"), "querystring")), R"({"page":"2","q":"plain"})");
  EXPECT_EQ(ToJson(Get(Get(doc, "params"), "header")),
            R"({"Accept":"application/json","X-Custom":"a\"b"})");
}

TEST(VtlAwsTemplates, ResponseTemplateWithForeachHasNext) {
  // AWS docs (PetStore) style response template.
  RenderInput in;
  in.body = R"([{"id":1,"type":"dog","price":249.99},{"id":2,"type":"cat","price":124.99},)"
            R"({"id":3,"type":"fish","price":0.99}])";
  std::string tmpl = R"(#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "description" : "Item $elem.id is a $elem.type.",
    "askingPrice" : $elem.price
  }#if($foreach.hasNext),#end

#end
]
)";
  std::string out = Render(tmpl, in);
  EXPECT_EQ(out,
            "[\n"
            "  {\n    \"description\" : \"Item 1 is a dog.\",\n    \"askingPrice\" : 249.99\n  },\n"
            "  {\n    \"description\" : \"Item 2 is a cat.\",\n    \"askingPrice\" : 124.99\n  },\n"
            "  {\n    \"description\" : \"Item 3 is a fish.\",\n    \"askingPrice\" : 0.99\n  }\n"
            "]\n");
  Value doc = MustParse(out);
  ASSERT_TRUE(doc.IsList());
  EXPECT_EQ(doc.AsList()->items.size(), 3u);
}

TEST(VtlAwsTemplates, PhotosResponseTemplateFromAwsDocs) {
  // AWS developer guide, "Photos" mapping template example (output model mapping).
  RenderInput in;
  in.body = R"({"photos":{"page":1,"pages":"1234","perpage":100,"total":"123398",)"
            R"("photo":[{"id":"12345678901","owner":"23456789@A12","photographer_first_name":)"
            R"("Saanvi","photographer_last_name":"Sarkar","title":"Sample photo 1","ispublic":true,)"
            R"("isfriend":false,"isfamily":false},{"id":"23456789012","owner":"34567890@B23",)"
            R"("photographer_first_name":"Richard","photographer_last_name":"Roe","title":)"
            R"("Sample photo 2","ispublic":true,"isfriend":false,"isfamily":false}]}})";
  std::string tmpl = "#set($inputRoot = $input.path('$'))\n"
                     "{\n"
                     "  \"photos\": {\n"
                     "    \"page\": $inputRoot.photos.page,\n"
                     "    \"pages\": \"$inputRoot.photos.pages\",\n"
                     "    \"perpage\": $inputRoot.photos.perpage,\n"
                     "    \"total\": \"$inputRoot.photos.total\",\n"
                     "    \"photo\": [\n"
                     "#foreach($elem in $inputRoot.photos.photo)\n"
                     "      {\n"
                     "        \"id\": \"$elem.id\",\n"
                     "        \"owner\": \"$elem.owner\",\n"
                     "        \"photographer_first_name\": \"$elem.photographer_first_name\",\n"
                     "        \"photographer_last_name\": \"$elem.photographer_last_name\",\n"
                     "        \"title\": \"$elem.title\",\n"
                     "        \"ispublic\": $elem.ispublic,\n"
                     "        \"isfriend\": $elem.isfriend,\n"
                     "        \"isfamily\": $elem.isfamily\n"
                     "      }#if($foreach.hasNext),#end\n"
                     "\t\t \n"
                     "#end\n"
                     "    ]\n"
                     "  }\n"
                     "}\n";
  Value doc = MustParse(Render(tmpl, in));
  EXPECT_EQ(ToJson(doc),
            R"({"photos":{"page":1,"pages":"1234","perpage":100,"total":"123398","photo":[)"
            R"({"id":"12345678901","owner":"23456789@A12","photographer_first_name":"Saanvi",)"
            R"("photographer_last_name":"Sarkar","title":"Sample photo 1","ispublic":true,)"
            R"("isfriend":false,"isfamily":false},{"id":"23456789012","owner":"34567890@B23",)"
            R"("photographer_first_name":"Richard","photographer_last_name":"Roe",)"
            R"("title":"Sample photo 2","ispublic":true,"isfriend":false,"isfamily":false}]}})");
}

TEST(VtlAwsTemplates, LambdaNonProxyRequestTemplate) {
  std::string tmpl = R"VTL({
  "name" : "$input.params('petId')",
  "body" : $input.json('$'),
  "message": "$util.escapeJavaScript($input.path('$.message'))",
  "stage": "$stageVariables.alias"
})VTL";
  Value doc = MustParse(Render(tmpl, Request()));
  EXPECT_EQ(ToJson(doc),
            R"({"name":"7","body":{"message":"hello world & more","count":2},)"
            R"("message":"hello world & more","stage":"live"})");
}

TEST(VtlAwsTemplates, ResponseOverrides) {
  std::string tmpl = R"VTL(#set($context.responseOverride.status = 201)
#set($context.responseOverride.header.Location = "/pets/$input.path('$.count')")
#set($context.requestOverride.header.X-Extra = 'yes')
#set($context.requestOverride.querystring.page = 3)
done)VTL";
  RenderOverrides overrides;
  EXPECT_EQ(Render(tmpl, Request(), overrides), "done");
  EXPECT_EQ(overrides.status, 201);
  EXPECT_EQ(overrides.response_headers["Location"], "/pets/2");
  EXPECT_EQ(overrides.request_headers["X-Extra"], "yes");
  EXPECT_EQ(overrides.request_querystring["page"], "3");
}

TEST(VtlAwsTemplates, CheckForOptionalFieldIdiom) {
  // sookocheff.com "Checking for null in an API Gateway transform".
  std::string tmpl = R"(#set($inputRoot = $input.path('$'))
#set($nextUrl = $inputRoot.next_url)
{
    #if("$!nextUrl" != "")
    "next_url": "$nextUrl"
    #end
})";
  RenderInput with;
  with.body = R"({"next_url":"https://x/2"})";
  RenderInput without;
  without.body = R"({"other":1})";
  EXPECT_EQ(ToJson(MustParse(Render(tmpl, with))), R"({"next_url":"https://x/2"})");
  EXPECT_EQ(ToJson(MustParse(Render(tmpl, without))), "{}");
}

TEST(VtlAwsTemplates, DynamoDbStyleTemplate) {
  std::string tmpl = R"VTL({
    "TableName": "pets",
    "Item": {
        "id": {"S": "$context.requestId"},
        "message": {"S": "$util.escapeJavaScript($input.path('$.message'))"},
        "count": {"N": "$input.path('$.count')"}
    }
})VTL";
  Value doc = MustParse(Render(tmpl, Request()));
  EXPECT_EQ(ToJson(Get(doc, "Item")),
            R"({"id":{"S":"r-1"},"message":{"S":"hello world & more"},"count":{"N":"2"}})");
}

TEST(VtlAwsTemplates, SqsReceiveResponseTemplate) {
  // Response template over SQS's JSON-wrapped query response (wire notes 7.5).
  RenderInput in;
  in.body = R"({"SendMessageResponse":{"SendMessageResult":{"MessageId":"m-1",)"
            R"("MD5OfMessageBody":"abc"},"ResponseMetadata":{"RequestId":"q-1"}}})";
  EXPECT_EQ(Render(R"VTL({"id":"$input.path('$.SendMessageResponse.SendMessageResult.MessageId')"})VTL",
                   in),
            R"({"id":"m-1"})");
}

TEST(VtlAwsTemplates, InvalidJsonBodyWithJsonAccess) {
  RenderInput in;
  in.body = "{not json";
  // $input.body alone never parses.
  EXPECT_EQ(Render("$input.body", in), "{not json");
  try {
    Render("$input.json('$')", in);
    FAIL() << "expected InvalidJsonBody";
  } catch (const InvalidJsonBody& e) {
    EXPECT_EQ(std::string(e.what()).rfind("Could not parse request body into json: ", 0), 0u)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("was expecting double-quote to start field name"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(Render("$input.path('$.a')", in), InvalidJsonBody);
}

TEST(VtlAwsTemplates, XmlBodyPassesThroughBody) {
  RenderInput in;
  in.body = "<a>1</a>";
  EXPECT_EQ(Render("<wrap>$input.body</wrap>", in), "<wrap><a>1</a></wrap>");
}

TEST(VtlWhitespace, DirectiveLinesFollowVelocity17) {
  RenderInput in;
  EXPECT_EQ(Render("#foreach($i in [1,2])\n$i\n#end\n", in), "1\n2\n");
  EXPECT_EQ(Render("a\n#if(true)\nb\n#end\nc\n", in), "a\nb\nc\n");
  EXPECT_EQ(Render("  #set($x = 1)\n  $x\n", in), "  1\n");
  // Indentation before #if/#end stays (Velocity 1.7 only strips it before #set).
  EXPECT_EQ(Render("#if(true)\n  x\n  #end\n", in), "  x\n  ");
  EXPECT_EQ(Render("#if(true)  \r\nx#end", in), "x");
}

TEST(VtlLiteralMode, VelocityRendersUndefinedReferencesAsWritten) {
  Limits limits;
  limits.render_null_literally = true;
  CompiledTemplate t = CompiledTemplate::Compile("$nope $!nope ${nope} $a.b('x') $!{q}", limits);
  EXPECT_EQ(t.Render(RenderInput{}), "$nope  ${nope} $a.b('x') ");
}

TEST(VtlCompiled, ParseOnceRenderMany) {
  CompiledTemplate t = CompiledTemplate::Compile("#set($n = $input.path('$.n') + 1)$n");
  for (int i = 0; i < 5; ++i) {
    RenderInput in;
    in.body = "{\"n\":" + std::to_string(i) + "}";
    EXPECT_EQ(t.Render(in), std::to_string(i + 1));
  }
}

// ---- malformed templates ----------------------------------------------------------------------

TEST(VtlErrors, MalformedTemplatesThrowTemplateError) {
  RenderInput in;
  for (const char* bad : {"#if(true)never closed", "#end", "#else", "#foreach($x [1])#end",
                          "#set($x 1)", "#set(x = 1)", "#if(1 +)#end", "#* unterminated",
                          "#[[ unterminated", "#foreach($i in [1,2)#end", "#set($m = {'a' 1})",
                          "#macro()#end", "$a.b(", "#define(x)#end", "#if(true)#else#else#end",
                          "#set($s = \"unterminated)"}) {
    EXPECT_THROW(Render(bad, in), TemplateError) << bad;
  }
}

TEST(VtlErrors, ErrorMessageNamesThePosition) {
  try {
    Render("line1\n#if(true)\nx", RenderInput{});
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
}

TEST(VtlErrors, JavaExceptionsFailTheRender) {
  RenderInput in;
  EXPECT_THROW(Render("#set($s = 'abc')$s.substring(5)", in), TemplateError);
  EXPECT_THROW(Render("#set($l = [])$l.get(0)", in), TemplateError);
  EXPECT_THROW(Render("$util.parseJson('{bad')", in), TemplateError);
  EXPECT_THROW(Render("$util.urlDecode('%zz')", in), TemplateError);
}

// ---- limits: untrusted templates never crash or hang ------------------------------------------

TEST(VtlLimits, InfiniteRecursionIsBounded) {
  EXPECT_THROW(Render("#macro(r)#r()#end#r()", RenderInput{}), TemplateError);
  EXPECT_THROW(Render("#define($d)$d#end$d", RenderInput{}), TemplateError);
}

TEST(VtlLimits, DeepRecursionThroughNestedBlocksIsBounded) {
  std::string body;
  for (int i = 0; i < 150; ++i) {
    body += "#if(true)";
  }
  body += "#r()";
  for (int i = 0; i < 150; ++i) {
    body += "#end";
  }
  EXPECT_THROW(Render("#macro(r)" + body + "#end#r()", RenderInput{}), TemplateError);
}

TEST(VtlLimits, HugeLoopsAreBounded) {
  EXPECT_THROW(Render("#foreach($i in [1..100000000])#end", RenderInput{}), TemplateError);
  EXPECT_THROW(Render("#foreach($i in [1..50000])#foreach($j in [1..50000])#end#end",
                      RenderInput{}),
               TemplateError);
}

TEST(VtlLimits, GrowingListsAreBounded) {
  EXPECT_THROW(
      Render("#set($l = [1])#foreach($i in [1..64])#set($d = $l.addAll($l))#end", RenderInput{}),
      TemplateError);
}

TEST(VtlLimits, OutputSizeIsBounded) {
  Limits limits;
  limits.max_output_bytes = 1000;
  CompiledTemplate t =
      CompiledTemplate::Compile("#foreach($i in [1..1000])0123456789#end", limits);
  EXPECT_THROW(t.Render(RenderInput{}), TemplateError);
  EXPECT_THROW(Render("#set($s = 'ab')#foreach($i in [1..40])#set($s = \"$s$s\")#end",
                      RenderInput{}),
               TemplateError);
}

TEST(VtlLimits, DeepNestingIsRejected) {
  std::string deep_parens = "#set($x = " + std::string(5000, '(') + "1" +
                            std::string(5000, ')') + ")";
  EXPECT_THROW(Render(deep_parens, RenderInput{}), TemplateError);
  std::string deep_ifs;
  for (int i = 0; i < 5000; ++i) {
    deep_ifs += "#if(true)";
  }
  EXPECT_THROW(Render(deep_ifs, RenderInput{}), TemplateError);
  RenderInput in;
  in.body = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_THROW(Render("$input.json('$')", in), InvalidJsonBody);
}

TEST(VtlLimits, CyclicStructuresDoNotOverflow) {
  EXPECT_EQ(Render("#set($m = {})$m.put('self', $m)$m", RenderInput{}), "{self=(this Map)}");
  EXPECT_THROW(Render("#set($a = {})#set($b = {'a': $a})$a.put('b', $b)$a", RenderInput{}),
               TemplateError);
}

TEST(VtlLimits, CyclicComparisonsAreBounded) {
  EXPECT_THROW(Render("#set($a = [])$a.add($a)$a.add($a)#set($b = [])$b.add($b)$b.add($b)"
                      "#if($a == $b)eq#end",
                      RenderInput{}),
               TemplateError);
}

TEST(VtlLimits, TemplateSizeIsBounded) {
  Limits limits;
  limits.max_template_bytes = 10;
  EXPECT_THROW(CompiledTemplate::Compile("01234567890", limits), TemplateError);
}

}  // namespace
}  // namespace nimbus::apigateway::vtl
