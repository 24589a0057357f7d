#pragma once

#include <boost/asio/awaitable.hpp>

#include <vector>

#include "edge/auth.h"
#include "edge/config.h"
#include "edge/data_plane.h"
#include "edge/dispatcher.h"
#include "edge/protocol/codec.h"

namespace nimbus::edge {

// One HTTP request in, one HTTP response out: router → codec → dispatcher → codec, plus the
// internal /_nimbus endpoints. Knows nothing of sockets (the Session does).
class Gateway {
 public:
  Gateway(const Config& config, Dispatcher& dispatcher)
      : config_(config), dispatcher_(dispatcher), auth_(config) {}

  boost::asio::awaitable<protocol::HttpResponse> Handle(protocol::HttpRequest& request);

  // Registers a data plane (not owned; it outlives the gateway). Call before serving.
  void AddDataPlane(DataPlane* plane) { data_planes_.push_back(plane); }
  // Authentication and policy checks (IAM; not owned). Without one nothing is checked.
  void SetAccessControl(AccessControl* access) { auth_.SetAccessControl(access); }

 private:
  struct Outcome {
    protocol::HttpResponse response;
    std::string service;
    std::string operation;
  };
  boost::asio::awaitable<Outcome> HandleAws(const struct RouteTarget& target,
                                            protocol::HttpRequest& request,
                                            const std::string& request_id);
  boost::asio::awaitable<protocol::HttpResponse> HandleInternal(
      const protocol::HttpRequest& request);

  const Config& config_;
  Dispatcher& dispatcher_;
  std::vector<DataPlane*> data_planes_;
  EdgeAuth auth_;
};

}  // namespace nimbus::edge
