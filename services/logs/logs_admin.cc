#include "services/logs/logs_admin.h"

#include <algorithm>
#include <iterator>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/ids.h"
#include "services/logs/filter_pattern.h"
#include "services/logs/logs_output.h"
#include "services/logs/logs_service.h"

namespace nimbus::logs {
using out::Out;
using rapidjson::Value;

namespace {

// AWS quotas.
constexpr size_t kMaxResourcePolicies = 10;
constexpr size_t kMaxPolicyDocument = 5120;
constexpr int64_t kScanBatch = 1000;

std::string ToJson(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

bool IsJsonObject(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return !d.HasParseError() && d.IsObject();
}

AwsError PolicyNotFound(const std::string& name) {
  return AwsError::Sender("ResourceNotFoundException",
                          "Policy with name [" + name + "] does not exist");
}

AwsError DestinationNotFound() {
  return AwsError::Sender("ResourceNotFoundException", "The specified destination does not exist.");
}

// A page of `items` (sorted by key) after `token`, as {list member, nextToken}.
template <class Fn>
Output Page(const std::vector<std::pair<std::string, std::string>>& items, const char* member,
            const std::string& kind, const std::optional<std::string>& after, int64_t page,
            Fn&& keep) {
  Out o;
  Value list(rapidjson::kArrayType);
  bool more = false;
  std::string last;
  for (const auto& [key, body] : items) {
    if (after && key <= *after) {
      continue;
    }
    rapidjson::Document d(&o.a());
    d.Parse(body.c_str());
    if (!d.IsObject() || !keep(d)) {
      continue;
    }
    if (static_cast<int64_t>(list.Size()) == page) {
      more = true;
      break;
    }
    list.PushBack(Value(d, o.a()), o.a());
    last = key;
  }
  return out::TakePage(o, member, std::move(list), more, kind, last);
}

std::optional<AwsError> CheckDocument(const std::string& doc, const char* member) {
  if (doc.empty()) {
    return errors::Validation(doc, member, "Member must have length greater than or equal to 1");
  }
  if (doc.size() > kMaxPolicyDocument) {
    return errors::Validation("...", member, "Member must have length less than or equal to 5120");
  }
  if (!IsJsonObject(doc)) {
    return errors::InvalidParameter("Invalid policy document: the document is not valid JSON.");
  }
  return std::nullopt;
}

// ListLogGroups' logGroupNamePattern: case-sensitive substrings, `^` for a prefix, `|` between
// alternatives.
bool NameMatches(const std::string& pattern, const std::string& name) {
  size_t start = 0;
  while (start <= pattern.size()) {
    size_t bar = pattern.find('|', start);
    std::string alt = pattern.substr(start, bar == std::string::npos ? std::string::npos
                                                                     : bar - start);
    bool hit = !alt.empty() && alt[0] == '^' ? name.rfind(alt.substr(1), 0) == 0
                                             : name.find(alt) != std::string::npos;
    if (hit) {
      return true;
    }
    if (bar == std::string::npos) {
      break;
    }
    start = bar + 1;
  }
  return false;
}

}  // namespace

void LogsAdmin::Register(OperationTable& t) {
  t.Add("ListLogGroups", this, &LogsAdmin::ListLogGroups);
  t.Add("PutResourcePolicy", this, &LogsAdmin::PutResourcePolicy);
  t.Add("DescribeResourcePolicies", this, &LogsAdmin::DescribeResourcePolicies);
  t.Add("DeleteResourcePolicy", this, &LogsAdmin::DeleteResourcePolicy);
  t.Add("PutDestination", this, &LogsAdmin::PutDestination);
  t.Add("PutDestinationPolicy", this, &LogsAdmin::PutDestinationPolicy);
  t.Add("DescribeDestinations", this, &LogsAdmin::DescribeDestinations);
  t.Add("DeleteDestination", this, &LogsAdmin::DeleteDestination);
  t.Add("AssociateKmsKey", this, &LogsAdmin::AssociateKmsKey);
  t.Add("DisassociateKmsKey", this, &LogsAdmin::DisassociateKmsKey);
  t.Add("PutAccountPolicy", this, &LogsAdmin::PutAccountPolicy);
  t.Add("DescribeAccountPolicies", this, &LogsAdmin::DescribeAccountPolicies);
  t.Add("DeleteAccountPolicy", this, &LogsAdmin::DeleteAccountPolicy);
  t.Add("CreateExportTask", this, &LogsAdmin::CreateExportTask);
  t.Add("DescribeExportTasks", this, &LogsAdmin::DescribeExportTasks);
  t.Add("CancelExportTask", this, &LogsAdmin::CancelExportTask);
}

std::optional<std::string> LogsAdmin::Find(const RequestContext& ctx, const std::string& kind,
                                           const std::string& name) {
  auto& st = logs_.store_->db().Prepare(
      "SELECT body FROM logs_policies WHERE account = ?1 AND region = ?2 AND kind = ?3 AND "
      "name = ?4");
  st.Bind(1, ctx.scope.account_id).Bind(2, ctx.scope.region).Bind(3, kind).Bind(4, name);
  std::optional<std::string> out;
  if (st.Step()) {
    out = st.Text(0);
  }
  st.Reset();
  return out;
}

void LogsAdmin::Save(const RequestContext& ctx, const std::string& kind, const std::string& name,
                     const std::string& body) {
  logs_.store_->db()
      .Prepare(
          "INSERT INTO logs_policies(account, region, kind, name, body) VALUES(?1, ?2, ?3, ?4, "
          "?5) ON CONFLICT(account, region, kind, name) DO UPDATE SET body = excluded.body")
      .Bind(1, ctx.scope.account_id)
      .Bind(2, ctx.scope.region)
      .Bind(3, kind)
      .Bind(4, name)
      .Bind(5, body)
      .Run();
}

bool LogsAdmin::Remove(const RequestContext& ctx, const std::string& kind,
                       const std::string& name) {
  auto& db = logs_.store_->db();
  db.Prepare(
        "DELETE FROM logs_policies WHERE account = ?1 AND region = ?2 AND kind = ?3 AND "
        "name = ?4")
      .Bind(1, ctx.scope.account_id)
      .Bind(2, ctx.scope.region)
      .Bind(3, kind)
      .Bind(4, name)
      .Run();
  return db.Changes() > 0;
}

std::vector<std::pair<std::string, std::string>> LogsAdmin::List(const RequestContext& ctx,
                                                                 const std::string& kind) {
  auto& st = logs_.store_->db().Prepare(
      "SELECT name, body FROM logs_policies WHERE account = ?1 AND region = ?2 AND kind = ?3 "
      "ORDER BY name");
  st.Bind(1, ctx.scope.account_id).Bind(2, ctx.scope.region).Bind(3, kind);
  std::vector<std::pair<std::string, std::string>> out;
  while (st.Step()) {
    out.emplace_back(st.Text(0), st.Text(1));
  }
  return out;
}

// ---- ListLogGroups --------------------------------------------------------------------------

Result<Output> LogsAdmin::ListLogGroups(RequestContext& ctx, ParamReader& in) {
  auto pattern = in.OptString("logGroupNamePattern");
  auto cls = in.OptString("logGroupClass");
  auto limit = in.OptInt("limit");
  auto token = in.OptString("nextToken");
  const Value* tag_filters = in.Value("logGroupTags");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckLimit(limit, 1000)) {
    return *e;
  }
  if (cls && *cls != "STANDARD" && *cls != "INFREQUENT_ACCESS" && *cls != "DELIVERY") {
    return errors::Validation(*cls, "logGroupClass",
                              "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, "
                              "DELIVERY]");
  }
  std::string after;
  if (token) {
    auto key = out::Untoken(*token, "list-groups");
    if (!key) {
      return errors::InvalidNextToken();
    }
    after = *key;
  }
  auto tags_match = [&](const LogGroup& g) {
    if (tag_filters == nullptr || !tag_filters->IsArray()) {
      return true;
    }
    for (const auto& f : tag_filters->GetArray()) {
      if (!f.IsObject() || !f.HasMember("key") || !f["key"].IsString()) {
        continue;
      }
      auto it = g.tags.find(f["key"].GetString());
      if (it == g.tags.end()) {
        return false;
      }
      auto values = f.HasMember("values") ? out::Strings(&f["values"]) : std::vector<std::string>{};
      if (!values.empty() && std::find(values.begin(), values.end(), it->second) == values.end()) {
        return false;
      }
    }
    return true;
  };
  int64_t page = limit.value_or(50);
  Out o;
  Value list(rapidjson::kArrayType);
  bool more = false;
  std::string last;
  while (!more) {
    auto groups =
        logs_.store_->ListGroups(ctx.scope.account_id, ctx.scope.region, "", after, kScanBatch);
    for (const auto& g : groups) {
      after = g.name;
      if ((pattern && !NameMatches(*pattern, g.name)) || (cls && g.log_group_class != *cls) ||
          !tags_match(g)) {
        continue;
      }
      if (static_cast<int64_t>(list.Size()) == page) {
        more = true;
        break;
      }
      Value v(rapidjson::kObjectType);
      o.SetStr(v, "logGroupName", g.name);
      o.SetStr(v, "logGroupArn", g.Arn());
      o.SetStr(v, "logGroupClass", g.log_group_class);
      list.PushBack(std::move(v), o.a());
      last = g.name;
    }
    if (static_cast<int64_t>(groups.size()) < kScanBatch) {
      break;
    }
  }
  return out::TakePage(o, "logGroups", std::move(list), more, "list-groups", last);
}

// ---- Resource policies ----------------------------------------------------------------------

Result<Output> LogsAdmin::PutResourcePolicy(RequestContext& ctx, ParamReader& in) {
  auto name = in.OptString("policyName");
  std::string document = in.String("policyDocument");
  auto resource_arn = in.OptString("resourceArn");
  auto expected = in.OptString("expectedRevisionId");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (!name && !resource_arn) {
    return errors::InvalidParameter("Either policyName or resourceArn must be specified.");
  }
  if (auto e = CheckDocument(document, "policyDocument")) {
    return *e;
  }
  if (resource_arn) {
    auto group = logs_.GroupByArn(*resource_arn);
    if (!group) {
      return group.error();
    }
  }
  std::string key = resource_arn ? "arn:" + *resource_arn : *name;
  auto existing = Find(ctx, "resource-policy", key);
  if (expected) {
    rapidjson::Document old;
    if (existing) {
      old.Parse(existing->c_str());
    }
    std::string current = old.IsObject() && old.HasMember("revisionId")
                              ? old["revisionId"].GetString()
                              : "";
    if (current != *expected) {
      return AwsError::Sender("OperationAbortedException",
                              "The expected revision ID does not match the current one.");
    }
  }
  if (!existing && !resource_arn) {
    size_t account_policies = 0;
    for (const auto& [k, body] : List(ctx, "resource-policy")) {
      account_policies += k.rfind("arn:", 0) != 0;
    }
    if (account_policies >= kMaxResourcePolicies) {
      return AwsError::Sender("LimitExceededException", "Resource limit exceeded.");
    }
  }
  std::string revision = RandomHex(32);
  Out o;
  Value policy(rapidjson::kObjectType);
  if (name) {
    o.SetStr(policy, "policyName", *name);
  }
  o.SetStr(policy, "policyDocument", document);
  o.SetInt(policy, "lastUpdatedTime", logs_.NowMs());
  o.SetStr(policy, "policyScope", resource_arn ? "RESOURCE" : "ACCOUNT");
  if (resource_arn) {
    o.SetStr(policy, "resourceArn", *resource_arn);
  }
  o.SetStr(policy, "revisionId", revision);
  Save(ctx, "resource-policy", key, ToJson(policy));
  o.Set("resourcePolicy", std::move(policy));
  o.Set("revisionId", o.Str(revision));
  return o.Take();
}

Result<Output> LogsAdmin::DescribeResourcePolicies(RequestContext& ctx, ParamReader& in) {
  auto limit = in.OptInt("limit");
  auto token = in.OptString("nextToken");
  auto scope = in.OptString("policyScope");
  auto resource_arn = in.OptString("resourceArn");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckLimit(limit, 50)) {
    return *e;
  }
  std::optional<std::string> after;
  if (token) {
    after = out::Untoken(*token, "resource-policies");
    if (!after) {
      return errors::InvalidNextToken();
    }
  }
  return Page(List(ctx, "resource-policy"), "resourcePolicies", "resource-policies", after,
              limit.value_or(50), [&](const Value& p) {
                if (scope && p["policyScope"].GetString() != *scope) return false;
                if (resource_arn && (!p.HasMember("resourceArn") ||
                                     p["resourceArn"].GetString() != *resource_arn)) {
                  return false;
                }
                return true;
              });
}

