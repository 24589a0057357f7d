#pragma once

#include "cli/init_hooks.h"
#include "edge/data_plane.h"

namespace nimbus::cli {

// GET /_localstack/init[/<stage>] and /_nimbus/init[/<stage>]: the init hooks' status in
// LocalStack's shape (an unknown stage is a 404).
class InitDataPlane final : public edge::DataPlane {
 public:
  explicit InitDataPlane(const InitHooks& hooks) : hooks_(hooks) {}

  std::string_view Name() const override { return "nimbus-init"; }
  bool Matches(const protocol::HttpRequest& request) const override;
  boost::asio::awaitable<protocol::HttpResponse> Handle(protocol::HttpRequest& request,
                                                        const std::string& request_id) override;

 private:
  const InitHooks& hooks_;
};

}  // namespace nimbus::cli
