#include "services/lambda/lambda_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nimbus::lambda {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE lambda_functions (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  tags TEXT NOT NULL,
  reserved_concurrency INTEGER,
  last_version INTEGER NOT NULL DEFAULT 0,
  published_revision TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(account, region, name)
);
CREATE TABLE lambda_versions (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function TEXT NOT NULL,
  version_num INTEGER NOT NULL,  -- 0 = $LATEST
  config TEXT NOT NULL,
  PRIMARY KEY(account, region, function, version_num)
);
CREATE TABLE lambda_aliases (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY(account, region, function, name)
);
CREATE TABLE lambda_policies (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  statements TEXT NOT NULL,
  PRIMARY KEY(account, region, function, qualifier)
);
CREATE TABLE lambda_url_configs (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  url_id TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL,
  PRIMARY KEY(account, region, function, qualifier)
);
CREATE TABLE lambda_layers (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  last_version INTEGER NOT NULL,
  PRIMARY KEY(account, region, name)
);
CREATE TABLE lambda_layer_versions (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  code_size INTEGER NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY(account, region, name, version)
);
)sql",
    // v2: event source mappings, event invoke configs, and the queue of Event invocations.
    R"sql(
CREATE TABLE lambda_event_source_mappings (
  uuid TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function_arn TEXT NOT NULL,
  event_source_arn TEXT NOT NULL,
  created_seq INTEGER NOT NULL,
  config TEXT NOT NULL
);
CREATE INDEX lambda_esm_by_scope ON lambda_event_source_mappings(account, region, created_seq);
CREATE TABLE lambda_event_invoke_configs (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY(account, region, function, qualifier)
);
CREATE TABLE lambda_async_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  version TEXT NOT NULL,
  request_id TEXT NOT NULL,
  payload BLOB NOT NULL,
  enqueued_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  not_before_ms INTEGER NOT NULL,
  last_result TEXT NOT NULL  -- JSON: the last failed attempt, for destination records
);
)sql"};

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using rapidjson::Value;

void Str(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}
void Int(Writer& w, const char* key, int64_t v) {
  w.Key(key);
  w.Int64(v);
}
void StrList(Writer& w, const char* key, const std::vector<std::string>& v) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : v) {
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  }
  w.EndArray();
}
void StrMap(Writer& w, const char* key, const std::map<std::string, std::string>& m) {
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : m) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
}
void Code(Writer& w, const CodeRef& c) {
  w.Key("code");
  w.StartObject();
  Str(w, "sha256", c.sha256);
  Int(w, "size", c.size);
  Str(w, "dir", c.dir);
  w.Key("hot_reload");
  w.Bool(c.hot_reload);
  w.EndObject();
}

std::string GetStr(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsString()) {
    return {};
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}
int64_t GetInt(const Value& o, const char* key, int64_t fallback = 0) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : fallback;
}
std::vector<std::string> GetStrList(const Value& o, const char* key) {
  std::vector<std::string> out;
  auto it = o.FindMember(key);
  if (it != o.MemberEnd() && it->value.IsArray()) {
    for (const auto& v : it->value.GetArray()) {
      if (v.IsString()) {
        out.emplace_back(v.GetString(), v.GetStringLength());
      }
    }
  }
  return out;
}
std::map<std::string, std::string> GetStrMap(const Value& o, const char* key) {
  std::map<std::string, std::string> out;
  auto it = o.FindMember(key);
  if (it != o.MemberEnd() && it->value.IsObject()) {
    for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
      if (m->value.IsString()) {
        out.emplace(std::string(m->name.GetString(), m->name.GetStringLength()),
                    std::string(m->value.GetString(), m->value.GetStringLength()));
      }
    }
  }
  return out;
}
CodeRef GetCode(const Value& o) {
  CodeRef c;
  auto it = o.FindMember("code");
  if (it != o.MemberEnd() && it->value.IsObject()) {
    c.sha256 = GetStr(it->value, "sha256");
    c.size = GetInt(it->value, "size");
    c.dir = GetStr(it->value, "dir");
    auto h = it->value.FindMember("hot_reload");
    c.hot_reload = h != it->value.MemberEnd() && h->value.IsBool() && h->value.GetBool();
  }
  return c;
}

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    d.SetObject();
  }
  return d;
}