Result<Output> LogsAdmin::DeleteResourcePolicy(RequestContext& ctx, ParamReader& in) {
  auto name = in.OptString("policyName");
  auto resource_arn = in.OptString("resourceArn");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (!name && !resource_arn) {
    return errors::InvalidParameter("Either policyName or resourceArn must be specified.");
  }
  std::string key = resource_arn ? "arn:" + *resource_arn : *name;
  if (!Remove(ctx, "resource-policy", key)) {
    return PolicyNotFound(name.value_or(resource_arn.value_or("")));
  }
  return out::Empty();
}

// ---- Destinations ---------------------------------------------------------------------------

Result<Output> LogsAdmin::PutDestination(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("destinationName");
  std::string target = in.String("targetArn");
  std::string role = in.String("roleArn");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckFilterName(name, "destinationName")) {
    return *e;
  }
  if (target.empty()) {
    return errors::Validation(target, "targetArn",
                              "Member must have length greater than or equal to 1");
  }
  if (role.empty()) {
    return errors::Validation(role, "roleArn",
                              "Member must have length greater than or equal to 1");
  }
  Out o;
  Value d(rapidjson::kObjectType);
  int64_t created = logs_.NowMs();
  std::string access_policy;
  if (auto existing = Find(ctx, "destination", name)) {
    rapidjson::Document old;
    old.Parse(existing->c_str());
    if (old.IsObject()) {
      created = old["creationTime"].GetInt64();
      if (old.HasMember("accessPolicy")) {
        access_policy = old["accessPolicy"].GetString();
      }
    }
  }
  o.SetStr(d, "destinationName", name);
  o.SetStr(d, "targetArn", target);
  o.SetStr(d, "roleArn", role);
  if (!access_policy.empty()) {
    o.SetStr(d, "accessPolicy", access_policy);
  }
  o.SetStr(d, "arn", "arn:aws:logs:" + ctx.scope.region + ":" + ctx.scope.account_id +
                         ":destination:" + name);
  o.SetInt(d, "creationTime", created);
  Save(ctx, "destination", name, ToJson(d));
  o.Set("destination", std::move(d));
  return o.Take();
}

