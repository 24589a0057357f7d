#include "edge/protocol/validate.h"

#include <string_view>

namespace nimbus::protocol {
namespace {

// The path of the first missing required member below `v`, relative to it ("a.2.b"). Paths are
// only built on the way back from a miss: a complete request allocates nothing here.
std::optional<std::string> Check(const Shape& shape, const rapidjson::Value& v) {
  auto prefixed = [](std::string_view head, std::string tail) {
    std::string out(head);
    out += '.';
    out += tail;
    return out;
  };
  switch (shape.type) {
    case ShapeType::kStructure: {
      if (!v.IsObject()) {
        return std::nullopt;
      }
      for (const auto& m : shape.members) {
        auto it = v.FindMember(rapidjson::StringRef(m.name.data(), m.name.size()));
        if (it == v.MemberEnd() || it->value.IsNull()) {
          // AWS: a required header/label member is never absent on the wire of a matched
          // route; body members are what clients omit.
          if (m.required) {
            return m.name;
          }
          continue;
        }
        if (auto missing = Check(*m.shape, it->value)) {
          return prefixed(m.name, std::move(*missing));
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
        if (auto missing = Check(*shape.member.shape, item)) {
          return prefixed(std::to_string(i), std::move(*missing));
        }
        ++i;
      }
      return std::nullopt;
    }
    case ShapeType::kMap: {
      if (!v.IsObject()) {
        return std::nullopt;
      }
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        if (auto missing = Check(*shape.value.shape, it->value)) {
          return prefixed(std::string_view(it->name.GetString(), it->name.GetStringLength()),
                          std::move(*missing));
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
  return Check(shape, params);
}

}  // namespace nimbus::protocol