std::string VersionToJson(const FunctionVersion& v) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "account", v.account);
  Str(w, "region", v.region);
  Str(w, "name", v.name);
  Str(w, "version", v.version);
  Str(w, "runtime", v.runtime);
  Str(w, "role", v.role);
  Str(w, "handler", v.handler);
  Str(w, "description", v.description);
  Int(w, "timeout", v.timeout);
  Int(w, "memory_size", v.memory_size);
  StrMap(w, "environment", v.environment);
  Str(w, "tracing_mode", v.tracing_mode);
  StrList(w, "architectures", v.architectures);
  Int(w, "ephemeral_storage", v.ephemeral_storage);
  Str(w, "snap_start_apply_on", v.snap_start_apply_on);
  Str(w, "log_format", v.log_format);
  Str(w, "log_group", v.log_group);
  Str(w, "application_log_level", v.application_log_level);
  Str(w, "system_log_level", v.system_log_level);
  w.Key("layers");
  w.StartArray();
  for (const auto& l : v.layers) {
    w.StartObject();
    Str(w, "arn", l.arn);
    Int(w, "code_size", l.code_size);
    Str(w, "code_dir", l.code_dir);
    w.EndObject();
  }
  w.EndArray();
  Str(w, "package_type", v.package_type);
  Str(w, "dead_letter_target_arn", v.dead_letter_target_arn);
  Str(w, "kms_key_arn", v.kms_key_arn);
  StrList(w, "subnet_ids", v.subnet_ids);
  StrList(w, "security_group_ids", v.security_group_ids);
  Code(w, v.code);
  Str(w, "last_modified", v.last_modified);
  Str(w, "revision_id", v.revision_id);
  Str(w, "state", v.state);
  Str(w, "state_reason", v.state_reason);
  Str(w, "state_reason_code", v.state_reason_code);
  Str(w, "last_update_status", v.last_update_status);
  Str(w, "last_update_status_reason", v.last_update_status_reason);
  Str(w, "last_update_status_reason_code", v.last_update_status_reason_code);
  w.EndObject();
  return sb.GetString();
}

FunctionVersion VersionFromJson(const std::string& json) {
  auto d = Parse(json);
  FunctionVersion v;
  v.account = GetStr(d, "account");
  v.region = GetStr(d, "region");
  v.name = GetStr(d, "name");
  v.version = GetStr(d, "version");
  v.runtime = GetStr(d, "runtime");
  v.role = GetStr(d, "role");
  v.handler = GetStr(d, "handler");
  v.description = GetStr(d, "description");
  v.timeout = GetInt(d, "timeout", 3);
  v.memory_size = GetInt(d, "memory_size", 128);
  v.environment = GetStrMap(d, "environment");
  v.tracing_mode = GetStr(d, "tracing_mode");
  v.architectures = GetStrList(d, "architectures");
  v.ephemeral_storage = GetInt(d, "ephemeral_storage", 512);
  v.snap_start_apply_on = GetStr(d, "snap_start_apply_on");
  v.log_format = GetStr(d, "log_format");
  v.log_group = GetStr(d, "log_group");
  v.application_log_level = GetStr(d, "application_log_level");
  v.system_log_level = GetStr(d, "system_log_level");
  if (auto it = d.FindMember("layers"); it != d.MemberEnd() && it->value.IsArray()) {
    for (const auto& l : it->value.GetArray()) {
      v.layers.push_back(LayerRef{GetStr(l, "arn"), GetInt(l, "code_size"), GetStr(l, "code_dir")});
    }
  }
  v.package_type = GetStr(d, "package_type");
  v.dead_letter_target_arn = GetStr(d, "dead_letter_target_arn");
  v.kms_key_arn = GetStr(d, "kms_key_arn");
  v.subnet_ids = GetStrList(d, "subnet_ids");
  v.security_group_ids = GetStrList(d, "security_group_ids");
  v.code = GetCode(d);
  v.last_modified = GetStr(d, "last_modified");
  v.revision_id = GetStr(d, "revision_id");
  v.state = GetStr(d, "state");
  v.state_reason = GetStr(d, "state_reason");
  v.state_reason_code = GetStr(d, "state_reason_code");
  v.last_update_status = GetStr(d, "last_update_status");
  v.last_update_status_reason = GetStr(d, "last_update_status_reason");
  v.last_update_status_reason_code = GetStr(d, "last_update_status_reason_code");
  return v;
}

std::string AliasToJson(const Alias& a) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "function_version", a.function_version);
  Str(w, "description", a.description);
  Str(w, "revision_id", a.revision_id);
  w.Key("weights");
  w.StartObject();
  for (const auto& [k, v] : a.additional_weights) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.Double(v);
  }
  w.EndObject();
  w.EndObject();
  return sb.GetString();
}

Alias AliasFromRow(storage::Statement& st) {
  Alias a;
  a.account = st.Text(0);
  a.region = st.Text(1);
  a.function = st.Text(2);
  a.name = st.Text(3);
  auto d = Parse(st.Text(4));
  a.function_version = GetStr(d, "function_version");
  a.description = GetStr(d, "description");
  a.revision_id = GetStr(d, "revision_id");
  if (auto it = d.FindMember("weights"); it != d.MemberEnd() && it->value.IsObject()) {
    for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
      if (m->value.IsNumber()) {
        a.additional_weights.emplace(m->name.GetString(), m->value.GetDouble());
      }
    }
  }
  return a;
}