Result<Output> LogsAdmin::PutDestinationPolicy(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("destinationName");
  std::string policy = in.String("accessPolicy");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckFilterName(name, "destinationName")) {
    return *e;
  }
  if (auto e = CheckDocument(policy, "accessPolicy")) {
    return *e;
  }
  auto existing = Find(ctx, "destination", name);
  if (!existing) {
    return DestinationNotFound();
  }
  rapidjson::Document d;
  d.Parse(existing->c_str());
  if (d.HasMember("accessPolicy")) {
    d.RemoveMember("accessPolicy");
  }
  d.AddMember("accessPolicy", Value(policy.c_str(), d.GetAllocator()), d.GetAllocator());
  Save(ctx, "destination", name, ToJson(d));
  return out::Empty();
}

Result<Output> LogsAdmin::DescribeDestinations(RequestContext& ctx, ParamReader& in) {
  std::string prefix = in.String("DestinationNamePrefix");
  auto limit = in.OptInt("limit");
  auto token = in.OptString("nextToken");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckLimit(limit, 50)) {
    return *e;
  }
  std::optional<std::string> after;
  if (token) {
    after = out::Untoken(*token, "destinations");
    if (!after) {
      return errors::InvalidNextToken();
    }
  }
  return Page(List(ctx, "destination"), "destinations", "destinations", after, limit.value_or(50),
              [&](const Value& d) {
                return std::string_view(d["destinationName"].GetString()).rfind(prefix, 0) == 0;
              });
}

