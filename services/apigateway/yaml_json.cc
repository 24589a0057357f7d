#include "services/apigateway/yaml_json.h"

#include <yaml.h>

#include <charconv>
#include <cstring>
#include <string>

namespace nimbus::apigateway {
namespace {

using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

constexpr int kMaxDepth = 128;  // untrusted input: bound the recursion

bool IsInteger(std::string_view s, int64_t* out) {
  if (s.empty()) {
    return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool IsFloat(std::string_view s, double* out) {
  if (s.empty() || s.find_first_of(".eE") == std::string_view::npos) {
    return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

Value Scalar(const yaml_node_t& node, Alloc& a) {
  std::string_view text(reinterpret_cast<const char*>(node.data.scalar.value),
                        node.data.scalar.length);
  if (node.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
      return Value();
    }
    if (text == "true" || text == "True" || text == "TRUE") {
      return Value(true);
    }
    if (text == "false" || text == "False" || text == "FALSE") {
      return Value(false);
    }
    int64_t i = 0;
    if (IsInteger(text, &i)) {
      return Value(i);
    }
    double d = 0;
    if (IsFloat(text, &d)) {
      return Value(d);
    }
  }
  return Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), a);
}

std::optional<Value> Convert(yaml_document_t* doc, yaml_node_t* node, Alloc& a, int depth) {
  if (node == nullptr || depth > kMaxDepth) {
    return std::nullopt;
  }
  switch (node->type) {
    case YAML_SCALAR_NODE:
      return Scalar(*node, a);
    case YAML_SEQUENCE_NODE: {
      Value list(rapidjson::kArrayType);
      for (yaml_node_item_t* item = node->data.sequence.items.start;
           item < node->data.sequence.items.top; ++item) {
        auto v = Convert(doc, yaml_document_get_node(doc, *item), a, depth + 1);
        if (!v) {
          return std::nullopt;
        }
        list.PushBack(std::move(*v), a);
      }
      return list;
    }
    case YAML_MAPPING_NODE: {
      Value map(rapidjson::kObjectType);
      for (yaml_node_pair_t* pair = node->data.mapping.pairs.start;
           pair < node->data.mapping.pairs.top; ++pair) {
        yaml_node_t* key = yaml_document_get_node(doc, pair->key);
        if (key == nullptr || key->type != YAML_SCALAR_NODE) {
          return std::nullopt;
        }
        // Keys are always strings in JSON ("200": responses are keyed by status code).
        Value name(reinterpret_cast<const char*>(key->data.scalar.value),
                   static_cast<rapidjson::SizeType>(key->data.scalar.length), a);
        auto v = Convert(doc, yaml_document_get_node(doc, pair->value), a, depth + 1);
        if (!v) {
          return std::nullopt;
        }
        auto existing = map.FindMember(name);
        if (existing != map.MemberEnd()) {
          existing->value = std::move(*v);
        } else {
          map.AddMember(name, std::move(*v), a);
        }
      }
      return map;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<rapidjson::Document> YamlToJson(std::string_view text) {
  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) {
    return std::nullopt;
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  yaml_document_t doc;
  std::optional<rapidjson::Document> out;
  if (yaml_parser_load(&parser, &doc) != 0) {
    yaml_node_t* root = yaml_document_get_root_node(&doc);
    if (root != nullptr) {
      rapidjson::Document result;
      auto v = Convert(&doc, root, result.GetAllocator(), 0);
      if (v) {
        static_cast<Value&>(result) = *v;
        out = std::move(result);
      }
    }
    yaml_document_delete(&doc);
  }
  yaml_parser_delete(&parser);
  return out;
}

namespace {

int WriteToString(void* data, unsigned char* buffer, size_t size) {
  static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
  return 1;
}

// Whether a plain scalar with this text would be read back as something but a string.
bool NeedsQuotes(std::string_view s) {
  int64_t i = 0;
  double d = 0;
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL" || s == "true" ||
         s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE" ||
         IsInteger(s, &i) || IsFloat(s, &d);
}

bool EmitScalar(yaml_emitter_t* e, std::string_view text, bool typed) {
  yaml_event_t ev;
  yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
  if (typed) {
    style = YAML_PLAIN_SCALAR_STYLE;
  } else if (NeedsQuotes(text)) {
    style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
  }
  yaml_scalar_event_initialize(&ev, nullptr, nullptr,
                               reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data())),
                               static_cast<int>(text.size()), 1, 1, style);
  return yaml_emitter_emit(e, &ev) != 0;
}

bool Emit(yaml_emitter_t* e, const Value& v, int depth) {
  if (depth > kMaxDepth) {
    return false;
  }
  yaml_event_t ev;
  if (v.IsObject()) {
    yaml_mapping_start_event_initialize(&ev, nullptr, nullptr, 1, YAML_BLOCK_MAPPING_STYLE);
    if (!yaml_emitter_emit(e, &ev)) {
      return false;
    }
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (!EmitScalar(e, {it->name.GetString(), it->name.GetStringLength()}, false) ||
          !Emit(e, it->value, depth + 1)) {
        return false;
      }
    }
    yaml_mapping_end_event_initialize(&ev);
    return yaml_emitter_emit(e, &ev) != 0;
  }
  if (v.IsArray()) {
    yaml_sequence_start_event_initialize(&ev, nullptr, nullptr, 1, YAML_BLOCK_SEQUENCE_STYLE);
    if (!yaml_emitter_emit(e, &ev)) {
      return false;
    }
    for (const auto& item : v.GetArray()) {
      if (!Emit(e, item, depth + 1)) {
        return false;
      }
    }
    yaml_sequence_end_event_initialize(&ev);
    return yaml_emitter_emit(e, &ev) != 0;
  }
  if (v.IsString()) {
    return EmitScalar(e, {v.GetString(), v.GetStringLength()}, false);
  }
  if (v.IsNull()) {
    return EmitScalar(e, "null", true);
  }
  if (v.IsBool()) {
    return EmitScalar(e, v.GetBool() ? "true" : "false", true);
  }
  std::string number;
  if (v.IsInt64()) {
    number = std::to_string(v.GetInt64());
  } else if (v.IsUint64()) {
    number = std::to_string(v.GetUint64());
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.GetDouble());
    number.assign(buf, ec == std::errc() ? end : buf);
    if (number.find_first_of(".eE") == std::string::npos) {
      number += ".0";  // stays a float when read back
    }
  }
  return EmitScalar(e, number, true);
}

}  // namespace

std::string JsonToYaml(const rapidjson::Value& value) {
  std::string out;
  yaml_emitter_t emitter;
  if (!yaml_emitter_initialize(&emitter)) {
    return out;
  }
  yaml_emitter_set_output(&emitter, &WriteToString, &out);
  yaml_emitter_set_unicode(&emitter, 1);
  yaml_emitter_set_width(&emitter, -1);
  yaml_event_t ev;
  bool ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
            yaml_emitter_emit(&emitter, &ev) &&
            yaml_document_start_event_initialize(&ev, nullptr, nullptr, nullptr, 1) &&
            yaml_emitter_emit(&emitter, &ev) && Emit(&emitter, value, 0) &&
            yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&emitter, &ev) &&
            yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&emitter, &ev);
  yaml_emitter_delete(&emitter);
  if (!ok) {
    out.clear();
  }
  return out;
}

}  // namespace nimbus::apigateway