std::string LayerToJson(const LayerVersion& l) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "description", l.description);
  Str(w, "license_info", l.license_info);
  StrList(w, "compatible_runtimes", l.compatible_runtimes);
  StrList(w, "compatible_architectures", l.compatible_architectures);
  Str(w, "created_date", l.created_date);
  Code(w, l.code);
  w.EndObject();
  return sb.GetString();
}

LayerVersion LayerFromRow(storage::Statement& st) {
  LayerVersion l;
  l.account = st.Text(0);
  l.region = st.Text(1);
  l.name = st.Text(2);
  l.version = st.Int(3);
  auto d = Parse(st.Text(4));
  l.description = GetStr(d, "description");
  l.license_info = GetStr(d, "license_info");
  l.compatible_runtimes = GetStrList(d, "compatible_runtimes");
  l.compatible_architectures = GetStrList(d, "compatible_architectures");
  l.created_date = GetStr(d, "created_date");
  l.code = GetCode(d);
  return l;
}

std::string UrlToJson(const UrlConfig& u) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "auth_type", u.auth_type);
  Str(w, "invoke_mode", u.invoke_mode);
  Str(w, "cors", u.cors_json);
  Str(w, "creation_time", u.creation_time);
  Str(w, "last_modified_time", u.last_modified_time);
  w.EndObject();
  return sb.GetString();
}

UrlConfig UrlFromRow(storage::Statement& st) {
  UrlConfig u;
  u.account = st.Text(0);
  u.region = st.Text(1);
  u.function = st.Text(2);
  u.qualifier = st.Text(3);
  u.url_id = st.Text(4);
  auto d = Parse(st.Text(5));
  u.auth_type = GetStr(d, "auth_type");
  u.invoke_mode = GetStr(d, "invoke_mode");
  u.cors_json = GetStr(d, "cors");
  u.creation_time = GetStr(d, "creation_time");
  u.last_modified_time = GetStr(d, "last_modified_time");
  return u;
}

Function FunctionFromRow(storage::Statement& st) {
  Function f;
  f.account = st.Text(0);
  f.region = st.Text(1);
  f.name = st.Text(2);
  auto tags = Parse(st.Text(3));
  for (auto m = tags.MemberBegin(); m != tags.MemberEnd(); ++m) {
    if (m->value.IsString()) {
      f.tags.emplace(m->name.GetString(), m->value.GetString());
    }
  }
  if (!st.IsNull(4)) {
    f.reserved_concurrency = st.Int(4);
  }
  f.last_version = st.Int(5);
  f.published_revision = st.Text(6);
  return f;
}

constexpr char kFunctionColumns[] =
    "account, region, name, tags, reserved_concurrency, last_version, published_revision";

int64_t VersionNum(const std::string& version) {
  return version == kLatest ? 0 : std::stoll(version);
}

std::string MappingToJson(const EventSourceMapping& m) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Int(w, "batch_size", m.batch_size);
  Int(w, "maximum_batching_window", m.maximum_batching_window);
  w.Key("enabled");
  w.Bool(m.enabled);
  Str(w, "state", m.state);
  Str(w, "state_transition_reason", m.state_transition_reason);
  w.Key("last_modified");
  w.Double(m.last_modified);
  StrList(w, "function_response_types", m.function_response_types);
  StrList(w, "filter_patterns", m.filter_patterns);
  if (m.maximum_concurrency) {
    Int(w, "maximum_concurrency", *m.maximum_concurrency);
  }
  w.EndObject();
  return sb.GetString();
}

constexpr char kMappingColumns[] = "uuid, account, region, function_arn, event_source_arn, config";

EventSourceMapping MappingFromRow(storage::Statement& st) {
  EventSourceMapping m;
  m.uuid = st.Text(0);
  m.account = st.Text(1);
  m.region = st.Text(2);
  m.function_arn = st.Text(3);
  m.event_source_arn = st.Text(4);
  auto d = Parse(st.Text(5));
  m.batch_size = GetInt(d, "batch_size", 10);
  m.maximum_batching_window = GetInt(d, "maximum_batching_window");
  auto enabled = d.FindMember("enabled");
  m.enabled = enabled == d.MemberEnd() || !enabled->value.IsBool() || enabled->value.GetBool();
  m.state = GetStr(d, "state");
  m.state_transition_reason = GetStr(d, "state_transition_reason");
  if (auto it = d.FindMember("last_modified"); it != d.MemberEnd() && it->value.IsNumber()) {
    m.last_modified = it->value.GetDouble();
  }
  m.function_response_types = GetStrList(d, "function_response_types");
  m.filter_patterns = GetStrList(d, "filter_patterns");
  if (auto it = d.FindMember("maximum_concurrency"); it != d.MemberEnd() && it->value.IsInt64()) {
    m.maximum_concurrency = it->value.GetInt64();
  }
  return m;
}

