#include "cli/yaml_document.h"

#include <yaml.h>

#include <cstdlib>
#include <regex>
#include <stdexcept>
#include <vector>

namespace nimbus::cli {
namespace {

class Parser {
 public:
  explicit Parser(const std::string& text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Parser() {
    if (has_event_) {
      yaml_event_delete(&event_);
    }
    yaml_parser_delete(&parser_);
  }

  // The next event; the previous one is released.
  const yaml_event_t& Next() {
    if (has_event_) {
      yaml_event_delete(&event_);
      has_event_ = false;
    }
    if (!yaml_parser_parse(&parser_, &event_)) {
      throw std::invalid_argument(
          std::string("YAML: ") + (parser_.problem ? parser_.problem : "parse error") +
          " at line " + std::to_string(parser_.problem_mark.line + 1) + ", column " +
          std::to_string(parser_.problem_mark.column + 1));
    }
    has_event_ = true;
    return event_;
  }

  [[noreturn]] void Fail(const std::string& what) const {
    throw std::invalid_argument("YAML: " + what + " at line " +
                                std::to_string(event_.start_mark.line + 1));
  }

 private:
  yaml_parser_t parser_;
  yaml_event_t event_;
  bool has_event_ = false;
};

rapidjson::Value Scalar(const yaml_event_t& e, rapidjson::Document::AllocatorType& a) {
  std::string text(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
  rapidjson::Value v;
  if (e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
    static const std::regex kInt(R"([-+]?[0-9]+)");
    static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
      v.SetNull();
      return v;
    }
    if (text == "true" || text == "True" || text == "TRUE") {
      v.SetBool(true);
      return v;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
      v.SetBool(false);
      return v;
    }
    if (std::regex_match(text, kInt)) {
      v.SetInt64(std::strtoll(text.c_str(), nullptr, 10));
      return v;
    }
    if (std::regex_match(text, kFloat)) {
      v.SetDouble(std::strtod(text.c_str(), nullptr));
      return v;
    }
  }
  v.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), a);
  return v;
}

rapidjson::Value Node(Parser& p, const yaml_event_t& first, rapidjson::Document::AllocatorType& a,
                      int depth) {
  if (depth > 64) {
    p.Fail("nesting too deep");
  }
  switch (first.type) {
    case YAML_SCALAR_EVENT:
      if (first.data.scalar.anchor != nullptr) {
        p.Fail("anchors are not supported");
      }
      return Scalar(first, a);
    case YAML_ALIAS_EVENT:
      p.Fail("aliases are not supported");
    case YAML_SEQUENCE_START_EVENT: {
      rapidjson::Value arr(rapidjson::kArrayType);
      for (;;) {
        const yaml_event_t& e = p.Next();
        if (e.type == YAML_SEQUENCE_END_EVENT) {
          return arr;
        }
        arr.PushBack(Node(p, e, a, depth + 1), a);
      }
    }
    case YAML_MAPPING_START_EVENT: {
      rapidjson::Value obj(rapidjson::kObjectType);
      for (;;) {
        const yaml_event_t& k = p.Next();
        if (k.type == YAML_MAPPING_END_EVENT) {
          return obj;
        }
        if (k.type != YAML_SCALAR_EVENT) {
          p.Fail("mapping keys must be strings");
        }
        std::string key(reinterpret_cast<const char*>(k.data.scalar.value), k.data.scalar.length);
        rapidjson::Value name(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), a);
        const yaml_event_t& v = p.Next();
        rapidjson::Value value = Node(p, v, a, depth + 1);
        if (obj.HasMember(name)) {
          obj.RemoveMember(name);  // the last occurrence wins, as in most YAML loaders
        }
        obj.AddMember(name, value, a);
      }
    }
    default:
      p.Fail("unexpected YAML event");
  }
}

}  // namespace

rapidjson::Document ParseYaml(const std::string& text) {
  Parser p(text);
  rapidjson::Document doc;
  if (p.Next().type != YAML_STREAM_START_EVENT) {
    p.Fail("expected a stream");
  }
  const yaml_event_t* e = &p.Next();
  if (e->type == YAML_STREAM_END_EVENT) {
    doc.SetObject();  // an empty file: nothing to create
    return doc;
  }
  if (e->type != YAML_DOCUMENT_START_EVENT) {
    p.Fail("expected a document");
  }
  e = &p.Next();
  rapidjson::Value root = Node(p, *e, doc.GetAllocator(), 0);
  static_cast<rapidjson::Value&>(doc).Swap(root);
  if (p.Next().type != YAML_DOCUMENT_END_EVENT) {
    p.Fail("expected the end of the document");
  }
  if (p.Next().type != YAML_STREAM_END_EVENT) {
    p.Fail("only one YAML document is supported");
  }
  return doc;
}

}  // namespace nimbus::cli
