// API keys and usage plans (with their keys). Each is a document of its own; a usage plan
// keeps the ids of its keys in the internal member "_keys".
#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/apigateway_internal.h"
#include "services/apigateway/apigateway_service.h"

namespace nimbus::apigateway {
using internal::Copy;
using internal::Empty;
using internal::kApiKey;
using internal::kRestApi;
using internal::kUsagePlan;
using json::Str;
using rapidjson::Value;

namespace {

bool Includes(const Value& list, std::string_view item) {
  if (!list.IsArray()) {
    return false;
  }
  for (const auto& v : list.GetArray()) {
    if (v.IsString() && item == v.GetString()) {
      return true;
    }
  }
  return false;
}

Output WithoutValue(Output key, bool include_value) {
  if (!include_value) {
    key.RemoveMember("value");
  }
  return key;
}

}  // namespace

Result<Output> ApiGatewayService::CreateApiKey(RequestContext& ctx, ParamReader& in) {
  rapidjson::Document key(rapidjson::kObjectType);
  auto& a = key.GetAllocator();
  std::string id = json::NewId();
  std::string value = in.String("value");
  if (value.empty()) {
    value = json::NewId(40);
  } else if (value.size() < 20) {
    return errors::BadRequest("API Key value should be at least 20 characters");
  }
  for (const auto& other_id : store_->Ids(ctx.scope, kApiKey)) {
    if (json::GetStr(*store_->Find(ctx.scope, kApiKey, other_id), "value") == value) {
      return errors::Conflict("API Key already exists");
    }
  }
  key.AddMember("id", Str(id, a), a);
  key.AddMember("value", Str(value, a), a);
  key.AddMember("name", Str(in.String("name", id), a), a);
  json::CopyMembers(in.params(), key, {"description", "customerId", "tags"}, a);
  key.AddMember("enabled", in.Bool("enabled"), a);  // AWS: keys are disabled unless asked
  key.AddMember("createdDate", Value(Now()), a);
  key.AddMember("lastUpdatedDate", Value(Now()), a);
  Value stage_keys(rapidjson::kArrayType);
  if (const Value* sk = in.Value("stageKeys"); sk != nullptr && sk->IsArray()) {
    for (const auto& s : sk->GetArray()) {
      std::string api_id = json::GetStr(s, "restApiId");
      if (store_->Find(ctx.scope, kRestApi, api_id) == nullptr) {
        return errors::BadRequest("Invalid stage key: " + api_id);
      }
      stage_keys.PushBack(Str(api_id + "/" + json::GetStr(s, "stageName"), a), a);
    }
  }
  key.AddMember("stageKeys", stage_keys, a);
  auto& stored = store_->Put(ctx.scope, kApiKey, id, std::move(key));
  return Copy(stored);
}

Result<Output> ApiGatewayService::GetApiKey(RequestContext& ctx, ParamReader& in) {
  rapidjson::Document* key = store_->Find(ctx.scope, kApiKey, in.String("apiKey"));
  if (key == nullptr) {
    return errors::InvalidApiKey();
  }
  return WithoutValue(Copy(*key), in.Bool("includeValue"));
}

Result<Output> ApiGatewayService::GetApiKeys(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("nameQuery");
  std::string customer = in.String("customerId");
  std::vector<std::string> ids;
  for (const auto& id : store_->Ids(ctx.scope, kApiKey)) {
    rapidjson::Document* key = store_->Find(ctx.scope, kApiKey, id);
    if (!name.empty() && json::GetStr(*key, "name").rfind(name, 0) != 0) {
      continue;
    }
    if (!customer.empty() && json::GetStr(*key, "customerId") != customer) {
      continue;
    }
    ids.push_back(id);
  }
  auto page = json::Paginate(ids, in.String("position"), in.Int("limit", 25));
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  Value items(rapidjson::kArrayType);
  bool include = in.Bool("includeValues");
  for (const auto& id : page.ids) {
    Value item(*store_->Find(ctx.scope, kApiKey, id), a);
    if (!include) {
      item.RemoveMember("value");
    }
    items.PushBack(item, a);
  }
  out.AddMember("items", items, a);
  if (!page.next.empty()) {
    out.AddMember("position", Str(page.next, a), a);
  }
  return out;
}

Result<Output> ApiGatewayService::UpdateApiKey(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("apiKey");
  rapidjson::Document* key = store_->Find(ctx.scope, kApiKey, id);
  if (key == nullptr) {
    return errors::InvalidApiKey();
  }
  if (auto err = json::ApplyPatch(*key, in.Value("patchOperations"), key->GetAllocator())) {
    return *err;
  }
  json::Set(*key, "lastUpdatedDate", Value(Now()), key->GetAllocator());
  store_->Save(ctx.scope, kApiKey, id);
  return WithoutValue(Copy(*key), false);
}

Result<Output> ApiGatewayService::DeleteApiKey(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("apiKey");
  if (!store_->Erase(ctx.scope, kApiKey, id)) {
    return errors::InvalidApiKey();
  }
  // The key leaves every usage plan it belonged to.
  for (const auto& plan_id : store_->Ids(ctx.scope, kUsagePlan)) {
    rapidjson::Document* plan = store_->Find(ctx.scope, kUsagePlan, plan_id);
    Value& keys = (*plan)["_keys"];
    for (auto it = keys.Begin(); it != keys.End(); ++it) {
      if (it->IsString() && id == it->GetString()) {
        keys.Erase(it);
        store_->Save(ctx.scope, kUsagePlan, plan_id);
        break;
      }
    }
  }
  return Empty();
}

// ---- Usage plans --------------------------------------------------------------------------------

Result<Output> ApiGatewayService::CreateUsagePlan(RequestContext& ctx, ParamReader& in) {
  rapidjson::Document plan(rapidjson::kObjectType);
  auto& a = plan.GetAllocator();
  std::string id = json::NewId();
  plan.AddMember("id", Str(id, a), a);
  json::CopyMembers(in.params(), plan,
                    {"name", "description", "apiStages", "throttle", "quota", "tags"}, a);
  // AWS fills in the quota's offset (0) when the request leaves it out.
  if (Value* quota = plan.HasMember("quota") ? &plan["quota"] : nullptr;
      quota != nullptr && quota->IsObject() && !quota->HasMember("offset")) {
    quota->AddMember("offset", 0, a);
  }
  if (const Value* stages = json::Get(plan, "apiStages"); stages && stages->IsArray()) {
    for (const auto& s : stages->GetArray()) {
      std::string api_id = json::GetStr(s, "apiId");
      rapidjson::Document* api = store_->Find(ctx.scope, kRestApi, api_id);
      if (api == nullptr) {
        return errors::NotFound("Invalid API identifier specified " + ctx.scope.account_id +
                                ":" + api_id);
      }
      if (json::Get((*api)["stages"], json::GetStr(s, "stage")) == nullptr) {
        return errors::NotFound("Invalid stage identifier specified");
      }
    }
  } else {
    plan.AddMember("apiStages", Value(rapidjson::kArrayType), a);
  }
  plan.AddMember("_keys", Value(rapidjson::kArrayType), a);
  auto& stored = store_->Put(ctx.scope, kUsagePlan, id, std::move(plan));
  return Copy(stored);
}

Result<Output> ApiGatewayService::GetUsagePlan(RequestContext& ctx, ParamReader& in) {
  rapidjson::Document* plan = store_->Find(ctx.scope, kUsagePlan, in.String("usagePlanId"));
  if (plan == nullptr) {
    return errors::InvalidUsagePlan(in.String("usagePlanId"));
  }
  return Copy(*plan);
}

Result<Output> ApiGatewayService::GetUsagePlans(RequestContext& ctx, ParamReader& in) {
  std::string key_id = in.String("keyId");
  std::vector<std::string> ids;
  for (const auto& id : store_->Ids(ctx.scope, kUsagePlan)) {
    rapidjson::Document* plan = store_->Find(ctx.scope, kUsagePlan, id);
    if (key_id.empty() || Includes((*plan)["_keys"], key_id)) {
      ids.push_back(id);
    }
  }
  auto page = json::Paginate(ids, in.String("position"), in.Int("limit", 25));
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  Value items(rapidjson::kArrayType);
  for (const auto& id : page.ids) {
    items.PushBack(Value(*store_->Find(ctx.scope, kUsagePlan, id), a), a);
  }
  out.AddMember("items", items, a);
  if (!page.next.empty()) {
    out.AddMember("position", Str(page.next, a), a);
  }
  return out;
}

Result<Output> ApiGatewayService::UpdateUsagePlan(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("usagePlanId");
  rapidjson::Document* plan = store_->Find(ctx.scope, kUsagePlan, id);
  if (plan == nullptr) {
    return errors::InvalidUsagePlan(id);
  }
  auto& a = plan->GetAllocator();
  // "/apiStages" takes "apiId:stage" values; the rest is a plain patch.
  Value plain(rapidjson::kArrayType);
  if (const Value* ops = in.Value("patchOperations"); ops != nullptr && ops->IsArray()) {
    for (const auto& op : ops->GetArray()) {
      if (json::GetStr(op, "path") != "/apiStages") {
        plain.PushBack(Value(op, a), a);
        continue;
      }
      std::string value = json::GetStr(op, "value");
      auto colon = value.find(':');
      if (colon == std::string::npos) {
        return errors::BadRequest("Invalid API stage specified: " + value);
      }
      std::string api_id = value.substr(0, colon);
      std::string stage = value.substr(colon + 1);
      Value& stages = json::Get(*plan, "apiStages") && (*plan)["apiStages"].IsArray()
                          ? (*plan)["apiStages"]
                          : (json::Set(*plan, "apiStages", Value(rapidjson::kArrayType), a),
                             (*plan)["apiStages"]);
      if (json::GetStr(op, "op") == "remove") {
        for (auto it = stages.Begin(); it != stages.End(); ++it) {
          if (json::GetStr(*it, "apiId") == api_id && json::GetStr(*it, "stage") == stage) {
            stages.Erase(it);
            break;
          }
        }
        continue;
      }
      rapidjson::Document* api = store_->Find(ctx.scope, kRestApi, api_id);
      if (api == nullptr || json::Get((*api)["stages"], stage) == nullptr) {
        return errors::NotFound("Invalid stage identifier specified");
      }
      Value s(rapidjson::kObjectType);
      s.AddMember("apiId", Str(api_id, a), a);
      s.AddMember("stage", Str(stage, a), a);
      stages.PushBack(s, a);
    }
  }
  if (auto err = json::ApplyPatch(*plan, &plain, a)) {
    return *err;
  }
  store_->Save(ctx.scope, kUsagePlan, id);
  return Copy(*plan);
}

Result<Output> ApiGatewayService::DeleteUsagePlan(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("usagePlanId");
  if (!store_->Erase(ctx.scope, kUsagePlan, id)) {
    return errors::InvalidUsagePlan(id);
  }
  return Empty();
}

Result<Output> ApiGatewayService::UsagePlanKeyOutput(const RequestContext& ctx,
                                                     const std::string& key_id) {
  rapidjson::Document* key = store_->Find(ctx.scope, kApiKey, key_id);
  if (key == nullptr) {
    return errors::InvalidApiKey();
  }
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  out.AddMember("id", Str(key_id, a), a);
  out.AddMember("type", "API_KEY", a);
  out.AddMember("value", Str(json::GetStr(*key, "value"), a), a);
  out.AddMember("name", Str(json::GetStr(*key, "name"), a), a);
  return out;
}

Result<Output> ApiGatewayService::CreateUsagePlanKey(RequestContext& ctx, ParamReader& in) {
  std::string plan_id = in.String("usagePlanId");
  rapidjson::Document* plan = store_->Find(ctx.scope, kUsagePlan, plan_id);
  if (plan == nullptr) {
    return errors::InvalidUsagePlan(plan_id);
  }
  if (in.String("keyType") != "API_KEY") {
    return errors::BadRequest("Invalid key type specified: " + in.String("keyType"));
  }
  std::string key_id = in.String("keyId");
  auto out = UsagePlanKeyOutput(ctx, key_id);
  if (!out) {
    return out.error();
  }
  Value& keys = (*plan)["_keys"];
  if (Includes(keys, key_id)) {
    return errors::Conflict("Usage Plan " + plan_id + " already contains API Key " + key_id);
  }
  keys.PushBack(Str(key_id, plan->GetAllocator()), plan->GetAllocator());
  store_->Save(ctx.scope, kUsagePlan, plan_id);
  return out;
}

Result<Output> ApiGatewayService::GetUsagePlanKey(RequestContext& ctx, ParamReader& in) {
  std::string plan_id = in.String("usagePlanId");
  rapidjson::Document* plan = store_->Find(ctx.scope, kUsagePlan, plan_id);
  if (plan == nullptr) {
    return errors::InvalidUsagePlan(plan_id);
  }
  std::string key_id = in.String("keyId");
  if (!Includes((*plan)["_keys"], key_id)) {
    return errors::NotFound("Invalid Usage Plan Key identifier specified");
  }
  return UsagePlanKeyOutput(ctx, key_id);
}

Result<Output> ApiGatewayService::GetUsagePlanKeys(RequestContext& ctx, ParamReader& in) {
  std::string plan_id = in.String("usagePlanId");
  rapidjson::Document* plan = store_->Find(ctx.scope, kUsagePlan, plan_id);
  if (plan == nullptr) {
    return errors::InvalidUsagePlan(plan_id);
  }
  std::string name = in.String("nameQuery");
  std::vector<std::string> ids;
  for (const auto& k : (*plan)["_keys"].GetArray()) {
    rapidjson::Document* key = store_->Find(ctx.scope, kApiKey, k.GetString());
    if (key != nullptr && (name.empty() || json::GetStr(*key, "name").rfind(name, 0) == 0)) {
      ids.emplace_back(k.GetString());
    }
  }
  auto page = json::Paginate(ids, in.String("position"), in.Int("limit", 25));
  Output out;
  out.SetObject();
  auto& a = out.GetAllocator();
  Value items(rapidjson::kArrayType);
  for (const auto& id : page.ids) {
    auto item = UsagePlanKeyOutput(ctx, id);
    if (item) {
      items.PushBack(Value(*item, a), a);
    }
  }
  out.AddMember("items", items, a);
  if (!page.next.empty()) {
    out.AddMember("position", Str(page.next, a), a);
  }
  return out;
}

Result<Output> ApiGatewayService::DeleteUsagePlanKey(RequestContext& ctx, ParamReader& in) {
  std::string plan_id = in.String("usagePlanId");
  rapidjson::Document* plan = store_->Find(ctx.scope, kUsagePlan, plan_id);
  if (plan == nullptr) {
    return errors::InvalidUsagePlan(plan_id);
  }
  std::string key_id = in.String("keyId");
  Value& keys = (*plan)["_keys"];
  for (auto it = keys.Begin(); it != keys.End(); ++it) {
    if (it->IsString() && key_id == it->GetString()) {
      keys.Erase(it);
      store_->Save(ctx.scope, kUsagePlan, plan_id);
      return Empty();
    }
  }
  return errors::NotFound("Invalid Usage Plan Key identifier specified");
}

}  // namespace nimbus::apigateway