std::string InvokeConfigToJson(const EventInvokeConfig& c) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  if (c.maximum_retry_attempts) {
    Int(w, "maximum_retry_attempts", *c.maximum_retry_attempts);
  }
  if (c.maximum_event_age) {
    Int(w, "maximum_event_age", *c.maximum_event_age);
  }
  Str(w, "on_success", c.on_success);
  Str(w, "on_failure", c.on_failure);
  w.Key("last_modified");
  w.Double(c.last_modified);
  w.EndObject();
  return sb.GetString();
}

EventInvokeConfig InvokeConfigFromRow(storage::Statement& st) {
  EventInvokeConfig c;
  c.account = st.Text(0);
  c.region = st.Text(1);
  c.function = st.Text(2);
  c.qualifier = st.Text(3);
  auto d = Parse(st.Text(4));
  if (auto it = d.FindMember("maximum_retry_attempts");
      it != d.MemberEnd() && it->value.IsInt64()) {
    c.maximum_retry_attempts = it->value.GetInt64();
  }
  if (auto it = d.FindMember("maximum_event_age"); it != d.MemberEnd() && it->value.IsInt64()) {
    c.maximum_event_age = it->value.GetInt64();
  }
  c.on_success = GetStr(d, "on_success");
  c.on_failure = GetStr(d, "on_failure");
  if (auto it = d.FindMember("last_modified"); it != d.MemberEnd() && it->value.IsNumber()) {
    c.last_modified = it->value.GetDouble();
  }
  return c;
}

std::string LastResultToJson(const QueuedEvent& e) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "response", e.last_response);
  Str(w, "function_error", e.last_function_error);
  Str(w, "executed_version", e.last_executed_version);
  w.EndObject();
  return sb.GetString();
}

constexpr char kEventColumns[] =
    "id, account, region, function, qualifier, version, request_id, payload, enqueued_ms, "
    "attempts, not_before_ms, last_result";

QueuedEvent EventFromRow(storage::Statement& st) {
  QueuedEvent e;
  e.id = st.Int(0);
  e.account = st.Text(1);
  e.region = st.Text(2);
  e.function = st.Text(3);
  e.qualifier = st.Text(4);
  e.version = st.Text(5);
  e.request_id = st.Text(6);
  e.payload = st.Text(7);
  e.enqueued_ms = st.Int(8);
  e.attempts = static_cast<int>(st.Int(9));
  e.not_before_ms = st.Int(10);
  auto d = Parse(st.Text(11));
  e.last_response = GetStr(d, "response");
  e.last_function_error = GetStr(d, "function_error");
  e.last_executed_version = GetStr(d, "executed_version");
  return e;
}

}  // namespace

LambdaStore::LambdaStore(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {
  db_->Migrate("lambda", kMigrations);
  MigrateProvisioned();
}

std::optional<Function> LambdaStore::FindFunction(const Scope& scope, const std::string& name) {
  auto& st = db_->Prepare(std::string("SELECT ") + kFunctionColumns +
                          " FROM lambda_functions WHERE account = ?1 AND region = ?2 AND "
                          "name = ?3");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, name);
  if (!st.Step()) {
    return std::nullopt;
  }
  return FunctionFromRow(st);
}

void LambdaStore::PutFunction(const Function& f) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  for (const auto& [k, v] : f.tags) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  auto& st = db_->Prepare(
      "INSERT OR REPLACE INTO lambda_functions(account, region, name, tags, reserved_concurrency, "
      "last_version, published_revision) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  st.Bind(1, f.account).Bind(2, f.region).Bind(3, f.name).Bind(4, std::string_view(sb.GetString()));
  if (f.reserved_concurrency) {
    st.Bind(5, *f.reserved_concurrency);
  } else {
    st.BindNull(5);
  }
  st.Bind(6, f.last_version).Bind(7, f.published_revision).Run();
}

std::vector<Function> LambdaStore::ListFunctions(const Scope& scope) {
  std::vector<Function> out;
  auto& st = db_->Prepare(std::string("SELECT ") + kFunctionColumns +
                          " FROM lambda_functions WHERE account = ?1 AND region = ?2 "
                          "ORDER BY name");
  st.Bind(1, scope.account_id).Bind(2, scope.region);
  while (st.Step()) {
    out.push_back(FunctionFromRow(st));
  }
  return out;
}

std::vector<Function> LambdaStore::AllFunctions() {
  std::vector<Function> out;
  auto& st = db_->Prepare(std::string("SELECT ") + kFunctionColumns +
                          " FROM lambda_functions ORDER BY account, region, name");
  while (st.Step()) {
    out.push_back(FunctionFromRow(st));
  }
  return out;
}

