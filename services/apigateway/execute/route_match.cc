#include "services/apigateway/execute/targets.h"

#include <algorithm>

#include "services/apigateway/json_util.h"

namespace nimbus::apigateway {
namespace {

enum Rank { kGreedy = 1, kParam = 2, kLiteral = 3 };

bool IsGreedy(const std::string& part) {
  return part.size() > 3 && part.front() == '{' && part.substr(part.size() - 2) == "+}";
}
bool IsParam(const std::string& part) {
  return part.size() > 2 && part.front() == '{' && part.back() == '}';
}

// Ranks of each matched part, or nothing when the template does not match.
std::optional<std::vector<int>> Match(const std::vector<std::string>& parts,
                                      const std::vector<std::string>& segments,
                                      std::map<std::string, std::string>* params) {
  std::vector<int> ranks;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    if (IsGreedy(part)) {
      if (i >= segments.size()) {
        return std::nullopt;  // AWS: {proxy+} needs at least one segment
      }
      std::string rest;
      for (size_t j = i; j < segments.size(); ++j) {
        rest += (j == i ? "" : "/") + segments[j];
      }
      if (params) {
        (*params)[part.substr(1, part.size() - 3)] = rest;
      }
      ranks.push_back(kGreedy);
      return ranks;
    }
    if (i >= segments.size()) {
      return std::nullopt;
    }
    if (IsParam(part)) {
      if (params) {
        (*params)[part.substr(1, part.size() - 2)] = segments[i];
      }
      ranks.push_back(kParam);
    } else if (part == segments[i]) {
      ranks.push_back(kLiteral);
    } else {
      return std::nullopt;
    }
  }
  if (parts.size() != segments.size()) {
    return std::nullopt;
  }
  ranks.push_back(4);  // an exact-length match beats a greedy one ending at the same place
  return ranks;
}

}  // namespace

std::vector<std::string> PathSegments(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t pos = path.find('/', start);
    if (pos == std::string_view::npos) {
      pos = path.size();
    }
    if (pos > start) {
      out.emplace_back(path.substr(start, pos - start));
    }
    start = pos + 1;
  }
  return out;
}

void BuildRestRoutes(DeployedApi& api) {
  const rapidjson::Value* resources = json::Get(api.snapshot, "resources");
  if (resources == nullptr || !resources->IsObject()) {
    return;
  }
  for (auto it = resources->MemberBegin(); it != resources->MemberEnd(); ++it) {
    Route r;
    r.id = it->name.GetString();
    r.path = json::GetStr(it->value, "path", "/");
    r.parts = PathSegments(r.path);
    r.node = &it->value;
    api.routes.push_back(std::move(r));
  }
}

RouteMatch MatchRest(const DeployedApi& api, const std::string& method, const std::string& path) {
  auto segments = PathSegments(path);
  RouteMatch best;
  std::vector<int> best_ranks;
  for (const auto& route : api.routes) {
    const rapidjson::Value* methods = json::Get(*route.node, "resourceMethods");
    if (methods == nullptr || !methods->IsObject()) {
      continue;
    }
    const rapidjson::Value* m = json::Get(*methods, method);
    if (m == nullptr) {
      m = json::Get(*methods, "ANY");
    }
    if (m == nullptr) {
      continue;
    }
    auto ranks = Match(route.parts, segments, nullptr);
    if (!ranks) {
      continue;
    }
    if (best.route == nullptr || *ranks > best_ranks ||
        (*ranks == best_ranks && json::Get(*methods, method) != nullptr)) {
      best.route = &route;
      best.method = m;
      best_ranks = *ranks;
    }
  }
  if (best.route != nullptr) {
    Match(best.route->parts, segments, &best.path_params);
  }
  return best;
}

RouteMatch MatchHttp(const DeployedApi& api, const std::string& method, const std::string& path) {
  auto segments = PathSegments(path);
  RouteMatch best;
  std::vector<int> best_ranks;
  bool best_exact_method = false;
  for (const auto& route : api.routes) {
    bool exact = route.method == method;
    if (!exact && route.method != "ANY") {
      continue;
    }
    auto ranks = Match(route.parts, segments, nullptr);
    if (!ranks) {
      continue;
    }
    // AWS: the most specific path wins; for equal paths a method beats ANY.
    if (best.route == nullptr || *ranks > best_ranks ||
        (*ranks == best_ranks && exact && !best_exact_method)) {
      best.route = &route;
      best_ranks = *ranks;
      best_exact_method = exact;
    }
  }
  if (best.route != nullptr) {
    Match(best.route->parts, segments, &best.path_params);
  }
  return best;
}

}  // namespace nimbus::apigateway