Result<Output> LogsAdmin::DeleteDestination(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("destinationName");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckFilterName(name, "destinationName")) {
    return *e;
  }
  if (!Remove(ctx, "destination", name)) {
    return DestinationNotFound();
  }
  return out::Empty();
}

// ---- KMS keys -------------------------------------------------------------------------------

// Associate/DisassociateKmsKey name the group by logGroupName or resourceIdentifier, one of them.
Result<LogGroup> LogsAdmin::GroupByNameOrArn(const RequestContext& ctx,
                                             const std::optional<std::string>& name,
                                             const std::optional<std::string>& identifier) {
  if (name && identifier) {
    return errors::InvalidParameter(
        "LogGroup name and resource identifier are mutually exclusive parameters.");
  }
  if (!name && !identifier) {
    return errors::InvalidParameter(
        "Either the log group name or the resource identifier must be specified.");
  }
  return identifier ? logs_.GroupByArn(*identifier) : logs_.FindGroup(ctx.scope, *name);
}

Result<Output> LogsAdmin::AssociateKmsKey(RequestContext& ctx, ParamReader& in) {
  std::string key = in.String("kmsKeyId");
  auto identifier = in.OptString("resourceIdentifier");
  auto name = in.OptString("logGroupName");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  // AWS: kmsKeyId is the key's ARN.
  if (key.rfind("arn:aws:kms:", 0) != 0) {
    return errors::InvalidParameter("Specified KMS key ARN is not valid: " + key);
  }
  auto group = GroupByNameOrArn(ctx, name, identifier);
  if (!group) {
    return group.error();
  }
  logs_.store_->db()
      .Prepare("UPDATE logs_groups SET kms_key_id = ?2 WHERE id = ?1")
      .Bind(1, group->id)
      .Bind(2, key)
      .Run();
  return out::Empty();
}

