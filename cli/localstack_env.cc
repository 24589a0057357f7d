#include "cli/localstack_env.h"

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

extern char** environ;

namespace nimbus::cli {
namespace {

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

// Settings Nimbus reads (design.md §6 and the README's configuration table).
const std::set<std::string_view>& Used() {
  static const std::set<std::string_view> used = {
      "GATEWAY_LISTEN", "SERVICES", "DEBUG", "PERSISTENCE", "DATA_DIR", "LAMBDA_KEEPALIVE_MS",
      "LAMBDA_ASYNC_RETRY_BASE_MS", "SQS_ENDPOINT_STRATEGY", "ENFORCE_IAM", "LOCALSTACK_HOST",
      "EDGE_PORT", "LS_LOG", "SIGV4_VERIFY", "LOCALSTACK_GATEWAY_LISTEN", "LOCALSTACK_SERVICES",
      "LOCALSTACK_DEBUG", "LOCALSTACK_PERSISTENCE", "LOCALSTACK_DATA_DIR",
      "LOCALSTACK_LAMBDA_KEEPALIVE_MS", "LOCALSTACK_SQS_ENDPOINT_STRATEGY",
      "LOCALSTACK_ENFORCE_IAM", "LOCALSTACK_EDGE_PORT", "LOCALSTACK_LS_LOG"};
  return used;
}

// LocalStack settings that configure what Nimbus does differently or has no use for (Docker
// executors, Pro features, TLS, analytics). Named explicitly because they carry no common prefix.
const std::set<std::string_view>& KnownLocalStack() {
  static const std::set<std::string_view> known = {
      "ACTIVATE_PRO", "ALLOW_NONSTANDARD_REGIONS", "BUCKET_MARKER_LOCAL", "CUSTOM_SSL_CERT_PATH",
      "DISABLE_CORS_CHECKS", "DISABLE_CORS_HEADERS", "DISABLE_CUSTOM_CORS_APIGATEWAY",
      "DISABLE_EVENTS", "DNS_ADDRESS", "DNS_RESOLVE_IP", "DOCKER_BRIDGE_IP", "DOCKER_FLAGS",
      "DOCKER_HOST", "DOCKER_SOCK", "EAGER_SERVICE_LOADING", "EXTRA_CORS_ALLOWED_HEADERS",
      "EXTRA_CORS_ALLOWED_ORIGINS", "EXTRA_CORS_EXPOSE_HEADERS", "GATEWAY_SERVER",
      "HOSTNAME_EXTERNAL", "HOSTNAME_FROM_LAMBDA", "IAM_SOFT_MODE", "KINESIS_PROVIDER",
      "LEGACY_DOCKER_CLIENT", "LOCALSTACK_API_KEY", "LOCALSTACK_AUTH_TOKEN", "LOCALSTACK_HOSTNAME",
      "LOCALSTACK_VOLUME_DIR", "MAIN_CONTAINER_NAME", "MAIN_DOCKER_NETWORK", "OUTBOUND_HTTP_PROXY",
      "OUTBOUND_HTTPS_PROXY", "PERSIST_ALL", "SKIP_INFRA_DOWNLOADS", "SKIP_SSL_CERT_DOWNLOAD",
      "SNAPSHOT_FLUSH_INTERVAL", "SNAPSHOT_LOAD_STRATEGY", "SNAPSHOT_SAVE_STRATEGY",
      "STRICT_SERVICE_LOADING", "USE_SSL", "USE_SINGLE_REGION", "DEFAULT_REGION",
      "EDGE_BIND_HOST", "EDGE_FORWARD_URL", "DATA_DIR", "TMPDIR_LOCALSTACK", "DISABLE_TERM_HANDLER"};
  return known;
}

// Prefixes of LocalStack's per-service and per-feature settings.
constexpr std::string_view kPrefixes[] = {
    "LAMBDA_", "SQS_", "SNS_", "LOCALSTACK_", "LS_", "DYNAMODB_", "KINESIS_", "S3_", "EDGE_",
    "PROVIDER_OVERRIDE_", "OPENSEARCH_", "ES_", "KMS_", "CFN_", "STEPFUNCTIONS_", "APIGW_",
    "DOCKER_", "PORTS_", "SES_", "DNS_", "IAM_", "STS_", "SECRETSMANAGER_", "EVENT_RULE_",
    "ACM_", "BIGDATA_", "ECS_", "EKS_", "RDS_", "REDSHIFT_", "WAF_", "GLUE_", "EXTERNAL_SERVICE_",
    "HOSTNAME_"};

}  // namespace

void ApplyLocalStackAliases() {
  // LocalStack: any setting may carry a LOCALSTACK_ prefix (LOCALSTACK_PERSISTENCE=1).
  for (const char* name : {"GATEWAY_LISTEN", "SERVICES", "DEBUG", "PERSISTENCE", "DATA_DIR",
                           "LAMBDA_KEEPALIVE_MS", "SQS_ENDPOINT_STRATEGY", "ENFORCE_IAM",
                           "EDGE_PORT", "LS_LOG"}) {
    std::string prefixed = std::string("LOCALSTACK_") + name;
    if (const char* v = Env(prefixed.c_str()); v != nullptr && Env(name) == nullptr) {
      ::setenv(name, v, 1);
    }
  }
  if (const char* port = Env("EDGE_PORT"); port != nullptr && Env("GATEWAY_LISTEN") == nullptr) {
    ::setenv("GATEWAY_LISTEN", (std::string("0.0.0.0:") + port).c_str(), 1);
  }
  if (const char* level = Env("LS_LOG"); level != nullptr && Env("DEBUG") == nullptr) {
    std::string l(level);
    if (l == "debug" || l == "trace" || l == "trace-internal") {
      ::setenv("DEBUG", "1", 1);
    }
  }
}

void ReportEnvironment(bool debug) {
  if (!debug) {
    return;
  }
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    std::string_view name = kv.substr(0, kv.find('='));
    if (Used().count(name) != 0 || name.substr(0, 7) == "NIMBUS_") {
      continue;
    }
    bool localstack = KnownLocalStack().count(name) != 0;
    for (std::string_view prefix : kPrefixes) {
      localstack = localstack || name.substr(0, prefix.size()) == prefix;
    }
    if (localstack) {
      std::fprintf(stderr, "nimbus: debug: %.*s is not a Nimbus setting; ignored\n",
                   static_cast<int>(name.size()), name.data());
    }
  }
}

}  // namespace nimbus::cli
