#pragma once

#include <string>

#include <rapidjson/document.h>

#include "services/apigateway/json_util.h"
#include "services/common/operation_table.h"
#include "services/common/param_reader.h"

// Helpers shared by the apigateway_*.cc files of the v1 control plane.
namespace nimbus::apigateway::internal {

inline constexpr char kRestApi[] = "restapi";
inline constexpr char kApiKey[] = "apikey";
inline constexpr char kUsagePlan[] = "usageplan";

inline Output Empty() {
  Output o;
  o.SetObject();
  return o;
}
inline Output Copy(const rapidjson::Value& v) { return json::Clone(v); }

// {"items": [...], "position": next} over the values of `map` in `ids` order.
Output Items(const rapidjson::Value& map, const std::vector<std::string>& ids,
             const std::string& next, const char* items_key = "items");
// Keys of an object, in insertion order.
std::vector<std::string> Keys(const rapidjson::Value& map);

}  // namespace nimbus::apigateway::internal
