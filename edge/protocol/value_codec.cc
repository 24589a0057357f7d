#include "edge/protocol/value_codec.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "edge/protocol/encoding.h"

namespace nimbus::protocol {
namespace {

std::string_view TimestampFormat(const MemberRef& ref, std::string_view fallback) {
  if (!ref.timestamp_format.empty()) {
    return ref.timestamp_format;
  }
  if (ref.shape != nullptr && !ref.shape->timestamp_format.empty()) {
    return ref.shape->timestamp_format;
  }
  return fallback;
}

AwsError SerializationError(std::string_view path, std::string_view what) {
  return AwsError::Sender("SerializationException",
                          "Cannot deserialize " + std::string(path) + ": " + std::string(what));
}

std::optional<int64_t> ParseInt(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::string copy(text);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(copy.c_str(), &end, 10);
  if (errno != 0 || end != copy.c_str() + copy.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> ParseDouble(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::string copy(text);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) {
    return std::nullopt;
  }
  return v;
}

double TimestampValue(const rapidjson::Value& v) {
  if (v.IsNumber()) {
    return v.GetDouble();
  }
  if (v.IsString()) {
    return ParseTimestamp(std::string_view(v.GetString(), v.GetStringLength())).value_or(0);
  }
  return 0;
}

}  // namespace

MemberRef TopLevelRef(const Shape* shape) {
  MemberRef ref;
  ref.name = shape ? shape->name : "";
  ref.shape = shape;
  return ref;
}

std::optional<rapidjson::Value> ScalarFromText(const MemberRef& ref, std::string_view text,
                                               Allocator& alloc) {
  using rapidjson::Value;
  switch (ref.shape->type) {
    case ShapeType::kString:
      if (ref.json_value) {
        // A jsonvalue header is base64-encoded JSON text; params carry the JSON text.
        auto decoded = Base64Decode(text);
        if (!decoded) {
          return std::nullopt;
        }
        return Value(decoded->data(), static_cast<rapidjson::SizeType>(decoded->size()), alloc);
      }
      return Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc);
    case ShapeType::kInteger:
    case ShapeType::kLong: {
      auto v = ParseInt(text);
      return v ? std::optional<Value>(Value(static_cast<int64_t>(*v))) : std::nullopt;
    }
    case ShapeType::kFloat:
    case ShapeType::kDouble: {
      auto v = ParseDouble(text);
      return v ? std::optional<Value>(Value(*v)) : std::nullopt;
    }
    case ShapeType::kBoolean:
      if (text == "true") {
        return Value(true);
      }
      if (text == "false") {
        return Value(false);
      }
      return std::nullopt;
    case ShapeType::kTimestamp: {
      auto v = ParseTimestamp(text);
      return v ? std::optional<Value>(Value(*v)) : std::nullopt;
    }
    case ShapeType::kBlob: {
      auto v = Base64Decode(text);
      if (!v) {
        return std::nullopt;
      }
      return Value(v->data(), static_cast<rapidjson::SizeType>(v->size()), alloc);
    }
    default:
      return std::nullopt;
  }
}

std::string ScalarToText(const MemberRef& ref, const rapidjson::Value& value,
                         std::string_view ts_format) {
  switch (ref.shape->type) {
    case ShapeType::kString:
      if (value.IsString()) {
        std::string_view s(value.GetString(), value.GetStringLength());
        return ref.json_value ? Base64Encode(s) : std::string(s);
      }
      break;
    case ShapeType::kInteger:
    case ShapeType::kLong:
      if (value.IsInt64()) {
        return std::to_string(value.GetInt64());
      }
      if (value.IsNumber()) {
        return std::to_string(static_cast<int64_t>(value.GetDouble()));
      }
      break;
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      if (value.IsNumber()) {
        return FormatDouble(value.GetDouble());
      }
      break;
    case ShapeType::kBoolean:
      if (value.IsBool()) {
        return value.GetBool() ? "true" : "false";
      }
      break;
    case ShapeType::kTimestamp: {
      double t = TimestampValue(value);
      auto fmt = TimestampFormat(ref, ts_format);
      if (fmt == "rfc822") {
        return FormatHttpDate(t);
      }
      if (fmt == "unixTimestamp") {
        return FormatDouble(t).ends_with(".0") ? std::to_string(static_cast<int64_t>(t))
                                               : FormatDouble(t);
      }
      return FormatIso8601(t);
    }
    case ShapeType::kBlob:
      if (value.IsString()) {
        return Base64Encode(std::string_view(value.GetString(), value.GetStringLength()));
      }
      break;
    default:
      break;
  }
  if (value.IsString()) {
    return std::string(value.GetString(), value.GetStringLength());
  }
  return {};
}

Result<rapidjson::Value> FromWireJson(const MemberRef& ref, const rapidjson::Value& wire,
                                      Allocator& alloc, std::string_view path) {
  using rapidjson::Value;
  const Shape& shape = *ref.shape;
  if (wire.IsNull()) {
    return Value(rapidjson::kNullType);
  }
  switch (shape.type) {
    case ShapeType::kStructure: {
      if (!wire.IsObject()) {
        return SerializationError(path, "expected an object");
      }
      Value out(rapidjson::kObjectType);
      for (const auto& m : shape.members) {
        auto it = wire.FindMember(rapidjson::StringRef(m.WireName().data(),
                                                       m.WireName().size()));
        if (it == wire.MemberEnd() || it->value.IsNull()) {
          continue;
        }
        auto v = FromWireJson(m, it->value, alloc, m.name);
        if (!v.has_value()) {
          return v.error();
        }
        out.AddMember(Value(m.name.c_str(), alloc), std::move(*v), alloc);
      }
      return out;
    }
    case ShapeType::kList: {
      if (!wire.IsArray()) {
        return SerializationError(path, "expected an array");
      }
      Value out(rapidjson::kArrayType);
      for (const auto& item : wire.GetArray()) {
        auto v = FromWireJson(shape.member, item, alloc, path);
        if (!v.has_value()) {
          return v.error();
        }
        out.PushBack(std::move(*v), alloc);
      }
      return out;
    }
    case ShapeType::kMap: {
      if (!wire.IsObject()) {
        return SerializationError(path, "expected an object");
      }
      Value out(rapidjson::kObjectType);
      for (auto it = wire.MemberBegin(); it != wire.MemberEnd(); ++it) {
        auto v = FromWireJson(shape.value, it->value, alloc, path);
        if (!v.has_value()) {
          return v.error();
        }
        out.AddMember(Value(it->name, alloc), std::move(*v), alloc);
      }
      return out;
    }
    case ShapeType::kString:
      if (!wire.IsString()) {
        return SerializationError(path, "expected a string");
      }
      return Value(wire, alloc);
    case ShapeType::kInteger:
    case ShapeType::kLong:
      if (wire.IsInt64()) {
        return Value(wire.GetInt64());
      }
      if (wire.IsDouble() && std::floor(wire.GetDouble()) == wire.GetDouble()) {
        return Value(static_cast<int64_t>(wire.GetDouble()));
      }
      return SerializationError(path, "expected an integer");
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      if (wire.IsNumber()) {
        return Value(wire.GetDouble());
      }
      if (wire.IsString()) {  // "NaN", "Infinity", "-Infinity"
        std::string_view s(wire.GetString(), wire.GetStringLength());
        if (s == "NaN") {
          return Value(std::nan(""));
        }
        if (s == "Infinity" || s == "-Infinity") {
          return Value(s[0] == '-' ? -INFINITY : INFINITY);
        }
      }
      return SerializationError(path, "expected a number");
    case ShapeType::kBoolean:
      if (!wire.IsBool()) {
        return SerializationError(path, "expected a boolean");
      }
      return Value(wire.GetBool());
    case ShapeType::kTimestamp:
      if (wire.IsNumber()) {
        return Value(wire.GetDouble());
      }
      if (wire.IsString()) {
        auto t = ParseTimestamp(std::string_view(wire.GetString(), wire.GetStringLength()));
        if (t) {
          return Value(*t);
        }
      }
      return SerializationError(path, "expected a timestamp");
    case ShapeType::kBlob: {
      if (!wire.IsString()) {
        return SerializationError(path, "expected a base64 string");
      }
      auto bytes = Base64Decode(std::string_view(wire.GetString(), wire.GetStringLength()));
      if (!bytes) {
        return SerializationError(path, "invalid base64");
      }
      return Value(bytes->data(), static_cast<rapidjson::SizeType>(bytes->size()), alloc);
    }
    case ShapeType::kDocument:
      return Value(wire, alloc);
  }
  return SerializationError(path, "unsupported shape");
}

void WriteWireJsonStructure(const Shape& shape, const rapidjson::Value& value, JsonWriter& w,
                            bool body_members_only) {
  w.StartObject();
  if (value.IsObject()) {
    for (const auto& m : shape.members) {
      if (body_members_only && m.location != Location::kBody) {
        continue;
      }
      auto it = value.FindMember(rapidjson::StringRef(m.name.data(), m.name.size()));
      if (it == value.MemberEnd() || it->value.IsNull()) {
        continue;
      }
      auto key = m.WireName();
      w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      WriteWireJson(m, it->value, w);
    }
  }
  w.EndObject();
}

void WriteWireJson(const MemberRef& ref, const rapidjson::Value& value, JsonWriter& w) {
  const Shape& shape = *ref.shape;
  switch (shape.type) {
    case ShapeType::kStructure:
      WriteWireJsonStructure(shape, value, w, false);
      return;
    case ShapeType::kList:
      w.StartArray();
      if (value.IsArray()) {
        for (const auto& item : value.GetArray()) {
          WriteWireJson(shape.member, item, w);
        }
      }
      w.EndArray();
      return;
    case ShapeType::kMap:
      w.StartObject();
      if (value.IsObject()) {
        for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
          w.Key(it->name.GetString(), it->name.GetStringLength());
          WriteWireJson(shape.value, it->value, w);
        }
      }
      w.EndObject();
      return;
    case ShapeType::kTimestamp: {
      double t = TimestampValue(value);
      auto fmt = TimestampFormat(ref, "unixTimestamp");
      if (fmt == "unixTimestamp") {
        if (t == std::floor(t)) {
          w.Int64(static_cast<int64_t>(t));
        } else {
          w.Double(t);
        }
      } else {
        auto text = fmt == "rfc822" ? FormatHttpDate(t) : FormatIso8601(t);
        w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
      }
      return;
    }
    case ShapeType::kBlob: {
      auto text = value.IsString()
                      ? Base64Encode(std::string_view(value.GetString(), value.GetStringLength()))
                      : std::string();
      w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
      return;
    }
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      if (value.IsNumber()) {
        double d = value.GetDouble();
        if (std::isnan(d)) {
          w.String("NaN");
        } else if (std::isinf(d)) {
          w.String(d > 0 ? "Infinity" : "-Infinity");
        } else {
          w.Double(d);
        }
        return;
      }
      break;
    default:
      break;
  }
  value.Accept(w);
}

}  // namespace nimbus::protocol