void LambdaStore::DeleteFunction(const Scope& scope, const std::string& name) {
  storage::Database::Transaction tx(*db_);
  for (const char* sql : {
           "DELETE FROM lambda_functions WHERE account = ?1 AND region = ?2 AND name = ?3",
           "DELETE FROM lambda_versions WHERE account = ?1 AND region = ?2 AND function = ?3",
           "DELETE FROM lambda_aliases WHERE account = ?1 AND region = ?2 AND function = ?3",
           "DELETE FROM lambda_policies WHERE account = ?1 AND region = ?2 AND function = ?3",
           "DELETE FROM lambda_url_configs WHERE account = ?1 AND region = ?2 AND function = ?3",
           "DELETE FROM lambda_event_invoke_configs WHERE account = ?1 AND region = ?2 AND "
           "function = ?3",
           "DELETE FROM lambda_provisioned WHERE account = ?1 AND region = ?2 AND function = ?3",
       }) {
    db_->Prepare(sql).Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, name).Run();
  }
  tx.Commit();
}

std::optional<FunctionVersion> LambdaStore::FindVersion(const Scope& scope,
                                                        const std::string& name,
                                                        const std::string& version) {
  if (version != kLatest && (version.empty() || version.size() > 18 ||
                             version.find_first_not_of("0123456789") != std::string::npos)) {
    return std::nullopt;
  }
  auto& st = db_->Prepare(
      "SELECT config FROM lambda_versions WHERE account = ?1 AND region = ?2 AND function = ?3 "
      "AND version_num = ?4");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, name).Bind(4, VersionNum(version));
  if (!st.Step()) {
    return std::nullopt;
  }
  return VersionFromJson(st.Text(0));
}

void LambdaStore::PutVersion(const FunctionVersion& v) {
  db_->Prepare(
         "INSERT OR REPLACE INTO lambda_versions(account, region, function, version_num, config) "
         "VALUES(?1, ?2, ?3, ?4, ?5)")
      .Bind(1, v.account)
      .Bind(2, v.region)
      .Bind(3, v.name)
      .Bind(4, VersionNum(v.version))
      .Bind(5, VersionToJson(v))
      .Run();
}

std::vector<FunctionVersion> LambdaStore::ListVersions(const Scope& scope,
                                                       const std::string& name) {
  std::vector<FunctionVersion> out;
  auto& st = db_->Prepare(
      "SELECT config FROM lambda_versions WHERE account = ?1 AND region = ?2 AND function = ?3 "
      "ORDER BY version_num");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, name);
  while (st.Step()) {
    out.push_back(VersionFromJson(st.Text(0)));
  }
  return out;
}

void LambdaStore::DeleteVersion(const Scope& scope, const std::string& name,
                                const std::string& version) {
  db_->Prepare(
         "DELETE FROM lambda_versions WHERE account = ?1 AND region = ?2 AND function = ?3 AND "
         "version_num = ?4")
      .Bind(1, scope.account_id)
      .Bind(2, scope.region)
      .Bind(3, name)
      .Bind(4, VersionNum(version))
      .Run();
}

std::optional<Alias> LambdaStore::FindAlias(const Scope& scope, const std::string& function,
                                            const std::string& name) {
  auto& st = db_->Prepare(
      "SELECT account, region, function, name, config FROM lambda_aliases WHERE account = ?1 AND "
      "region = ?2 AND function = ?3 AND name = ?4");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, function).Bind(4, name);
  if (!st.Step()) {
    return std::nullopt;
  }
  return AliasFromRow(st);
}

void LambdaStore::PutAlias(const Alias& a) {
  db_->Prepare(
         "INSERT OR REPLACE INTO lambda_aliases(account, region, function, name, config) "
         "VALUES(?1, ?2, ?3, ?4, ?5)")
      .Bind(1, a.account)
      .Bind(2, a.region)
      .Bind(3, a.function)
      .Bind(4, a.name)
      .Bind(5, AliasToJson(a))
      .Run();
}

std::vector<Alias> LambdaStore::ListAliases(const Scope& scope, const std::string& function) {
  std::vector<Alias> out;
  auto& st = db_->Prepare(
      "SELECT account, region, function, name, config FROM lambda_aliases WHERE account = ?1 AND "
      "region = ?2 AND function = ?3 ORDER BY name");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, function);
  while (st.Step()) {
    out.push_back(AliasFromRow(st));
  }
  return out;
}

