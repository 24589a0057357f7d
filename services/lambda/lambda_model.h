#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Lambda domain structs: what the control plane stores. No JSON, no SQL (the store maps them).
namespace nimbus::lambda {

inline constexpr char kLatest[] = "$LATEST";
// AWS: the CodeSha256 LocalStack reports for hot-reload functions (code from a local folder).
inline constexpr char kHotReloadBucket[] = "hot-reload";
inline constexpr char kHotReloadSha[] = "hot-reloading-hash-not-available";

// A function's or layer's code: a package in the CodeStore, or a local folder (hot reload).
struct CodeRef {
  std::string sha256;  // CodeSha256 (base64 SHA-256 of the zip)
  int64_t size = 0;    // CodeSize: bytes of the zip (0 for hot reload)
  std::string dir;     // unpacked package, or the user's folder
  bool hot_reload = false;
};

// A layer version a function references, resolved when the function was configured (AWS: a
// function keeps working after the layer version is deleted).
struct LayerRef {
  std::string arn;  // arn:aws:lambda:<r>:<a>:layer:<name>:<n>
  int64_t code_size = 0;
  std::string code_dir;
};

// One version of a function: $LATEST or a published, immutable number.
struct FunctionVersion {
  std::string account;
  std::string region;
  std::string name;
  std::string version = "$LATEST";

  std::string runtime;
  std::string role;
  std::string handler;
  std::string description;
  int64_t timeout = 3;
  int64_t memory_size = 128;
  std::map<std::string, std::string> environment;
  std::string tracing_mode = "PassThrough";
  std::vector<std::string> architectures = {"x86_64"};
  int64_t ephemeral_storage = 512;
  std::string snap_start_apply_on = "None";
  std::string log_format = "Text";
  std::string log_group;  // "/aws/lambda/<name>" unless configured
  std::string application_log_level;  // JSON log format only
  std::string system_log_level;       // JSON log format only
  std::vector<LayerRef> layers;
  std::string package_type = "Zip";
  std::string dead_letter_target_arn;
  std::string kms_key_arn;
  std::vector<std::string> subnet_ids;
  std::vector<std::string> security_group_ids;
  CodeRef code;

  std::string last_modified;  // "YYYY-MM-DDThh:mm:ss.sss+0000"
  std::string revision_id;    // a UUID, new on every change
  std::string state = "Pending";
  std::string state_reason;
  std::string state_reason_code;
  std::string last_update_status;
  std::string last_update_status_reason;
  std::string last_update_status_reason_code;

  bool IsLatest() const { return version == kLatest; }
};

// Function-level facts shared by all versions.
struct Function {
  std::string account;
  std::string region;
  std::string name;
  std::map<std::string, std::string> tags;
  std::optional<int64_t> reserved_concurrency;
  int64_t last_version = 0;  // highest published version number
  // RevisionId of $LATEST when it was last published: publishing an unchanged $LATEST again
  // returns that version instead of a new one (AWS).
  std::string published_revision;
};

struct Alias {
  std::string account;
  std::string region;
  std::string function;
  std::string name;
  std::string function_version;
  std::string description;
  std::map<std::string, double> additional_weights;  // RoutingConfig.AdditionalVersionWeights
  std::string revision_id;
};

struct LayerVersion {
  std::string account;
  std::string region;
  std::string name;
  int64_t version = 0;
  std::string description;
  std::string license_info;
  std::vector<std::string> compatible_runtimes;
  std::vector<std::string> compatible_architectures;
  std::string created_date;
  CodeRef code;
};

struct UrlConfig {
  std::string account;
  std::string region;
  std::string function;
  std::string qualifier;  // "" for the unqualified function, else an alias name
  std::string url_id;
  std::string auth_type;
  std::string invoke_mode = "BUFFERED";
  std::string cors_json;  // the Cors structure as given, JSON text ("" = none)
  std::string creation_time;
  std::string last_modified_time;
};

// An event source mapping (SQS only here): what a poller reads and which function it invokes.
struct EventSourceMapping {
  std::string uuid;
  std::string account;  // the function's account and region: the mapping's scope
  std::string region;
  std::string function_arn;  // as AWS reports it: qualified when a qualifier was given
  std::string event_source_arn;
  int64_t batch_size = 10;
  int64_t maximum_batching_window = 0;  // seconds
  bool enabled = true;  // what the user asked for; `state` follows it
  // Creating, Enabling, Enabled, Disabling, Disabled, Updating, Deleting.
  std::string state;
  std::string state_transition_reason = "USER_INITIATED";
  double last_modified = 0;  // epoch seconds
  std::vector<std::string> function_response_types;  // "ReportBatchItemFailures"
  std::vector<std::string> filter_patterns;           // FilterCriteria.Filters[].Pattern
  std::optional<int64_t> maximum_concurrency;         // ScalingConfig.MaximumConcurrency

  bool ReportsBatchItemFailures() const {
    for (const auto& t : function_response_types) {
      if (t == "ReportBatchItemFailures") {
        return true;
      }
    }
    return false;
  }
};

// How asynchronous invocations of one function qualifier are retried and where their results
// go (Put/UpdateFunctionEventInvokeConfig). The unqualified function is stored as "$LATEST".
struct EventInvokeConfig {
  std::string account;
  std::string region;
  std::string function;
  std::string qualifier = "$LATEST";
  std::optional<int64_t> maximum_retry_attempts;  // 0-2; AWS default 2
  std::optional<int64_t> maximum_event_age;       // seconds, 60-21600; AWS default 21600
  std::string on_success;  // destination ARNs, "" = none
  std::string on_failure;
  double last_modified = 0;  // epoch seconds
};

// Provisioned concurrency asked for one alias or published version
// (PutProvisionedConcurrencyConfig); how much of it is ready is the executor's to say.
struct ProvisionedConfig {
  std::string account;
  std::string region;
  std::string function;
  std::string qualifier;  // a version number or an alias name, never $LATEST
  int64_t requested = 0;
  std::string last_modified;  // Lambda's timestamp format
};

// An Event invocation waiting to run (or to be retried). Persisted until it is done, so that
// with PERSISTENCE=1 queued events survive a restart.
struct QueuedEvent {
  int64_t id = 0;  // store row id, 0 until stored
  std::string account;
  std::string region;
  std::string function;
  std::string qualifier;  // as invoked ("" = unqualified): picks the event invoke config
  std::string version;    // resolved when queued
  std::string payload;
  std::string request_id;
  int64_t enqueued_ms = 0;
  int attempts = 0;            // invocations made so far (throttles do not count)
  int64_t not_before_ms = 0;   // next attempt time (retry backoff)
  std::string last_response;   // payload of the last failed attempt (destination records)
  std::string last_function_error;
  std::string last_executed_version;
};

}  // namespace nimbus::lambda
