#include "edge/protocol/validate.h"

namespace nimbus::protocol {
namespace {

std::optional<std::string> Check(const Shape& shape, const rapidjson::Value& v,
                                 const std::string& path) {
  switch (shape.type) {
    case ShapeType::kStructure: {
      if (!v.IsObject()) {
        return std::nullopt;
      }
      for (const auto& m : shape.members) {
        std::string child = path.empty() ? m.name : path + "." + m.name;
        auto it = v.FindMember(rapidjson::StringRef(m.name.data(), m.name.size()));
        if (it == v.MemberEnd() || it->value.IsNull()) {
          // AWS: a required header/label member is never absent on the wire of a matched
          // route; body members are what clients omit.
          if (m.required) {
            return child;
          }
          continue;
        }
        if (auto missing = Check(*m.shape, it->value, child)) {
          return missing;
        }
      }
      return std::nullopt;
    }
    case ShapeType::kList: {
      if (!v.IsArray()) {
        return std::nullopt;
      }
      int i = 1;
      for (const auto& item : v.GetArray()) {
        if (auto missing = Check(*shape.member.shape, item, path + "." + std::to_string(i++))) {
          return missing;
        }
      }
      return std::nullopt;
    }
    case ShapeType::kMap: {
      if (!v.IsObject()) {
        return std::nullopt;
      }
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        if (auto missing = Check(*shape.value.shape, it->value, path + "." + it->name.GetString())) {
          return missing;
        }
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> FindMissingRequired(const Shape& shape,
                                               const rapidjson::Value& params) {
  return Check(shape, params, "");
}

}  // namespace nimbus::protocol
