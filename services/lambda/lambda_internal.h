#pragma once

// Shared by the lambda_*.cc files of LambdaService; not part of the service's interface.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "services/common/operation_table.h"
#include "services/common/scope.h"
#include "services/lambda/lambda_arn.h"
#include "services/lambda/lambda_model.h"

namespace nimbus::lambda {

// What a FunctionName (+ Qualifier) resolved to.
struct Target {
  Function function;
  std::string qualifier;  // as the caller gave it; "" when none
  std::optional<Alias> alias;
  FunctionVersion version;  // for an alias: its primary version

  Scope scope() const { return Scope{function.account, function.region}; }
  std::string UnqualifiedArn() const {
    return FunctionArn(function.region, function.account, function.name);
  }
  // Qualified with the qualifier as given (alias, number or $LATEST), else unqualified.
  std::string Arn() const {
    return qualifier.empty() ? UnqualifiedArn()
                             : QualifiedArn(function.region, function.account, function.name,
                                            qualifier);
  }
};

// One queued Event invocation as the queue holds it: the stored event, and the Reset
// generation it belongs to (events from before a reset are dropped).
struct AsyncEvent {
  QueuedEvent e;
  uint64_t generation = 0;
  int deferrals = 0;  // throttles and system errors so far (their backoff)
};

// What CreateEventSourceMapping learns about a queue.
struct QueueFacts {
  bool fifo = false;
  int64_t visibility_timeout = 30;
};

// Builds output documents (rapidjson values shaped like the operation's output).
class Out {
 public:
  Out() { doc_.SetObject(); }
  rapidjson::Document::AllocatorType& a() { return doc_.GetAllocator(); }
  rapidjson::Value Str(std::string_view s) {
    return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a());
  }
  rapidjson::Value StrList(const std::vector<std::string>& items) {
    rapidjson::Value v(rapidjson::kArrayType);
    for (const auto& s : items) {
      v.PushBack(Str(s), a());
    }
    return v;
  }
  void Set(rapidjson::Value& obj, const char* key, rapidjson::Value v) {
    obj.AddMember(rapidjson::Value(key, a()), std::move(v), a());
  }
  void Set(const char* key, rapidjson::Value v) { Set(doc_, key, std::move(v)); }
  void SetStr(rapidjson::Value& obj, const char* key, std::string_view s) { Set(obj, key, Str(s)); }
  void SetStr(const char* key, std::string_view s) { Set(key, Str(s)); }
  rapidjson::Value Copy(const rapidjson::Value& v) { return rapidjson::Value(v, a()); }
  Output Take() { return std::move(doc_); }
  Output& doc() { return doc_; }

 private:
  Output doc_;
};

inline Output EmptyOutput() {
  Output o;
  o.SetObject();
  return o;
}

// FunctionConfiguration of `v`, with `arn` as its FunctionArn.
rapidjson::Value FunctionConfigurationJson(Out& out, const FunctionVersion& v,
                                           const std::string& arn);

// "YYYY-MM-DDThh:mm:ss.sss+0000" (FunctionConfiguration.LastModified and friends).
std::string LambdaTimestamp(int64_t epoch_ms);

// Pagination over an ordered list by an opaque marker (the index to resume at, base64).
struct Page {
  size_t begin = 0;
  size_t end = 0;
  std::optional<std::string> next_marker;
};
std::optional<Page> Paginate(size_t total, const std::optional<std::string>& marker,
                             int64_t max_items);

// A ValidationException when `v` is outside lo..hi (the member named `field`, camelCase).
std::optional<AwsError> CheckRange(const char* field, int64_t v, int64_t lo, int64_t hi);
// MaxItems of a List operation, checked against 1..hi; `fallback` when absent.
std::optional<int64_t> ReadMaxItems(ParamReader& in, int64_t hi, int64_t fallback,
                                    AwsError& error);

// The model's Runtime enum (lambda.json), and those AWS no longer lets functions use.
bool KnownRuntime(std::string_view runtime);
bool DeprecatedRuntime(std::string_view runtime);
std::string RuntimeEnumText();

}  // namespace nimbus::lambda
