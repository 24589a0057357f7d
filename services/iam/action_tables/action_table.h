#pragma once

#include <span>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "services/common/scope.h"

namespace nimbus::iam {

// What an operation's resource ARN is built from.
struct ActionInput {
  const rapidjson::Value* params = nullptr;  // the operation's input, shaped like the model
  Scope scope;
  std::string http_method;  // of the wire request (API Gateway's actions are HTTP methods)
  std::string path;
};

using ResourceFn = std::string (*)(const ActionInput& in);

// One row: an AWS operation, the IAM action it needs and how to name the resource. An empty
// action means the operation needs no permission (sts:GetCallerIdentity).
struct ActionEntry {
  std::string_view operation;
  std::string_view action;
  ResourceFn resource;
};

// A service's table (services/iam/action_tables/<service>.cc). Operations not listed need
// "<prefix>:<Operation>" on `fallback`'s resource.
struct ServiceActionTable {
  std::string_view service;  // model name
  std::string_view prefix;   // IAM service prefix ("sqs")
  std::span<const ActionEntry> entries;
  ResourceFn fallback;
};

const ServiceActionTable& SqsActions();
const ServiceActionTable& SnsActions();
const ServiceActionTable& LambdaActions();
const ServiceActionTable& IamActions();
const ServiceActionTable& StsActions();
const ServiceActionTable& LogsActions();
const ServiceActionTable& ApiGatewayActions();
const ServiceActionTable& ApiGatewayV2Actions();

struct ResolvedAction {
  std::string action;    // empty: no permission needed
  std::string resource;  // ARN or "*"
};

// The action and resource of a call, from its service's table.
ResolvedAction ResolveAction(std::string_view service, std::string_view operation,
                             const ActionInput& in);

// Helpers for the tables.
std::string Param(const ActionInput& in, const char* name);
std::string AnyResource(const ActionInput& in);

}  // namespace nimbus::iam
