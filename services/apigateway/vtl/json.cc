#include "services/apigateway/vtl/json.h"

#include <cerrno>
#include <cstdlib>

#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {
namespace {

// Jackson's default StreamReadConstraints nesting limit.
constexpr int kMaxJsonDepth = 1000;
// Rendering cyclic structures (a map put into itself) must end.
constexpr int kMaxRenderDepth = 200;

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  std::optional<Value> Parse(std::string& error) {
    SkipSpace();
    if (pos_ >= text_.size()) {
      error = "No content to map due to end-of-input";
      return std::nullopt;
    }
    std::optional<Value> v = ParseValue(0);
    if (!v) {
      error = error_;
    }
    return v;
  }

 private:
  std::optional<Value> Fail(const std::string& what) {
    if (error_.empty()) {
      size_t line = 1;
      size_t column = 1;
      for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
        if (text_[i] == '\n') {
          ++line;
          column = 1;
        } else {
          ++column;
        }
      }
      error_ = what + "\n at [Source: (String)\"" +
               std::string(text_.substr(0, std::min<size_t>(text_.size(), 500))) +
               "\"; line: " + std::to_string(line) + ", column: " + std::to_string(column) + "]";
    }
    return std::nullopt;
  }

  std::optional<Value> Unexpected(const char* expecting) {
    if (pos_ >= text_.size()) {
      return Fail(std::string("Unexpected end-of-input: ") + expecting);
    }
    unsigned char c = static_cast<unsigned char>(text_[pos_]);
    std::string shown = c >= 0x20 && c < 0x7F ? std::string(1, static_cast<char>(c))
                                               : "CTRL-CHAR, code " + std::to_string(c);
    return Fail("Unexpected character ('" + shown + "' (code " + std::to_string(c) + ")): " +
                expecting);
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  std::optional<Value> ParseValue(int depth) {
    if (depth > kMaxJsonDepth) {
      return Fail("Document nesting depth exceeds the maximum allowed (1000)");
    }
    SkipSpace();
    if (pos_ >= text_.size()) {
      return Unexpected("expected a value");
    }
    char c = text_[pos_];
    if (c == '{') {
      return ParseObject(depth);
    }
    if (c == '[') {
      return ParseArray(depth);
    }
    if (c == '"') {
      std::string s;
      if (!ParseString(s)) {
        return std::nullopt;
      }
      return Value(std::move(s));
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return ParseNumber();
    }
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(pos_, word.size()) == word) {
        size_t end = pos_ + word.size();
        if (end >= text_.size() || !std::isalnum(static_cast<unsigned char>(text_[end]))) {
          pos_ = end;
          if (word == "null") {
            return Value();
          }
          return Value(word == "true");
        }
      }
    }
    size_t end = pos_;
    while (end < text_.size() && std::isalnum(static_cast<unsigned char>(text_[end]))) {
      ++end;
    }
    if (end > pos_) {
      std::string token(text_.substr(pos_, end - pos_));
      pos_ = end;
      return Fail("Unrecognized token '" + token +
                  "': was expecting (JSON String, Number, Array, Object or token 'null', "
                  "'true' or 'false')");
    }
    return Unexpected("expected a valid value (JSON String, Number, Array, Object or token "
                      "'null', 'true' or 'false')");
  }

  std::optional<Value> ParseObject(int depth) {
    ++pos_;
    MapPtr map = MakeMap(true);
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return Value(std::move(map));
    }
    for (;;) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        return Unexpected("was expecting double-quote to start field name");
      }
      std::string key;
      if (!ParseString(key)) {
        return std::nullopt;
      }
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') {
        return Unexpected("was expecting a colon to separate field name and value");
      }
      ++pos_;
      std::optional<Value> v = ParseValue(depth + 1);
      if (!v) {
        return std::nullopt;
      }
      map->Put(std::move(key), std::move(*v));
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return Value(std::move(map));
      }
      return Unexpected("was expecting comma to separate Object entries");
    }
  }

  std::optional<Value> ParseArray(int depth) {
    ++pos_;
    ListPtr list = MakeList(true);
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return Value(std::move(list));
    }
    for (;;) {
      std::optional<Value> v = ParseValue(depth + 1);
      if (!v) {
        return std::nullopt;
      }
      list->items.push_back(std::move(*v));
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return Value(std::move(list));
      }
      return Unexpected("was expecting comma to separate Array entries");
    }
  }

  bool ParseHex4(uint32_t& out) {
    if (pos_ + 4 > text_.size()) {
      Fail("Unexpected end-of-input in character escape sequence");
      return false;
    }
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      out <<= 4;
      if (h >= '0' && h <= '9') {
        out |= h - '0';
      } else if (h >= 'a' && h <= 'f') {
        out |= h - 'a' + 10;
      } else if (h >= 'A' && h <= 'F') {
        out |= h - 'A' + 10;
      } else {
        --pos_;
        Unexpected("expected a hex-digit for character escape sequence");
        return false;
      }
    }
    return true;
  }

  bool ParseString(std::string& out) {
    ++pos_;  // opening quote
    for (;;) {
      if (pos_ >= text_.size()) {
        Fail("Unexpected end-of-input: was expecting closing quote for a string value");
        return false;
      }
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        Fail("Illegal unquoted character ((CTRL-CHAR, code " +
             std::to_string(static_cast<int>(c)) +
             ")): has to be escaped using backslash to be included in string value");
        return false;
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) {
        Fail("Unexpected end-of-input in character escape sequence");
        return false;
      }
      char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!ParseHex4(cp)) {
            return false;
          }
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 6 <= text_.size() && text_[pos_] == '\\' &&
              text_[pos_ + 1] == 'u') {
            size_t save = pos_;
            pos_ += 2;
            uint32_t low = 0;
            if (ParseHex4(low) && low >= 0xDC00 && low < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              error_.clear();
              pos_ = save;
            }
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --pos_;
          Fail(std::string("Unrecognized character escape '") + e + "' (code " +
               std::to_string(static_cast<int>(e)) + ")");
          return false;
      }
    }
  }

  std::optional<Value> ParseNumber() {
    size_t start = pos_;
    if (text_[pos_] == '-') {
      ++pos_;
    }
    auto digits = [&] {
      size_t n = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        ++pos_;
        ++n;
      }
      return n;
    };
    size_t int_start = pos_;
    if (digits() == 0) {
      return Unexpected("expected digit (0-9) to follow minus sign, for valid numeric value");
    }
    if (text_[int_start] == '0' && pos_ - int_start > 1) {
      return Fail("Invalid numeric value: Leading zeroes not allowed");
    }
    bool integral = true;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      integral = false;
      if (digits() == 0) {
        return Unexpected("Decimal point not followed by a digit");
      }
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      integral = false;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        ++pos_;
      }
      if (digits() == 0) {
        return Unexpected("Exponent indicator not followed by a digit");
      }
    }
    std::string number(text_.substr(start, pos_ - start));
    if (integral) {
      errno = 0;
      long long v = std::strtoll(number.c_str(), nullptr, 10);
      if (errno == 0) {
        return Value(static_cast<int64_t>(v));
      }
    }
    return Value(std::strtod(number.c_str(), nullptr));
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

