// LambdaService: resource policies, concurrency, account settings and tags.

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/ids.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_internal.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
using rapidjson::Value;

namespace {

constexpr int64_t kAccountConcurrency = 1000;
constexpr int64_t kMinUnreserved = 100;  // AWS keeps 100 executions unreserved
constexpr size_t kMaxPolicyBytes = 20480;
constexpr size_t kMaxTags = 50;

std::string ToJson(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

bool ValidStatementId(const std::string& sid) {
  return !sid.empty() && sid.size() <= 100 && std::all_of(sid.begin(), sid.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// AWS: (lambda:[*]|lambda:[a-zA-Z]+|[*])
bool ValidAction(const std::string& action) {
  if (action == "*" || action == "lambda:*") {
    return true;
  }
  return action.size() > 7 && action.rfind("lambda:", 0) == 0 &&
         std::all_of(action.begin() + 7, action.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

bool IsAccountId(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// The function ARN a tag operation names; tags belong to functions, never to versions/aliases.
Result<FunctionRef> ParseTaggableArn(const std::string& resource) {
  auto ref = ParseFunctionName(resource);
  if (resource.rfind("arn:", 0) != 0 || !ref) {
    return errors::ValidationField(
        resource, "resource",
        "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}"
        "((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9-_]+");
  }
  if (ref->qualifier) {
    return errors::InvalidParameterValue(
        "Tags on function aliases and versions are not supported. Please specify a function "
        "ARN.");
  }
  return *ref;
}

}  // namespace

std::string LambdaService::TargetRevision(const Target& t) const {
  return t.alias ? t.alias->revision_id : t.version.revision_id;
}

// AWS: a policy change is a change of the function (or alias): its RevisionId moves on.
void LambdaService::BumpRevision(Target& t) {
  if (t.alias) {
    t.alias->revision_id = NewUuid();
    store_->PutAlias(*t.alias);
    return;
  }
  t.version.revision_id = NewUuid();
  store_->PutVersion(t.version);
}

Output LambdaService::PolicyOutput(const std::string& statements_json,
                                   const std::string& revision_id) const {
  rapidjson::Document statements;
  statements.Parse(statements_json.c_str(), statements_json.size());
  rapidjson::Document policy(rapidjson::kObjectType);
  auto& a = policy.GetAllocator();
  policy.AddMember("Version", "2012-10-17", a);
  policy.AddMember("Id", "default", a);
  Value list(rapidjson::kArrayType);
  if (statements.IsArray()) {
    list.CopyFrom(statements, a);
  }
  policy.AddMember("Statement", list, a);
  Out out;
  out.SetStr("Policy", ToJson(policy));
  out.SetStr("RevisionId", revision_id);
  return out.Take();
}

Result<Output> LambdaService::AddPermission(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  std::string sid = in.String("StatementId");
  std::string action = in.String("Action");
  std::string principal = in.String("Principal");
  auto source_arn = in.OptString("SourceArn");
  auto source_account = in.OptString("SourceAccount");
  auto org_id = in.OptString("PrincipalOrgID");
  auto token = in.OptString("EventSourceToken");
  auto url_auth = in.OptString("FunctionUrlAuthType");
  auto revision = in.OptString("RevisionId");
  if (in.error()) {
    return *in.error();
  }
  if (t->qualifier == kLatest) {
    return errors::InvalidParameterValue(
        "We currently do not support adding policies for $LATEST.");
  }
  if (!ValidStatementId(sid)) {
    return errors::ValidationField(sid, "statementId",
                                   "Member must satisfy regular expression pattern: "
                                   "([a-zA-Z0-9-_.]+)");
  }
  if (!ValidAction(action)) {
    return errors::ValidationField(action, "action",
                                   "Member must satisfy regular expression pattern: "
                                   "(lambda:[*]|lambda:[a-zA-Z]+|[*])");
  }
  if (principal.empty()) {
    return errors::ValidationField(principal, "principal",
                                   "Member must satisfy regular expression pattern: [^\\s]+");
  }
  if (url_auth) {
    if (*url_auth != "NONE" && *url_auth != "AWS_IAM") {
      return errors::ValidationField(*url_auth, "functionUrlAuthType",
                                     "Member must satisfy enum value set: [NONE, AWS_IAM]");
    }
  }
  if (revision && *revision != TargetRevision(*t)) {
    return errors::PreconditionFailed();
  }
  Scope scope = t->scope();
  std::string key = t->qualifier;
  rapidjson::Document statements;
  auto existing = store_->FindPolicy(scope, t->function.name, key);
  statements.Parse(existing.value_or("[]").c_str());
  if (!statements.IsArray()) {
    statements.SetArray();
  }
  for (const auto& s : statements.GetArray()) {
    if (s.IsObject() && s.HasMember("Sid") && s["Sid"].IsString() && sid == s["Sid"].GetString()) {
      return errors::ResourceConflict("The statement id (" + sid +
                                      ") provided already exists. Please provide a new statement "
                                      "id, or remove the existing statement.");
    }
  }
  auto& a = statements.GetAllocator();
  auto str = [&a](const std::string& s) {
    return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
  };
  Value statement(rapidjson::kObjectType);
  statement.AddMember("Sid", str(sid), a);
  statement.AddMember("Effect", "Allow", a);
  // AWS: a service principal, an account (as its root ARN), an ARN, or "*".
  if (principal == "*") {
    statement.AddMember("Principal", "*", a);
  } else {
    Value p(rapidjson::kObjectType);
    if (IsAccountId(principal)) {
      p.AddMember("AWS", str("arn:aws:iam::" + principal + ":root"), a);
    } else if (principal.rfind("arn:", 0) == 0) {
      p.AddMember("AWS", str(principal), a);
    } else {
      p.AddMember("Service", str(principal), a);
    }
    statement.AddMember("Principal", p, a);
  }
  statement.AddMember("Action", str(action), a);
  statement.AddMember("Resource", str(t->Arn()), a);
  Value condition(rapidjson::kObjectType);
  Value string_equals(rapidjson::kObjectType);
  if (source_account) {
    string_equals.AddMember("AWS:SourceAccount", str(*source_account), a);
  }
  if (org_id) {
    string_equals.AddMember("aws:PrincipalOrgID", str(*org_id), a);
  }
  if (token) {
    string_equals.AddMember("lambda:EventSourceToken", str(*token), a);
  }
  if (url_auth) {
    string_equals.AddMember("lambda:FunctionUrlAuthType", str(*url_auth), a);
  }
  if (string_equals.MemberCount() > 0) {
    condition.AddMember("StringEquals", string_equals, a);
  }
  if (source_arn) {
    Value arn_like(rapidjson::kObjectType);
    arn_like.AddMember("AWS:SourceArn", str(*source_arn), a);
    condition.AddMember("ArnLike", arn_like, a);
  }
  if (condition.MemberCount() > 0) {
    statement.AddMember("Condition", condition, a);
  }
  std::string statement_json = ToJson(statement);
  statements.PushBack(statement, a);
  std::string all = ToJson(statements);
  if (all.size() > kMaxPolicyBytes) {
    return errors::PolicyLengthExceeded();
  }
  store_->PutPolicy(scope, t->function.name, key, all);
  BumpRevision(*t);
  Out out;
  out.SetStr("Statement", statement_json);
  return out.Take();
}

Result<Output> LambdaService::RemovePermission(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  std::string sid = in.String("StatementId");
  auto revision = in.OptString("RevisionId");
  if (in.error()) {
    return *in.error();
  }
  if (revision && *revision != TargetRevision(*t)) {
    return errors::PreconditionFailed();
  }
  Scope scope = t->scope();
  auto existing = store_->FindPolicy(scope, t->function.name, t->qualifier);
  if (!existing) {
    return errors::ResourceNotFound("No policy is associated with the given resource.");
  }
  rapidjson::Document statements;
  statements.Parse(existing->c_str());
  bool found = false;
  if (statements.IsArray()) {
    for (auto it = statements.Begin(); it != statements.End(); ++it) {
      if (it->IsObject() && it->HasMember("Sid") && (*it)["Sid"].IsString() &&
          sid == (*it)["Sid"].GetString()) {
        statements.Erase(it);
        found = true;
        break;
      }
    }
  }
  if (!found) {
    return errors::ResourceNotFound("Statement " + sid + " is not found in resource policy.");
  }
  if (statements.Empty()) {
    store_->DeletePolicy(scope, t->function.name, t->qualifier);
  } else {
    store_->PutPolicy(scope, t->function.name, t->qualifier, ToJson(statements));
  }
  BumpRevision(*t);
  return EmptyOutput();
}

Result<Output> LambdaService::GetPolicy(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  auto existing = store_->FindPolicy(t->scope(), t->function.name, t->qualifier);
  if (!existing) {
    return errors::ResourceDoesNotExist();
  }
  return PolicyOutput(*existing, TargetRevision(*t));
}

// ---------------------------------------------------------------------------------------------
// Concurrency and account

Result<Output> LambdaService::PutFunctionConcurrency(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  int64_t reserved = in.Int("ReservedConcurrentExecutions", -1);
  if (in.error()) {
    return *in.error();
  }
  if (reserved < 0) {
    return errors::ValidationField(std::to_string(reserved), "reservedConcurrentExecutions",
                                   "Member must have value greater than or equal to 0");
  }
  int64_t others = 0;
  for (const auto& f : store_->ListFunctions(Scope{fn->account, fn->region})) {
    if (f.name != fn->name) {
      others += f.reserved_concurrency.value_or(0);
    }
  }
  if (others + reserved > kAccountConcurrency - kMinUnreserved) {
    return errors::InvalidParameterValue(
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [" +
        std::to_string(kMinUnreserved) + "].");
  }
  fn->reserved_concurrency = reserved;
  store_->PutFunction(*fn);
  Out out;
  out.Set("ReservedConcurrentExecutions", Value(reserved));
  return out.Take();
}

Result<Output> LambdaService::GetFunctionConcurrency(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  Out out;
  if (fn->reserved_concurrency) {
    out.Set("ReservedConcurrentExecutions", Value(*fn->reserved_concurrency));
  }
  return out.Take();
}

Result<Output> LambdaService::DeleteFunctionConcurrency(RequestContext& ctx, ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  fn->reserved_concurrency.reset();
  store_->PutFunction(*fn);
  return EmptyOutput();
}

Result<Output> LambdaService::GetAccountSettings(RequestContext& ctx, ParamReader&) {
  int64_t reserved = 0;
  int64_t code_size = store_->LayerCodeSize(ctx.scope);
  auto functions = store_->ListFunctions(ctx.scope);
  for (const auto& f : functions) {
    reserved += f.reserved_concurrency.value_or(0);
    for (const auto& v : store_->ListVersions(ctx.scope, f.name)) {
      code_size += v.code.size;
    }
  }
  Out out;
  Value limit(rapidjson::kObjectType);
  out.Set(limit, "TotalCodeSize", Value(int64_t{80530636800}));
  out.Set(limit, "CodeSizeUnzipped", Value(int64_t{262144000}));
  out.Set(limit, "CodeSizeZipped", Value(int64_t{52428800}));
  out.Set(limit, "ConcurrentExecutions", Value(kAccountConcurrency));
  out.Set(limit, "UnreservedConcurrentExecutions", Value(kAccountConcurrency - reserved));
  out.Set("AccountLimit", std::move(limit));
  Value usage(rapidjson::kObjectType);
  out.Set(usage, "TotalCodeSize", Value(code_size));
  out.Set(usage, "FunctionCount", Value(static_cast<int64_t>(functions.size())));
  out.Set("AccountUsage", std::move(usage));
  return out.Take();
}

// ---------------------------------------------------------------------------------------------
// Tags

Result<Output> LambdaService::TagResource(RequestContext& ctx, ParamReader& in) {
  std::string resource = in.String("Resource");
  auto ref = ParseTaggableArn(resource);
  if (!ref) {
    return ref.error();
  }
  auto t = ResolveRef(ctx, resource, std::nullopt, QualifierUse::kLatestOnly);
  if (!t) {
    return t.error();
  }
  if (const Value* tags = in.Value("Tags"); tags != nullptr && tags->IsObject()) {
    for (auto m = tags->MemberBegin(); m != tags->MemberEnd(); ++m) {
      t->function.tags[m->name.GetString()] = m->value.IsString() ? m->value.GetString() : "";
    }
  }
  if (t->function.tags.size() > kMaxTags) {
    return errors::InvalidParameterValue("Number of tags exceeds resource tag limit.");
  }
  store_->PutFunction(t->function);
  return EmptyOutput();
}

Result<Output> LambdaService::UntagResource(RequestContext& ctx, ParamReader& in) {
  std::string resource = in.String("Resource");
  auto ref = ParseTaggableArn(resource);
  if (!ref) {
    return ref.error();
  }
  auto t = ResolveRef(ctx, resource, std::nullopt, QualifierUse::kLatestOnly);
  if (!t) {
    return t.error();
  }
  if (const Value* keys = in.Value("TagKeys"); keys != nullptr && keys->IsArray()) {
    for (const auto& k : keys->GetArray()) {
      if (k.IsString()) {
        t->function.tags.erase(k.GetString());
      }
    }
  }
  store_->PutFunction(t->function);
  return EmptyOutput();
}

Result<Output> LambdaService::ListTags(RequestContext& ctx, ParamReader& in) {
  std::string resource = in.String("Resource");
  auto ref = ParseTaggableArn(resource);
  if (!ref) {
    return ref.error();
  }
  auto t = ResolveRef(ctx, resource, std::nullopt, QualifierUse::kLatestOnly);
  if (!t) {
    return t.error();
  }
  Out out;
  Value tags(rapidjson::kObjectType);
  for (const auto& [k, v] : t->function.tags) {
    tags.AddMember(out.Str(k), out.Str(v), out.a());
  }
  out.Set("Tags", std::move(tags));
  return out.Take();
}

}  // namespace nimbus::lambda