Result<Output> LogsAdmin::DisassociateKmsKey(RequestContext& ctx, ParamReader& in) {
  auto identifier = in.OptString("resourceIdentifier");
  auto name = in.OptString("logGroupName");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  auto group = GroupByNameOrArn(ctx, name, identifier);
  if (!group) {
    return group.error();
  }
  logs_.store_->db()
      .Prepare("UPDATE logs_groups SET kms_key_id = '' WHERE id = ?1")
      .Bind(1, group->id)
      .Run();
  return out::Empty();
}

// ---- Account policies -----------------------------------------------------------------------

namespace {

constexpr std::string_view kPolicyTypes[] = {
    "DATA_PROTECTION_POLICY", "SUBSCRIPTION_FILTER_POLICY", "FIELD_INDEX_POLICY",
    "TRANSFORMER_POLICY", "METRIC_EXTRACTION_POLICY"};

std::optional<AwsError> CheckPolicyType(const std::string& type) {
  if (std::find(std::begin(kPolicyTypes), std::end(kPolicyTypes), type) ==
      std::end(kPolicyTypes)) {
    return errors::Validation(type, "policyType",
                              "Member must satisfy enum value set: [DATA_PROTECTION_POLICY, "
                              "SUBSCRIPTION_FILTER_POLICY, FIELD_INDEX_POLICY, "
                              "TRANSFORMER_POLICY, METRIC_EXTRACTION_POLICY]");
  }
  return std::nullopt;
}

// AWS: one account-level data protection policy; two subscription filter policies; others
// are not limited here.
size_t MaxAccountPolicies(const std::string& type) {
  if (type == "DATA_PROTECTION_POLICY") return 1;
  if (type == "SUBSCRIPTION_FILTER_POLICY") return 2;
  return 20;
}

}  // namespace

Result<Output> LogsAdmin::PutAccountPolicy(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("policyName");
  std::string document = in.String("policyDocument");
  std::string type = in.String("policyType");
  std::string scope = in.String("scope", "ALL");
  auto selection = in.OptString("selectionCriteria");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckPolicyType(type)) {
    return *e;
  }
  if (name.empty()) {
    return errors::Validation(name, "policyName",
                              "Member must have length greater than or equal to 1");
  }
  if (scope != "ALL") {
    return errors::Validation(scope, "scope", "Member must satisfy enum value set: [ALL]");
  }
  if (auto e = CheckDocument(document, "policyDocument")) {
    return *e;
  }
  if (type == "SUBSCRIPTION_FILTER_POLICY") {
    // Delivered like a log group's subscription filter (subscription_filters.cc).
    rapidjson::Document d;
    d.Parse(document.c_str());
    if (!d.HasMember("DestinationArn") || !d["DestinationArn"].IsString()) {
      return errors::InvalidParameter(
          "A subscription filter policy document must contain a DestinationArn.");
    }
    if (d.HasMember("FilterPattern")) {
      if (!d["FilterPattern"].IsString()) {
        return errors::InvalidParameter("FilterPattern must be a string.");
      }
      auto pattern = FilterPattern::Parse(d["FilterPattern"].GetString());
      if (!pattern) {
        return pattern.error();
      }
    }
  }
  std::string kind = "account-policy:" + type;
  if (!Find(ctx, kind, name) && List(ctx, kind).size() >= MaxAccountPolicies(type)) {
    return AwsError::Sender("LimitExceededException", "Resource limit exceeded.");
  }
  Out o;
  Value p(rapidjson::kObjectType);
  o.SetStr(p, "policyName", name);
  o.SetStr(p, "policyDocument", document);
  o.SetInt(p, "lastUpdatedTime", logs_.NowMs());
  o.SetStr(p, "policyType", type);
  o.SetStr(p, "scope", scope);
  if (selection) {
    o.SetStr(p, "selectionCriteria", *selection);
  }
  o.SetStr(p, "accountId", ctx.scope.account_id);
  Save(ctx, kind, name, ToJson(p));
  o.Set("accountPolicy", std::move(p));
  return o.Take();
}