void CheckDepth(int depth) {
  if (depth > kMaxRenderDepth) {
    throw TemplateError("value nested too deeply to render (cyclic structure?)");
  }
}

}  // namespace

std::optional<Value> ParseJson(std::string_view text, std::string& error) {
  return JsonParser(text).Parse(error);
}

void AppendJsonString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '"';
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendJson(const Value& value, std::string& out, int depth) {
  CheckDepth(depth);
  switch (value.v.index()) {
    case 0: out += "null"; break;
    case 1: out += value.AsBool() ? "true" : "false"; break;
    case 2: out += std::to_string(value.AsInt()); break;
    case 3: out += JavaDoubleToString(value.AsDouble()); break;
    case 4: AppendJsonString(value.AsString(), out); break;
    case 5: {
      out += '[';
      bool first = true;
      for (const Value& item : value.AsList()->items) {
        if (!first) {
          out += ',';
        }
        first = false;
        AppendJson(item, out, depth + 1);
      }
      out += ']';
      break;
    }
    case 6: {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : value.AsMap()->entries) {
        if (!first) {
          out += ',';
        }
        first = false;
        AppendJsonString(k, out);
        out += ':';
        AppendJson(v, out, depth + 1);
      }
      out += '}';
      break;
    }
    default: AppendJsonString(value.AsObject()->ToString(), out); break;
  }
}

std::string ToJson(const Value& value) {
  std::string out;
  AppendJson(value, out);
  return out;
}

void AppendJavaString(const Value& value, std::string& out, int depth) {
  CheckDepth(depth);
  switch (value.v.index()) {
    case 0: out += "null"; break;
    case 1: out += value.AsBool() ? "true" : "false"; break;
    case 2: out += std::to_string(value.AsInt()); break;
    case 3: out += JavaDoubleToString(value.AsDouble()); break;
    case 4: out += value.AsString(); break;
    case 5: {
      const List& list = *value.AsList();
      if (list.json) {
        // AWS: JSON arrays from $input.path / parseJson render as compact JSON.
        AppendJson(value, out, depth);
        break;
      }
      out += '[';
      bool first = true;
      for (const Value& item : list.items) {
        if (!first) {
          out += ", ";
        }
        first = false;
        if (item.IsList() && item.AsList() == value.AsList()) {
          out += "(this Collection)";
        } else {
          AppendJavaString(item, out, depth + 1);
        }
      }
      out += ']';
      break;
    }
    case 6: {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : value.AsMap()->entries) {
        if (!first) {
          out += ", ";
        }
        first = false;
        out += k;
        out += '=';
        if (v.IsMap() && v.AsMap() == value.AsMap()) {
          out += "(this Map)";
        } else {
          AppendJavaString(v, out, depth + 1);
        }
      }
      out += '}';
      break;
    }
    default: out += value.AsObject()->ToString(); break;
  }
}

std::string ToJavaString(const Value& value) {
  std::string out;
  AppendJavaString(value, out);
  return out;
}

}  // namespace nimbus::apigateway::vtl