void LambdaStore::DeleteAlias(const Scope& scope, const std::string& function,
                              const std::string& name) {
  storage::Database::Transaction tx(*db_);
  for (const char* sql : {
           "DELETE FROM lambda_aliases WHERE account = ?1 AND region = ?2 AND function = ?3 AND "
           "name = ?4",
           "DELETE FROM lambda_policies WHERE account = ?1 AND region = ?2 AND function = ?3 AND "
           "qualifier = ?4",
           "DELETE FROM lambda_url_configs WHERE account = ?1 AND region = ?2 AND function = ?3 "
           "AND qualifier = ?4",
           "DELETE FROM lambda_provisioned WHERE account = ?1 AND region = ?2 AND function = ?3 "
           "AND qualifier = ?4",
       }) {
    db_->Prepare(sql)
        .Bind(1, scope.account_id)
        .Bind(2, scope.region)
        .Bind(3, function)
        .Bind(4, name)
        .Run();
  }
  tx.Commit();
}

std::optional<std::string> LambdaStore::FindPolicy(const Scope& scope,
                                                   const std::string& function,
                                                   const std::string& qualifier) {
  auto& st = db_->Prepare(
      "SELECT statements FROM lambda_policies WHERE account = ?1 AND region = ?2 AND "
      "function = ?3 AND qualifier = ?4");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, function).Bind(4, qualifier);
  if (!st.Step()) {
    return std::nullopt;
  }
  return st.Text(0);
}

void LambdaStore::PutPolicy(const Scope& scope, const std::string& function,
                            const std::string& qualifier, const std::string& statements_json) {
  db_->Prepare(
         "INSERT OR REPLACE INTO lambda_policies(account, region, function, qualifier, "
         "statements) VALUES(?1, ?2, ?3, ?4, ?5)")
      .Bind(1, scope.account_id)
      .Bind(2, scope.region)
      .Bind(3, function)
      .Bind(4, qualifier)
      .Bind(5, statements_json)
      .Run();
}

void LambdaStore::DeletePolicy(const Scope& scope, const std::string& function,
                               const std::string& qualifier) {
  db_->Prepare(
         "DELETE FROM lambda_policies WHERE account = ?1 AND region = ?2 AND function = ?3 AND "
         "qualifier = ?4")
      .Bind(1, scope.account_id)
      .Bind(2, scope.region)
      .Bind(3, function)
      .Bind(4, qualifier)
      .Run();
}

std::optional<UrlConfig> LambdaStore::FindUrlConfig(const Scope& scope,
                                                    const std::string& function,
                                                    const std::string& qualifier) {
  auto& st = db_->Prepare(
      "SELECT account, region, function, qualifier, url_id, config FROM lambda_url_configs "
      "WHERE account = ?1 AND region = ?2 AND function = ?3 AND qualifier = ?4");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, function).Bind(4, qualifier);
  if (!st.Step()) {
    return std::nullopt;
  }
  return UrlFromRow(st);
}

std::optional<UrlConfig> LambdaStore::FindUrlConfigById(const std::string& url_id) {
  auto& st = db_->Prepare(
      "SELECT account, region, function, qualifier, url_id, config FROM lambda_url_configs "
      "WHERE url_id = ?1");
  st.Bind(1, url_id);
  if (!st.Step()) {
    return std::nullopt;
  }
  return UrlFromRow(st);
}

void LambdaStore::PutUrlConfig(const UrlConfig& u) {
  db_->Prepare(
         "INSERT OR REPLACE INTO lambda_url_configs(account, region, function, qualifier, url_id, "
         "config) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
      .Bind(1, u.account)
      .Bind(2, u.region)
      .Bind(3, u.function)
      .Bind(4, u.qualifier)
      .Bind(5, u.url_id)
      .Bind(6, UrlToJson(u))
      .Run();
}

std::vector<UrlConfig> LambdaStore::ListUrlConfigs(const Scope& scope,
                                                   const std::string& function) {
  std::vector<UrlConfig> out;
  auto& st = db_->Prepare(
      "SELECT account, region, function, qualifier, url_id, config FROM lambda_url_configs "
      "WHERE account = ?1 AND region = ?2 AND function = ?3 ORDER BY qualifier");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, function);
  while (st.Step()) {
    out.push_back(UrlFromRow(st));
  }
  return out;
}

void LambdaStore::DeleteUrlConfig(const Scope& scope, const std::string& function,
                                  const std::string& qualifier) {
  db_->Prepare(
         "DELETE FROM lambda_url_configs WHERE account = ?1 AND region = ?2 AND function = ?3 AND "
         "qualifier = ?4")
      .Bind(1, scope.account_id)
      .Bind(2, scope.region)
      .Bind(3, function)
      .Bind(4, qualifier)
      .Run();
}

