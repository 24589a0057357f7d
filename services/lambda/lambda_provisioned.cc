// LambdaService: provisioned concurrency. The configs live in the store; the environments are
// real: the executor starts the asked-for number of the version's environments at once, keeps
// them initialized and warm outside the keep-alive, replaces those that die, and routes
// invocations to them first (their AWS_LAMBDA_INITIALIZATION_TYPE is provisioned-concurrency).
#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_internal.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
namespace asio = boost::asio;
using rapidjson::Value;

namespace {

constexpr int64_t kMaxProvisionedListItems = 50;

AwsError NotPublished() {
  return errors::InvalidParameterValue(
      "Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
}
AwsError NeedsPublished() {
  return errors::InvalidParameterValue(
      "The function resource provided must be an alias or a published version.");
}
AwsError NoConfig() {
  return AwsError::Sender("ProvisionedConcurrencyConfigNotFoundException",
                          "No Provisioned Concurrency Config found for this function", 404);
}

bool IsLatest(const std::string& qualifier) { return qualifier.empty() || qualifier == kLatest; }

}  // namespace

// The version a config's qualifier names now (an alias follows its current version).
std::optional<std::string> LambdaService::ProvisionedVersion(const ProvisionedConfig& c) {
  if (IsVersionNumber(c.qualifier)) {
    return c.qualifier;
  }
  auto alias = store_->FindAlias(Scope{c.account, c.region}, c.function, c.qualifier);
  if (!alias) {
    return std::nullopt;
  }
  return alias->function_version;
}

asio::awaitable<void> LambdaService::SyncProvisionedLater(Scope scope, std::string function) {
  co_await SyncProvisioned(scope, function);
}

asio::awaitable<void> LambdaService::SyncProvisioned(const Scope& scope,
                                                     const std::string& function) {
  auto fn = store_->FindFunction(scope, function);
  std::string arn = FunctionArn(scope.region, scope.account_id, function);
  if (!fn) {
    co_return;  // DeleteFunction retired every environment already
  }
  std::map<std::string, int64_t> wanted;  // version → environments
  for (const auto& c : store_->ListProvisioned(scope, function)) {
    if (auto version = ProvisionedVersion(c)) {
      wanted[*version] += c.requested;
    }
  }
  for (const auto& v : store_->ListVersions(scope, function)) {
    if (v.version == kLatest) {
      continue;
    }
    auto it = wanted.find(v.version);
    runtime::FunctionConfig config = BuildRuntimeConfig(*fn, v);
    if (it != wanted.end()) {
      co_await AddRoleCredentials(config);
    }
    int count = it == wanted.end() ? 0 : static_cast<int>(it->second);
    co_await executor_.Provision(config, count);
  }
}

void LambdaService::ResumeProvisioned() {
  std::set<std::pair<std::string, std::string>> seen;  // (account, region + function)
  for (const auto& c : store_->AllProvisioned()) {
    if (seen.emplace(c.account, c.region + "/" + c.function).second) {
      asio::co_spawn(strand_, SyncProvisionedLater(Scope{c.account, c.region}, c.function),
                     asio::detached);
    }
  }
}

asio::awaitable<void> LambdaService::Unprovision(runtime::FunctionConfig config) {
  co_await executor_.Provision(config, 0);
}

asio::awaitable<Result<Output>> LambdaService::ProvisionedOutput(const ProvisionedConfig& c,
                                                                 bool with_arn) {
  Out out;
  auto version = ProvisionedVersion(c);
  runtime::ProvisionedState state;
  if (version) {
    std::string arn = FunctionArn(c.region, c.account, c.function);
    state = co_await executor_.Provisioned(arn, *version);
  }
  if (with_arn) {
    out.SetStr("FunctionArn", QualifiedArn(c.region, c.account, c.function, c.qualifier));
  }
  int64_t ready = std::min<int64_t>(state.ready, c.requested);
  out.Set("RequestedProvisionedConcurrentExecutions", Value(c.requested));
  out.Set("AvailableProvisionedConcurrentExecutions", Value(ready));
  out.Set("AllocatedProvisionedConcurrentExecutions", Value(ready));
  if (!state.failure.empty()) {
    out.SetStr("Status", "FAILED");
    out.SetStr("StatusReason", state.failure);
  } else {
    out.SetStr("Status", ready >= c.requested ? "READY" : "IN_PROGRESS");
  }
  out.SetStr("LastModified", c.last_modified);
  co_return out.Take();
}

asio::awaitable<Result<Output>> LambdaService::PutProvisionedConcurrencyConfig(
    RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("FunctionName");
  std::string qualifier = in.String("Qualifier");
  int64_t requested = in.Int("ProvisionedConcurrentExecutions");
  if (in.error()) {
    co_return *in.error();
  }
  if (IsLatest(qualifier)) {
    co_return NotPublished();
  }
  if (auto e = CheckRange("provisionedConcurrentExecutions", requested, 1,
                          std::numeric_limits<int32_t>::max())) {
    co_return *e;
  }
  auto t = ResolveRef(ctx, name, qualifier, QualifierUse::kAllowed);
  if (!t) {
    co_return t.error();
  }
  Scope scope = t->scope();
  // One version is provisioned through one qualifier: either the version or an alias on it.
  for (const auto& other : store_->ListProvisioned(scope, t->function.name)) {
    if (other.qualifier == t->qualifier) {
      continue;
    }
    if (ProvisionedVersion(other) == t->version.version) {
      co_return errors::ResourceConflict(
          t->alias ? "Alias can't be used for Provisioned Concurrency configuration on an "
                     "already Provisioned version"
                   : "Version is pointed by a Provisioned Concurrency alias");
    }
  }
  ProvisionedConfig c;
  c.account = t->function.account;
  c.region = t->function.region;
  c.function = t->function.name;
  c.qualifier = t->qualifier;
  c.requested = requested;
  c.last_modified = Now();
  store_->PutProvisioned(c);
  co_await SyncProvisioned(scope, c.function);
  co_return co_await ProvisionedOutput(c, false);
}

// Get and Delete: FunctionName + Qualifier naming an alias or a published version.
Result<Target> LambdaService::ResolvePublished(const RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("FunctionName");
  std::string qualifier = in.String("Qualifier");
  if (in.error()) {
    return *in.error();
  }
  if (IsLatest(qualifier)) {
    return NeedsPublished();
  }
  return ResolveRef(ctx, name, qualifier, QualifierUse::kAllowed);
}

asio::awaitable<Result<Output>> LambdaService::GetProvisionedConcurrencyConfig(
    RequestContext& ctx, ParamReader& in) {
  auto t = ResolvePublished(ctx, in);
  if (!t) {
    co_return t.error();
  }
  auto c = store_->FindProvisioned(t->scope(), t->function.name, t->qualifier);
  if (!c) {
    co_return NoConfig();
  }
  co_return co_await ProvisionedOutput(*c, false);
}

asio::awaitable<Result<Output>> LambdaService::ListProvisionedConcurrencyConfigs(
    RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    co_return fn.error();
  }
  auto marker = in.OptString("Marker");
  AwsError error;
  auto max = ReadMaxItems(in, kMaxProvisionedListItems, kMaxProvisionedListItems, error);
  if (!max) {
    co_return error;
  }
  if (in.error()) {
    co_return *in.error();
  }
  auto configs = store_->ListProvisioned(Scope{fn->account, fn->region}, fn->name);
  auto page = Paginate(configs.size(), marker, *max);
  if (!page) {
    co_return errors::InvalidParameterValue("Invalid marker: " + marker.value_or(""));
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    auto item = co_await ProvisionedOutput(configs[i], true);
    list.PushBack(out.Copy(*item), out.a());
  }
  out.Set("ProvisionedConcurrencyConfigs", std::move(list));
  if (page->next_marker) {
    out.SetStr("NextMarker", *page->next_marker);
  }
  co_return out.Take();
}

asio::awaitable<Result<Output>> LambdaService::DeleteProvisionedConcurrencyConfig(
    RequestContext& ctx, ParamReader& in) {
  auto t = ResolvePublished(ctx, in);
  if (!t) {
    co_return t.error();
  }
  // Idempotent, as AWS's: deleting what is not there succeeds.
  Scope scope = t->scope();  // named: GCC 12 mishandles temporaries in co_await arguments
  std::string function = t->function.name;
  store_->DeleteProvisioned(scope, function, t->qualifier);
  co_await SyncProvisioned(scope, function);
  co_return EmptyOutput();
}

}  // namespace nimbus::lambda
