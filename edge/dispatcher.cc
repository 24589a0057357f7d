#include "edge/dispatcher.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "edge/protocol/validate.h"
#include "storage/database.h"

namespace nimbus::edge {
namespace asio = boost::asio;

namespace {

AwsError MissingMember(const protocol::ServiceSpec& spec, const std::string& path) {
  if (spec.conventions.validation_code == "MissingParameter") {
    return AwsError::Sender("MissingParameter",
                            "The request must contain the parameter " + path + ".");
  }
  // AWS: "1 validation error detected: Value null at 'roleArn' ..." (member in camelCase).
  std::string camel = path;
  if (!camel.empty()) {
    camel[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(camel[0])));
  }
  return AwsError::Sender(spec.conventions.validation_code,
                          "1 validation error detected: Value null at '" + camel +
                              "' failed to satisfy constraint: Member must not be null");
}

asio::awaitable<Result<rapidjson::Document>> RunHandler(const OperationHandler& handler,
                                                        RequestContext& ctx,
                                                        const rapidjson::Value& params) {
  ParamReader reader(params);
  try {
    if (handler.async) {
      co_return co_await handler.async(ctx, reader);
    }
    co_return handler.sync(ctx, reader);
  } catch (const storage::StoreException& e) {
    std::fprintf(stderr, "nimbus: store failure in %s.%s (%s): %s\n", ctx.service.c_str(),
                 ctx.operation.c_str(), ctx.request_id.c_str(), e.what());
    co_return InternalFailure("The service failed to store the request's state.");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nimbus: handler %s.%s failed (%s): %s\n", ctx.service.c_str(),
                 ctx.operation.c_str(), ctx.request_id.c_str(), e.what());
    co_return InternalFailure("The service failed to process the request.");
  }
}

asio::awaitable<void> ResetService(Service& service) {
  service.Reset();
  co_return;
}

}  // namespace

std::string HealthName(std::string_view model) {
  if (model == "apigatewayv2") {
    return "apigateway";
  }
  return std::string(model);
}

void Dispatcher::Add(std::unique_ptr<Service> service) {
  std::string name(service->Name());
  // Checked against the routing index, not the full model: startup parses no model.
  const auto* index = protocol::SpecRegistry::Instance().FindIndex(name);
  if (index == nullptr) {
    throw std::logic_error("service " + name + " has no embedded model");
  }
  auto entry = std::make_unique<Entry>(std::move(service), asio::make_strand(ioc_));
  entry->service->Register(entry->table);
  for (const auto& [op, handler] : entry->table.handlers()) {
    if (!std::binary_search(index->operations.begin(), index->operations.end(), op)) {
      throw std::logic_error("service " + name + " registers " + op + ", not in its model");
    }
  }
  entries_.emplace(name, std::move(entry));
}

void Dispatcher::StartAll(const ServiceEnv& base_env) {
  for (auto& [name, entry] : entries_) {
    ServiceEnv env = base_env;
    env.strand = entry->strand;
    env.client = this;
    entry->service->Start(env);
  }
}

void Dispatcher::StopAll() {
  for (auto& [name, entry] : entries_) {
    asio::post(entry->strand, [service = entry->service.get()] { service->Stop(); });
  }
}

Dispatcher::Entry* Dispatcher::Find(std::string_view service) {
  auto it = entries_.find(service);
  return it == entries_.end() ? nullptr : it->second.get();
}

asio::awaitable<Result<rapidjson::Document>> Dispatcher::Dispatch(
    const protocol::ServiceSpec& spec, protocol::OperationCall& call, RequestContext& ctx) {
  const protocol::OperationSpec& op = *call.operation;
  ctx.service = spec.name;
  ctx.operation = op.name;
  if (op.input != nullptr) {
    if (auto missing = protocol::FindMissingRequired(*op.input, call.params)) {
      co_return MissingMember(spec, *missing);
    }
  }
  Entry* entry = Find(spec.name);
  const OperationHandler* handler = entry ? entry->table.Find(op.name) : nullptr;
  if (handler == nullptr) {
    co_return NotImplemented(spec.name, op.name);
  }
  entry->used.store(true, std::memory_order_relaxed);
  if (inline_handlers_) {
    co_return co_await RunHandler(*handler, ctx, call.params);
  }
  co_return co_await asio::co_spawn(entry->strand, RunHandler(*handler, ctx, call.params),
                                    asio::use_awaitable);
}

asio::awaitable<Result<rapidjson::Document>> Dispatcher::Call(std::string_view service,
                                                              std::string_view operation,
                                                              const Scope& scope,
                                                              rapidjson::Document params) {
  const auto* spec = protocol::SpecRegistry::Instance().Find(service);
  const auto* op = spec ? spec->FindOperation(operation) : nullptr;
  if (op == nullptr) {
    co_return InternalFailure("internal call to unknown operation " + std::string(service) + "." +
                              std::string(operation));
  }
  protocol::OperationCall call{op, std::move(params)};
  RequestContext ctx;
  ctx.scope = scope;
  ctx.internal = true;
  co_return co_await Dispatch(*spec, call, ctx);
}

asio::awaitable<void> Dispatcher::ResetAll() {
  for (auto& [name, entry] : entries_) {
    co_await asio::co_spawn(entry->strand, ResetService(*entry->service), asio::use_awaitable);
  }
}

asio::any_io_executor Dispatcher::StrandOf(std::string_view service) {
  Entry* entry = Find(service);
  return entry ? asio::any_io_executor(entry->strand) : asio::any_io_executor();
}

std::map<std::string, std::string> Dispatcher::Statuses() const {
  std::map<std::string, std::string> out;
  for (const auto& e : protocol::SpecRegistry::Instance().Index()) {
    out.emplace(HealthName(e.name), "available");
  }
  for (const auto& [name, entry] : entries_) {
    if (entry->used.load(std::memory_order_relaxed)) {
      out[HealthName(name)] = "running";
    }
  }
  return out;
}

}  // namespace nimbus::edge
