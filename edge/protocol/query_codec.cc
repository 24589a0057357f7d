// awsQuery: form-encoded params in, XML out (SNS, IAM, STS, and SQS's legacy protocol).
#include "edge/protocol/query_codec.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "edge/protocol/encoding.h"
#include "edge/protocol/value_codec.h"

namespace nimbus::protocol {
namespace {

using rapidjson::Value;

class FormReader {
 public:
  FormReader(const FormParams& form, Allocator& alloc) : form_(form), alloc_(alloc) {}

  // The member's value under `key`, absent (nullopt) when the form holds nothing for it.
  Result<std::optional<Value>> Read(const MemberRef& ref, const std::string& key) {
    const Shape& shape = *ref.shape;
    switch (shape.type) {
      case ShapeType::kStructure:
        return ReadStructure(shape, key);
      case ShapeType::kList:
        return ReadList(ref, key);
      case ShapeType::kMap:
        return ReadMap(ref, key);
      default:
        break;
    }
    auto it = form_.find(key);
    if (it == form_.end()) {
      return std::optional<Value>();
    }
    auto v = ScalarFromText(ref, it->second, alloc_);
    if (!v) {
      return AwsError::Sender("InvalidParameterValue",
                              "Value (" + it->second + ") for parameter " + key + " is invalid.");
    }
    return std::optional<Value>(std::move(*v));
  }

  Result<std::optional<Value>> ReadStructure(const Shape& shape, const std::string& key) {
    Value obj(rapidjson::kObjectType);
    for (const auto& m : shape.members) {
      std::string child = key.empty() ? std::string(m.QueryName())
                                      : key + "." + std::string(m.QueryName());
      auto v = Read(m, child);
      if (!v.has_value()) {
        return v.error();
      }
      if (*v) {
        obj.AddMember(Value(m.name.c_str(), alloc_), std::move(**v), alloc_);
      }
    }
    if (obj.MemberCount() == 0 && !key.empty()) {
      return std::optional<Value>();
    }
    return std::optional<Value>(std::move(obj));
  }

  Result<std::optional<Value>> ReadList(const MemberRef& ref, const std::string& key) {
    const Shape& shape = *ref.shape;
    std::string prefix;
    if (ref.flattened || shape.flattened) {
      prefix = key;
      if (!shape.member.query_name.empty()) {
        // botocore replaces the last key segment with the member's serialized name.
        auto dot = key.rfind('.');
        prefix = (dot == std::string::npos ? "" : key.substr(0, dot + 1)) +
                 shape.member.query_name;
      }
    } else {
      prefix = key + "." + std::string(shape.member.query_name.empty()
                                           ? std::string_view("member")
                                           : std::string_view(shape.member.query_name));
    }
    Value arr(rapidjson::kArrayType);
    for (int i : Indices(prefix)) {
      auto v = Read(shape.member, prefix + "." + std::to_string(i));
      if (!v.has_value()) {
        return v.error();
      }
      if (*v) {
        arr.PushBack(std::move(**v), alloc_);
      }
    }
    if (arr.Empty()) {
      // botocore sends an empty list as `Name=`.
      auto it = form_.find(key);
      if (it == form_.end() || !it->second.empty()) {
        return std::optional<Value>();
      }
    }
    return std::optional<Value>(std::move(arr));
  }

  Result<std::optional<Value>> ReadMap(const MemberRef& ref, const std::string& key) {
    const Shape& shape = *ref.shape;
    std::string prefix = (ref.flattened || shape.flattened) ? key : key + ".entry";
    std::string key_name = shape.key.query_name.empty() ? "key" : shape.key.query_name;
    std::string value_name = shape.value.query_name.empty() ? "value" : shape.value.query_name;
    Value obj(rapidjson::kObjectType);
    bool any = false;
    for (int i : Indices(prefix)) {
      std::string entry = prefix + "." + std::to_string(i) + ".";
      auto k = form_.find(entry + key_name);
      if (k == form_.end()) {
        continue;
      }
      any = true;
      auto v = Read(shape.value, entry + value_name);
      if (!v.has_value()) {
        return v.error();
      }
      Value name(k->second.c_str(), static_cast<rapidjson::SizeType>(k->second.size()), alloc_);
      if (*v) {
        obj.RemoveMember(name);
        obj.AddMember(name, std::move(**v), alloc_);
      } else if (shape.value.shape->type == ShapeType::kStructure ||
                 shape.value.shape->type == ShapeType::kMap) {
        // The query wire has no way to write an empty structure or map: the key alone says
        // the entry is there, with an empty value.
        obj.RemoveMember(name);
        obj.AddMember(name, Value(rapidjson::kObjectType), alloc_);
      }
    }
    if (!any) {
      return std::optional<Value>();
    }
    return std::optional<Value>(std::move(obj));
  }

