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

}  // namespace nimbus::apigateway