Result<Output> LogsAdmin::DescribeAccountPolicies(RequestContext& ctx, ParamReader& in) {
  std::string type = in.String("policyType");
  auto name = in.OptString("policyName");
  auto token = in.OptString("nextToken");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckPolicyType(type)) {
    return *e;
  }
  std::optional<std::string> after;
  if (token) {
    after = out::Untoken(*token, "account-policies");
    if (!after) {
      return errors::InvalidNextToken();
    }
  }
  return Page(List(ctx, "account-policy:" + type), "accountPolicies", "account-policies", after,
              50, [&](const Value& p) { return !name || p["policyName"].GetString() == *name; });
}

Result<Output> LogsAdmin::DeleteAccountPolicy(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("policyName");
  std::string type = in.String("policyType");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckPolicyType(type)) {
    return *e;
  }
  if (!Remove(ctx, "account-policy:" + type, name)) {
    return PolicyNotFound(name);
  }
  return out::Empty();
}

// ---- Export tasks ---------------------------------------------------------------------------

Result<Output> LogsAdmin::CreateExportTask(RequestContext& ctx, ParamReader& in) {
  std::string group_name = in.String("logGroupName");
  int64_t from = in.Int("from");
  int64_t to = in.Int("to");
  std::string destination = in.String("destination");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (from < 0 || to < 0) {
    return errors::Validation(std::to_string(std::min(from, to)), from < 0 ? "from" : "to",
                              "Member must have value greater than or equal to 0");
  }
  if (destination.empty()) {
    return errors::Validation(destination, "destination",
                              "Member must have length greater than or equal to 1");
  }
  auto group = logs_.FindGroup(ctx.scope, group_name);
  if (!group) {
    return group.error();
  }
  if (to < from) {
    return errors::InvalidParameter("The 'to' time must be after the 'from' time.");
  }
  // AWS checks the bucket's ACL before it accepts the task; Nimbus has no S3 bucket to check,
  // so every task is refused the way AWS refuses one for a bucket it cannot reach.
  return errors::InvalidParameter(
      "GetBucketAcl call on the given bucket failed. Please check if CloudWatch Logs has been "
      "granted permission to perform this operation.");
}

Result<Output> LogsAdmin::DescribeExportTasks(RequestContext&, ParamReader& in) {
  auto limit = in.OptInt("limit");
  auto status = in.OptString("statusCode");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckLimit(limit, 50)) {
    return *e;
  }
  static const std::vector<std::string> kStatuses = {"CANCELLED", "COMPLETED", "FAILED",
                                                     "PENDING",   "PENDING_CANCEL", "RUNNING"};
  if (status && std::find(kStatuses.begin(), kStatuses.end(), *status) == kStatuses.end()) {
    return errors::Validation(*status, "statusCode",
                              "Member must satisfy enum value set: [CANCELLED, COMPLETED, "
                              "FAILED, PENDING, PENDING_CANCEL, RUNNING]");
  }
  // No task is ever accepted (see CreateExportTask), so there is none to list.
  Out o;
  o.Set("exportTasks", Value(rapidjson::kArrayType));
  return o.Take();
}

Result<Output> LogsAdmin::CancelExportTask(RequestContext&, ParamReader& in) {
  std::string id = in.String("taskId");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (id.empty() || id.size() > 512) {
    return errors::Validation(id, "taskId",
                              id.empty() ? "Member must have length greater than or equal to 1"
                                         : "Member must have length less than or equal to 512");
  }
  return AwsError::Sender("ResourceNotFoundException", "The specified export task does not exist.");
}

}  // namespace nimbus::logs