int64_t LambdaStore::NextLayerVersion(const Scope& scope, const std::string& name) {
  db_->Prepare(
         "INSERT INTO lambda_layers(account, region, name, last_version) VALUES(?1, ?2, ?3, 1) "
         "ON CONFLICT(account, region, name) DO UPDATE SET last_version = last_version + 1")
      .Bind(1, scope.account_id)
      .Bind(2, scope.region)
      .Bind(3, name)
      .Run();
  auto& st = db_->Prepare(
      "SELECT last_version FROM lambda_layers WHERE account = ?1 AND region = ?2 AND name = ?3");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, name);
  st.Step();
  return st.Int(0);
}

void LambdaStore::PutLayerVersion(const LayerVersion& l) {
  db_->Prepare(
         "INSERT OR REPLACE INTO lambda_layer_versions(account, region, name, version, "
         "code_size, config) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
      .Bind(1, l.account)
      .Bind(2, l.region)
      .Bind(3, l.name)
      .Bind(4, l.version)
      .Bind(5, l.code.size)
      .Bind(6, LayerToJson(l))
      .Run();
}

std::optional<LayerVersion> LambdaStore::FindLayerVersion(const Scope& scope,
                                                          const std::string& name,
                                                          int64_t version) {
  auto& st = db_->Prepare(
      "SELECT account, region, name, version, config FROM lambda_layer_versions WHERE "
      "account = ?1 AND region = ?2 AND name = ?3 AND version = ?4");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, name).Bind(4, version);
  if (!st.Step()) {
    return std::nullopt;
  }
  return LayerFromRow(st);
}

std::vector<LayerVersion> LambdaStore::ListLayerVersions(const Scope& scope,
                                                         const std::string& name) {
  std::vector<LayerVersion> out;
  auto& st = db_->Prepare(
      "SELECT account, region, name, version, config FROM lambda_layer_versions WHERE "
      "account = ?1 AND region = ?2 AND name = ?3 ORDER BY version DESC");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, name);
  while (st.Step()) {
    out.push_back(LayerFromRow(st));
  }
  return out;
}

std::vector<std::string> LambdaStore::ListLayerNames(const Scope& scope) {
  std::vector<std::string> out;
  auto& st = db_->Prepare(
      "SELECT DISTINCT name FROM lambda_layer_versions WHERE account = ?1 AND region = ?2 "
      "ORDER BY name");
  st.Bind(1, scope.account_id).Bind(2, scope.region);
  while (st.Step()) {
    out.push_back(st.Text(0));
  }
  return out;
}

void LambdaStore::DeleteLayerVersion(const Scope& scope, const std::string& name,
                                     int64_t version) {
  db_->Prepare(
         "DELETE FROM lambda_layer_versions WHERE account = ?1 AND region = ?2 AND name = ?3 AND "
         "version = ?4")
      .Bind(1, scope.account_id)
      .Bind(2, scope.region)
      .Bind(3, name)
      .Bind(4, version)
      .Run();
}

int64_t LambdaStore::LayerCodeSize(const Scope& scope) {
  auto& st = db_->Prepare(
      "SELECT COALESCE(SUM(code_size), 0) FROM lambda_layer_versions WHERE account = ?1 AND "
      "region = ?2");
  st.Bind(1, scope.account_id).Bind(2, scope.region);
  st.Step();
  return st.Int(0);
}

// ---- Event source mappings -------------------------------------------------------------------

std::optional<EventSourceMapping> LambdaStore::FindMapping(const std::string& uuid) {
  auto& st = db_->Prepare(std::string("SELECT ") + kMappingColumns +
                          " FROM lambda_event_source_mappings WHERE uuid = ?1");
  st.Bind(1, uuid);
  if (!st.Step()) {
    return std::nullopt;
  }
  return MappingFromRow(st);
}

void LambdaStore::PutMapping(const EventSourceMapping& m) {
  auto& st = db_->Prepare(
      "INSERT INTO lambda_event_source_mappings(uuid, account, region, function_arn, "
      "event_source_arn, created_seq, config) VALUES(?1, ?2, ?3, ?4, ?5, "
      "(SELECT COALESCE(MAX(created_seq), 0) + 1 FROM lambda_event_source_mappings), ?6) "
      "ON CONFLICT(uuid) DO UPDATE SET function_arn = excluded.function_arn, "
      "event_source_arn = excluded.event_source_arn, config = excluded.config");
  st.Bind(1, m.uuid)
      .Bind(2, m.account)
      .Bind(3, m.region)
      .Bind(4, m.function_arn)
      .Bind(5, m.event_source_arn)
      .Bind(6, MappingToJson(m))
      .Run();
}

std::vector<EventSourceMapping> LambdaStore::ListMappings(const Scope& scope) {
  std::vector<EventSourceMapping> out;
  auto& st = db_->Prepare(std::string("SELECT ") + kMappingColumns +
                          " FROM lambda_event_source_mappings WHERE account = ?1 AND "
                          "region = ?2 ORDER BY created_seq");
  st.Bind(1, scope.account_id).Bind(2, scope.region);
  while (st.Step()) {
    out.push_back(MappingFromRow(st));
  }
  return out;
}

