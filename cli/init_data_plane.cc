#include "cli/init_data_plane.h"

namespace nimbus::cli {
namespace {

// The part after ".../init", or nullopt when the path is not an init path.
std::optional<std::string_view> StagePart(std::string_view path) {
  for (std::string_view prefix : {"/_localstack/init", "/_nimbus/init"}) {
    if (path.substr(0, prefix.size()) == prefix) {
      std::string_view rest = path.substr(prefix.size());
      if (rest.empty() || rest == "/") {
        return std::string_view();
      }
      if (rest.front() == '/') {
        rest.remove_prefix(1);
        if (!rest.empty() && rest.back() == '/') {
          rest.remove_suffix(1);
        }
        if (rest.find('/') == std::string_view::npos) {
          return rest;
        }
      }
    }
  }
  return std::nullopt;
}

protocol::HttpResponse Json(unsigned status, std::string body) {
  protocol::HttpResponse res;
  res.status = status;
  res.SetHeader("Content-Type", "application/json");
  res.body = std::move(body);
  return res;
}

}  // namespace

bool InitDataPlane::Matches(const protocol::HttpRequest& request) const {
  return (request.method == "GET" || request.method == "HEAD") &&
         StagePart(request.path).has_value();
}

boost::asio::awaitable<protocol::HttpResponse> InitDataPlane::Handle(
    protocol::HttpRequest& request, const std::string&) {
  std::string_view stage = *StagePart(request.path);
  if (stage.empty()) {
    co_return Json(200, hooks_.StatusJson());
  }
  auto parsed = InitHooks::ParseStage(std::string(stage));
  if (!parsed) {
    co_return Json(404, R"({"error":"no such stage"})");
  }
  co_return Json(200, hooks_.StageStatusJson(*parsed));
}

}  // namespace nimbus::cli
