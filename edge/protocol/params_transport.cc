#include "edge/protocol/params_transport.h"

#include "edge/protocol/encoding.h"

namespace nimbus::protocol {

void ConvertBlobs(const Shape& shape, rapidjson::Value& v,
                  rapidjson::Document::AllocatorType& alloc, bool to_base64) {
  switch (shape.type) {
    case ShapeType::kStructure:
      if (v.IsObject()) {
        for (const auto& m : shape.members) {
          auto it = v.FindMember(rapidjson::StringRef(m.name.data(), m.name.size()));
          if (it != v.MemberEnd()) {
            ConvertBlobs(*m.shape, it->value, alloc, to_base64);
          }
        }
      }
      break;
    case ShapeType::kList:
      if (v.IsArray()) {
        for (auto& item : v.GetArray()) {
          ConvertBlobs(*shape.member.shape, item, alloc, to_base64);
        }
      }
      break;
    case ShapeType::kMap:
      if (v.IsObject()) {
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
          ConvertBlobs(*shape.value.shape, it->value, alloc, to_base64);
        }
      }
      break;
    case ShapeType::kBlob:
      if (v.IsString()) {
        std::string_view s(v.GetString(), v.GetStringLength());
        std::string out = to_base64 ? Base64Encode(s) : Base64Decode(s).value_or("");
        v.SetString(out.data(), static_cast<rapidjson::SizeType>(out.size()), alloc);
      }
      break;
    default:
      break;
  }
}

}  // namespace nimbus::protocol
