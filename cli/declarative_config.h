#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <rapidjson/document.h>

#include "services/common/service_client.h"

namespace nimbus::cli {

// NIMBUS_CONFIG=<file.json|file.yaml>: resources created at startup, before "Ready.", through
// the same in-process calls the services make to each other (so they are validated exactly
// like API calls). docs/declarative-config.md describes the format:
//   region, account                      defaults for everything below
//   queues:    [{name, attributes, tags}]
//   topics:    [{name, attributes, tags, subscriptions: [{protocol, endpoint, attributes}]}]
//   functions: [{path, name, handler, runtime, role, timeout, memory, environment,
//                description, events: [{queue, batch_size, batching_window, report_failures}]}]
//   apis:      [{name, type: http|rest, stage, routes: [{route: "METHOD /path",
//                function | queue}]}]
// ${NAME} and ${NAME:-default} in the file are replaced from the environment first (as in
// compose files; $$ is a literal $), so one file serves compose and a local process.
// Queue, topic and function names resolve to ARNs/URLs of the same account and region; a
// function's `path` (relative to the config file) is its code, served in place (hot reload).
// ${NAME} / ${NAME:-default} / $$ expansion. Throws std::invalid_argument for an unset NAME
// without a default.
std::string ExpandVariables(const std::string& text);

class DeclarativeConfig {
 public:
  // nullptr when NIMBUS_CONFIG is unset. Throws std::invalid_argument (unreadable file, bad
  // syntax, unknown keys, wrong types): startup fails before anything listens.
  static std::unique_ptr<DeclarativeConfig> FromEnvironment();
  static std::unique_ptr<DeclarativeConfig> Load(const std::string& path);

  // Creates everything in file order (queues, topics, functions, APIs). Returns "" or the first
  // error ("queues[1] inbox: CreateQueue: QueueAlreadyExists: ...").
  boost::asio::awaitable<std::string> Apply(ServiceClient& client);

 private:
  DeclarativeConfig(std::string base_dir, rapidjson::Document doc)
      : base_dir_(std::move(base_dir)), doc_(std::move(doc)) {}
  void Validate() const;

  std::string base_dir_;
  rapidjson::Document doc_;
};

}  // namespace nimbus::cli