std::vector<EventSourceMapping> LambdaStore::AllMappings() {
  std::vector<EventSourceMapping> out;
  auto& st = db_->Prepare(std::string("SELECT ") + kMappingColumns +
                          " FROM lambda_event_source_mappings ORDER BY created_seq");
  while (st.Step()) {
    out.push_back(MappingFromRow(st));
  }
  return out;
}

void LambdaStore::DeleteMapping(const std::string& uuid) {
  db_->Prepare("DELETE FROM lambda_event_source_mappings WHERE uuid = ?1").Bind(1, uuid).Run();
}

// ---- Event invoke configs --------------------------------------------------------------------

std::optional<EventInvokeConfig> LambdaStore::FindInvokeConfig(const Scope& scope,
                                                               const std::string& function,
                                                               const std::string& qualifier) {
  auto& st = db_->Prepare(
      "SELECT account, region, function, qualifier, config FROM lambda_event_invoke_configs "
      "WHERE account = ?1 AND region = ?2 AND function = ?3 AND qualifier = ?4");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, function).Bind(4, qualifier);
  if (!st.Step()) {
    return std::nullopt;
  }
  return InvokeConfigFromRow(st);
}

void LambdaStore::PutInvokeConfig(const EventInvokeConfig& c) {
  db_->Prepare(
         "INSERT OR REPLACE INTO lambda_event_invoke_configs(account, region, function, "
         "qualifier, config) VALUES(?1, ?2, ?3, ?4, ?5)")
      .Bind(1, c.account)
      .Bind(2, c.region)
      .Bind(3, c.function)
      .Bind(4, c.qualifier)
      .Bind(5, InvokeConfigToJson(c))
      .Run();
}

std::vector<EventInvokeConfig> LambdaStore::ListInvokeConfigs(const Scope& scope,
                                                              const std::string& function) {
  std::vector<EventInvokeConfig> out;
  auto& st = db_->Prepare(
      "SELECT account, region, function, qualifier, config FROM lambda_event_invoke_configs "
      "WHERE account = ?1 AND region = ?2 AND function = ?3 ORDER BY qualifier");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, function);
  while (st.Step()) {
    out.push_back(InvokeConfigFromRow(st));
  }
  return out;
}

void LambdaStore::DeleteInvokeConfig(const Scope& scope, const std::string& function,
                                     const std::string& qualifier) {
  db_->Prepare(
         "DELETE FROM lambda_event_invoke_configs WHERE account = ?1 AND region = ?2 AND "
         "function = ?3 AND qualifier = ?4")
      .Bind(1, scope.account_id)
      .Bind(2, scope.region)
      .Bind(3, function)
      .Bind(4, qualifier)
      .Run();
}

// ---- Queued Event invocations ----------------------------------------------------------------

int64_t LambdaStore::InsertEvent(const QueuedEvent& e) {
  db_->Prepare(
         "INSERT INTO lambda_async_events(account, region, function, qualifier, version, "
         "request_id, payload, enqueued_ms, attempts, not_before_ms, last_result) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
      .Bind(1, e.account)
      .Bind(2, e.region)
      .Bind(3, e.function)
      .Bind(4, e.qualifier)
      .Bind(5, e.version)
      .Bind(6, e.request_id)
      .BindBlob(7, e.payload)
      .Bind(8, e.enqueued_ms)
      .Bind(9, static_cast<int64_t>(e.attempts))
      .Bind(10, e.not_before_ms)
      .Bind(11, LastResultToJson(e))
      .Run();
  return db_->LastInsertRowId();
}

void LambdaStore::UpdateEventProgress(const QueuedEvent& e) {
  db_->Prepare(
         "UPDATE lambda_async_events SET attempts = ?2, not_before_ms = ?3, last_result = ?4 "
         "WHERE id = ?1")
      .Bind(1, e.id)
      .Bind(2, static_cast<int64_t>(e.attempts))
      .Bind(3, e.not_before_ms)
      .Bind(4, LastResultToJson(e))
      .Run();
}

void LambdaStore::DeleteEvent(int64_t id) {
  db_->Prepare("DELETE FROM lambda_async_events WHERE id = ?1").Bind(1, id).Run();
}

std::vector<QueuedEvent> LambdaStore::AllEvents() {
  std::vector<QueuedEvent> out;
  auto& st = db_->Prepare(std::string("SELECT ") + kEventColumns +
                          " FROM lambda_async_events ORDER BY id");
  while (st.Step()) {
    out.push_back(EventFromRow(st));
  }
  return out;
}

}  // namespace nimbus::lambda
