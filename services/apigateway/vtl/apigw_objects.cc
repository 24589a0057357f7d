// $input and $util: the API Gateway host objects.

#include "services/apigateway/vtl/evaluator.h"
#include "services/apigateway/vtl/java_text.h"
#include "services/apigateway/vtl/json.h"
#include "services/apigateway/vtl/jsonpath.h"
#include "services/common/base64.h"

namespace nimbus::apigateway::vtl {
namespace {

class InputObject final : public Object {
 public:
  std::string_view TypeName() const override { return "$input"; }

  bool Property(std::string_view name, Value& out, Evaluator& ev) override {
    if (name == "body") {
      out = Body(ev);
      return true;
    }
    return false;
  }

  bool Call(std::string_view name, std::vector<Value>& args, Value& out, Evaluator& ev) override {
    if (name == "getBody" && args.empty()) {
      out = Body(ev);
      return true;
    }
    if (name == "params") {
      if (args.empty()) {
        out = MakeParamsMap(ev.input());
        return true;
      }
      if (args.size() == 1) {
        out = Param(ev.input(), args[0].IsNull() ? std::string() : ToJavaString(args[0]));
        return true;
      }
      return false;
    }
    if (name == "json" || name == "path") {
      // $input.json() without an argument is treated as '$'.
      std::string path = args.empty() || args[0].IsNull() ? "$" : ToJavaString(args[0]);
      if (args.size() > 1) {
        return false;
      }
      JsonPathResult r = EvaluateJsonPath(path, ev.BodyJson());
      ev.Step(r.matches.size());
      Value result;
      bool found = !r.definite || !r.matches.empty();
      if (r.definite) {
        if (!r.matches.empty()) {
          result = r.matches[0];
        }
      } else {
        ListPtr list = MakeList(true);
        list->items = std::move(r.matches);
        result = Value(list);
      }
      if (name == "json") {
        // AWS: a missing definite path renders as nothing.
        out = found ? Value(ToJson(result)) : Value();
        if (out.IsString()) {
          ev.Produce(out.AsString().size());
        }
      } else {
        out = result;
      }
      return true;
    }
    return false;
  }

 private:
  static Value Body(Evaluator& ev) {
    // AWS: an empty payload reads as "{}" in templates, whatever the content type.
    return Value(ev.input().body.empty() ? std::string("{}") : ev.input().body);
  }

  static Value Param(const RenderInput& input, const std::string& name) {
    // AWS: path, then query string, then header (headers ignore case); "" when absent.
    if (auto it = input.path.find(name); it != input.path.end()) {
      return Value(it->second);
    }
    if (auto it = input.querystring.find(name); it != input.querystring.end()) {
      return Value(it->second);
    }
    const std::string* found = nullptr;
    for (const auto& [k, v] : input.headers) {
      if (k.size() == name.size() &&
          std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        found = &v;
      }
    }
    return Value(found ? *found : std::string());
  }
};

class UtilObject final : public Object {
 public:
  std::string_view TypeName() const override { return "$util"; }

  bool Call(std::string_view name, std::vector<Value>& args, Value& out, Evaluator& ev) override {
    if (args.size() != 1) {
      return false;
    }
    if (args[0].IsNull()) {
      // Java: a null argument yields null, which renders as nothing.
      out = Value();
      return name == "escapeJavaScript" || name == "urlEncode" || name == "urlDecode" ||
             name == "base64Encode" || name == "base64Decode" || name == "parseJson" ||
             name == "toJson";
    }
    if (name == "toJson") {
      out = Value(ToJson(args[0]));
      return true;
    }
    std::string s = ToJavaString(args[0]);
    if (name == "escapeJavaScript") {
      out = Value(EscapeJavaScript(s));
    } else if (name == "urlEncode") {
      out = Value(UrlEncode(s));
    } else if (name == "urlDecode") {
      std::optional<std::string> decoded = UrlDecode(s);
      if (!decoded) {
        throw TemplateError("URLDecoder: Illegal hex characters in escape (%) pattern");
      }
      out = Value(std::move(*decoded));
    } else if (name == "base64Encode") {
      out = Value(Base64Encode(s));
    } else if (name == "base64Decode") {
      out = Value(Base64DecodeLenient(s));
    } else if (name == "parseJson") {
      std::string error;
      std::optional<Value> parsed = ParseJson(s, error);
      if (!parsed) {
        throw TemplateError("$util.parseJson: " + error);
      }
      out = std::move(*parsed);
    } else {
      return false;
    }
    if (out.IsString()) {
      ev.Produce(out.AsString().size());
    }
    return true;
  }
};

MapPtr StringMap(const std::map<std::string, std::string>& in) {
  MapPtr m = MakeMap();
  for (const auto& [k, v] : in) {
    m->Put(k, Value(v));
  }
  return m;
}

}  // namespace

ObjectPtr MakeInputObject() {
  return std::make_shared<InputObject>();
}

ObjectPtr MakeUtilObject() {
  return std::make_shared<UtilObject>();
}

Value MakeParamsMap(const RenderInput& input) {
  MapPtr params = MakeMap();
  params->Put("path", Value(StringMap(input.path)));
  params->Put("querystring", Value(StringMap(input.querystring)));
  MapPtr headers = MakeMap();
  headers->case_insensitive = true;
  for (const auto& [k, v] : input.headers) {
    headers->Put(k, Value(v));  // a repeated header keeps its last value
  }
  params->Put("header", Value(headers));
  return Value(params);
}

}  // namespace nimbus::apigateway::vtl