  // The item numbers N of `<prefix>.N...` keys, ascending. botocore numbers from 1 without
  // gaps, but an item that writes no keys (an empty structure) leaves one; later items count.
  std::vector<int> Indices(const std::string& prefix) const {
    std::vector<int> out;
    std::string start = prefix + ".";
    for (auto it = form_.lower_bound(start);
         it != form_.end() && it->first.compare(0, start.size(), start) == 0; ++it) {
      std::string_view rest = std::string_view(it->first).substr(start.size());
      size_t digits = 0;
      while (digits < rest.size() && digits < 9 && rest[digits] >= '0' && rest[digits] <= '9') {
        ++digits;
      }
      if (digits == 0 || (digits < rest.size() && rest[digits] != '.')) {
        continue;
      }
      int n = std::stoi(std::string(rest.substr(0, digits)));
      if (n >= 1) {
        out.push_back(n);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  const FormParams& form_;
  Allocator& alloc_;
};

class XmlBuilder {
 public:
  explicit XmlBuilder(std::string& out) : out_(out) {}

  void Members(const Shape& shape, const Value& value) {
    if (!value.IsObject()) {
      return;
    }
    for (const auto& m : shape.members) {
      auto it = value.FindMember(rapidjson::StringRef(m.name.data(), m.name.size()));
      if (it == value.MemberEnd() || it->value.IsNull()) {
        continue;
      }
      Member(m, it->value);
    }
  }

  void Member(const MemberRef& ref, const Value& value) {
    const Shape& shape = *ref.shape;
    std::string_view tag = ref.QueryName();
    if (shape.type == ShapeType::kList) {
      if (!value.IsArray()) {
        return;
      }
      if (ref.flattened || shape.flattened) {
        std::string_view item_tag =
            shape.member.query_name.empty() ? tag : std::string_view(shape.member.query_name);
        for (const auto& item : value.GetArray()) {
          Element(item_tag, shape.member, item);
        }
      } else {
        std::string_view item_tag = shape.member.query_name.empty()
                                        ? std::string_view("member")
                                        : std::string_view(shape.member.query_name);
        Open(tag);
        for (const auto& item : value.GetArray()) {
          Element(item_tag, shape.member, item);
        }
        Close(tag);
      }
      return;
    }
    if (shape.type == ShapeType::kMap) {
      if (!value.IsObject()) {
        return;
      }
      std::string_view key_tag =
          shape.key.query_name.empty() ? std::string_view("key") : shape.key.query_name;
      std::string_view value_tag =
          shape.value.query_name.empty() ? std::string_view("value") : shape.value.query_name;
      bool flat = ref.flattened || shape.flattened;
      if (!flat) {
        Open(tag);
      }
      for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        Open(flat ? tag : std::string_view("entry"));
        Open(key_tag);
        XmlEscapeAppend(out_, std::string_view(it->name.GetString(), it->name.GetStringLength()));
        Close(key_tag);
        Element(value_tag, shape.value, it->value);
        Close(flat ? tag : std::string_view("entry"));
      }
      if (!flat) {
        Close(tag);
      }
      return;
    }
    Element(tag, ref, value);
  }

  void Element(std::string_view tag, const MemberRef& ref, const Value& value) {
    const Shape& shape = *ref.shape;
    if (shape.type == ShapeType::kList || shape.type == ShapeType::kMap) {
      MemberRef named = ref;
      named.query_name = std::string(tag);
      Member(named, value);
      return;
    }
    Open(tag);
    if (shape.type == ShapeType::kStructure) {
      Members(shape, value);
    } else {
      XmlEscapeAppend(out_, ScalarToText(ref, value, "iso8601"));
    }
    Close(tag);
  }

  void Open(std::string_view tag) {
    out_ += '<';
    out_ += tag;
    out_ += '>';
  }
  void Close(std::string_view tag) {
    out_ += "</";
    out_ += tag;
    out_ += '>';
  }

 private:
  std::string& out_;
};

HttpResponse XmlResponse(unsigned status, std::string body) {
  HttpResponse res;
  res.status = status;
  res.SetHeader("Content-Type", "text/xml");
  res.body = std::move(body);
  return res;
}

}  // namespace

Result<OperationCall> QueryCodec::Decode(const HttpRequest& request,
                                         const ServiceSpec& spec) const {
  auto form = ParseForm(request.query);
  if (!form) {
    return AwsError::Sender("MalformedQueryString", "The query string is malformed.");
  }
  if (!request.body.empty()) {
    auto body = ParseForm(request.body);
    if (!body) {
      return AwsError::Sender("MalformedQueryString", "The request body is not a valid form.");
    }
    for (auto& [k, v] : *body) {
      (*form)[k] = std::move(v);
    }
  }
  auto action = form->find("Action");
  if (action == form->end() || action->second.empty()) {
    return AwsError::Sender("MissingAction", "No Action was supplied with this request.");
  }
  const OperationSpec* op = spec.FindOperation(action->second);
  if (op == nullptr) {
    return AwsError::Sender("InvalidAction", "The action " + action->second +
                                                 " is not valid for this web service.");
  }
  OperationCall call;
  call.operation = op;
  call.params.SetObject();
  if (op->input != nullptr) {
    FormReader reader(*form, call.params.GetAllocator());
    auto v = reader.ReadStructure(*op->input, "");
    if (!v.has_value()) {
      return v.error();
    }
    if (*v) {
      static_cast<Value&>(call.params) = std::move(**v);
    }
  }
  return call;
}

// AWS: a query request sent with Accept: application/json gets the same document as JSON:
// {"<Op>Response": {"<Op>Result": {...}, "ResponseMetadata": {"RequestId": ...}}} (what API
// Gateway's AWS integrations read with $input.path).
static HttpResponse JsonRendering(const OperationSpec& op, const Value& output,
                           const ResponseContext& ctx) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartObject();
  std::string root = op.name + "Response";
  w.Key(root.c_str());
  w.StartObject();
  if (op.output != nullptr) {
    std::string wrapper = op.result_wrapper.empty() ? op.name + "Result" : op.result_wrapper;
    w.Key(wrapper.c_str());
    WriteWireJsonStructure(*op.output, output, w, false);
  }
  w.Key("ResponseMetadata");
  w.StartObject();
  w.Key("RequestId");
  w.String(ctx.request_id.c_str());
  w.EndObject();
  w.EndObject();
  w.EndObject();
  HttpResponse res;
  res.SetHeader("Content-Type", "application/json");
  res.body.assign(sb.GetString(), sb.GetSize());
  return res;
}

HttpResponse QueryCodec::Encode(const ServiceSpec& spec, const OperationSpec& op,
                                const Value& output, const ResponseContext& ctx) const {
  if (ctx.accept_json) {
    return JsonRendering(op, output, ctx);
  }
  std::string body = R"(<?xml version="1.0"?>)";
  body.reserve(512);
  XmlBuilder xml(body);
  std::string root = op.name + "Response";
  body += '<' + root + " xmlns=\"" + spec.xml_namespace + "\">";
  if (op.output != nullptr) {
    std::string wrapper = op.result_wrapper.empty() ? op.name + "Result" : op.result_wrapper;
    xml.Open(wrapper);
    xml.Members(*op.output, output);
    xml.Close(wrapper);
  }
  body += "<ResponseMetadata><RequestId>" + ctx.request_id + "</RequestId></ResponseMetadata>";
  body += "</" + root + '>';
  return XmlResponse(200, std::move(body));
}

HttpResponse QueryCodec::EncodeError(const ServiceSpec& spec, const AwsError& error,
                                     const ResponseContext& ctx) const {
  if (ctx.accept_json) {
    rapidjson::StringBuffer sb;
    JsonWriter w(sb);
    std::string code = QueryErrorCode(spec, error);
    w.StartObject();
    w.Key("Error");
    w.StartObject();
    w.Key("Code");
    w.String(code.c_str());
    w.Key("Message");
    w.String(error.message.c_str());
    w.Key("Type");
    w.String(error.fault == Fault::kSender ? "Sender" : "Receiver");
    w.EndObject();
    w.Key("RequestId");
    w.String(ctx.request_id.c_str());
    w.EndObject();
    HttpResponse res;
    res.status = error.http_status;
    res.SetHeader("Content-Type", "application/json");
    res.body.assign(sb.GetString(), sb.GetSize());
    return res;
  }
  std::string body = R"(<?xml version="1.0"?><ErrorResponse xmlns=")";
  body += spec.xml_namespace;
  body += R"("><Error><Type>)";
  body += error.fault == Fault::kSender ? "Sender" : "Receiver";
  body += "</Type><Code>";
  XmlEscapeAppend(body, QueryErrorCode(spec, error));
  body += "</Code><Message>";
  XmlEscapeAppend(body, error.message);
  body += "</Message></Error><RequestId>" + ctx.request_id + "</RequestId></ErrorResponse>";
  return XmlResponse(error.http_status, std::move(body));
}

}  // namespace nimbus::protocol
