#include "services/sns/sns_store.h"

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nimbus::sns {
namespace {

const std::vector<std::string_view> kMigrations = {R"sql(
CREATE TABLE sns_resources (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (kind, key)
);
)sql"};

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}
void Map(Writer& w, const char* key, const AttributeMap& m) {
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : m) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
}

std::string GetStr(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}
int64_t GetInt(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}
bool GetBool(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}
AttributeMap GetMap(const rapidjson::Value& o, const char* key) {
  AttributeMap out;
  auto it = o.FindMember(key);
  if (it != o.MemberEnd() && it->value.IsObject()) {
    for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
      if (m->value.IsString()) {
        out[m->name.GetString()] = std::string(m->value.GetString(), m->value.GetStringLength());
      }
    }
  }
  return out;
}

}  // namespace

SnsStore::SnsStore(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {
  db_->Migrate("sns", kMigrations);
}

void SnsStore::Write(const char* kind, const std::string& key, int64_t seq,
                     const std::string& json) {
  db_->Prepare("INSERT OR REPLACE INTO sns_resources(kind, key, seq, data) VALUES (?, ?, ?, ?)")
      .Bind(1, std::string_view(kind))
      .Bind(2, std::string_view(key))
      .Bind(3, seq)
      .Bind(4, std::string_view(json))
      .Run();
}

void SnsStore::Remove(const char* kind, const std::string& key) {
  db_->Prepare("DELETE FROM sns_resources WHERE kind = ? AND key = ?")
      .Bind(1, std::string_view(kind))
      .Bind(2, std::string_view(key))
      .Run();
}

void SnsStore::Put(const Topic& t) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "arn", t.arn);
  Str(w, "name", t.name);
  Str(w, "account", t.account);
  Str(w, "region", t.region);
  w.Key("fifo");
  w.Bool(t.fifo);
  Map(w, "attributes", t.attributes);
  w.Key("tags");
  w.StartArray();
  for (const auto& [k, v] : t.tags) {
    w.StartArray();
    w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    w.EndArray();
  }
  w.EndArray();
  Str(w, "dataProtectionPolicy", t.data_protection_policy);
  w.Key("deleted");
  w.Int64(t.subscriptions_deleted);
  w.EndObject();
  Write("topic", t.arn, t.seq, sb.GetString());
}

void SnsStore::Put(const Subscription& s) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "arn", s.arn);
  Str(w, "topicArn", s.topic_arn);
  Str(w, "protocol", s.protocol);
  Str(w, "endpoint", s.endpoint);
  Str(w, "owner", s.owner);
  Str(w, "account", s.account);
  Str(w, "region", s.region);
  Map(w, "attributes", s.attributes);
  w.Key("pending");
  w.Bool(s.pending);
  w.Key("authenticated");
  w.Bool(s.confirmation_authenticated);
  Str(w, "token", s.token);
  Str(w, "host", s.host);
  w.EndObject();
  Write("subscription", s.arn, s.seq, sb.GetString());
}

void SnsStore::Put(const PlatformApplication& a) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "arn", a.arn);
  Str(w, "name", a.name);
  Str(w, "platform", a.platform);
  Str(w, "account", a.account);
  Str(w, "region", a.region);
  Map(w, "attributes", a.attributes);
  w.EndObject();
  Write("application", a.arn, a.seq, sb.GetString());
}

void SnsStore::Put(const PlatformEndpoint& e) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Str(w, "arn", e.arn);
  Str(w, "application", e.application_arn);
  Str(w, "account", e.account);
  Str(w, "region", e.region);
  Map(w, "attributes", e.attributes);
  w.EndObject();
  Write("endpoint", e.arn, e.seq, sb.GetString());
}

void SnsStore::PutSms(const std::string& key, const SmsState& s) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  Map(w, "attributes", s.attributes);
  Map(w, "sandbox", s.sandbox);
  w.Key("optedOut");
  w.StartArray();
  for (const auto& n : s.opted_out) {
    w.String(n.c_str(), static_cast<rapidjson::SizeType>(n.size()));
  }
  w.EndArray();
  w.EndObject();
  Write("sms", key, 0, sb.GetString());
}

void SnsStore::DeleteTopic(const std::string& arn) { Remove("topic", arn); }
void SnsStore::DeleteSubscription(const std::string& arn) { Remove("subscription", arn); }
void SnsStore::DeleteApplication(const std::string& arn) { Remove("application", arn); }
void SnsStore::DeleteEndpoint(const std::string& arn) { Remove("endpoint", arn); }

SnsSnapshot SnsStore::Load() {
  SnsSnapshot out;
  auto& st = db_->Prepare("SELECT kind, key, seq, data FROM sns_resources ORDER BY seq, key");
  while (st.Step()) {
    std::string kind = st.Text(0);
    std::string key = st.Text(1);
    int64_t seq = st.Int(2);
    out.max_seq = std::max(out.max_seq, seq);
    rapidjson::Document d;
    std::string data = st.Text(3);
    d.Parse(data.c_str(), data.size());
    if (d.HasParseError() || !d.IsObject()) {
      continue;
    }
    if (kind == "topic") {
      Topic t;
      t.arn = GetStr(d, "arn");
      t.name = GetStr(d, "name");
      t.account = GetStr(d, "account");
      t.region = GetStr(d, "region");
      t.fifo = GetBool(d, "fifo");
      t.attributes = GetMap(d, "attributes");
      auto tags = d.FindMember("tags");
      if (tags != d.MemberEnd() && tags->value.IsArray()) {
        for (const auto& pair : tags->value.GetArray()) {
          if (pair.IsArray() && pair.Size() == 2 && pair[0].IsString() && pair[1].IsString()) {
            t.tags.emplace_back(pair[0].GetString(), pair[1].GetString());
          }
        }
      }
      t.data_protection_policy = GetStr(d, "dataProtectionPolicy");
      t.subscriptions_deleted = GetInt(d, "deleted");
      t.seq = seq;
      out.topics.push_back(std::move(t));
    } else if (kind == "subscription") {
      Subscription s;
      s.arn = GetStr(d, "arn");
      s.topic_arn = GetStr(d, "topicArn");
      s.protocol = GetStr(d, "protocol");
      s.endpoint = GetStr(d, "endpoint");
      s.owner = GetStr(d, "owner");
      s.account = GetStr(d, "account");
      s.region = GetStr(d, "region");
      s.attributes = GetMap(d, "attributes");
      s.pending = GetBool(d, "pending");
      s.confirmation_authenticated = GetBool(d, "authenticated");
      s.token = GetStr(d, "token");
      s.host = GetStr(d, "host");
      s.seq = seq;
      out.subscriptions.push_back(std::move(s));
    } else if (kind == "application") {
      PlatformApplication a;
      a.arn = GetStr(d, "arn");
      a.name = GetStr(d, "name");
      a.platform = GetStr(d, "platform");
      a.account = GetStr(d, "account");
      a.region = GetStr(d, "region");
      a.attributes = GetMap(d, "attributes");
      a.seq = seq;
      out.applications.push_back(std::move(a));
    } else if (kind == "endpoint") {
      PlatformEndpoint e;
      e.arn = GetStr(d, "arn");
      e.application_arn = GetStr(d, "application");
      e.account = GetStr(d, "account");
      e.region = GetStr(d, "region");
      e.attributes = GetMap(d, "attributes");
      e.seq = seq;
      out.endpoints.push_back(std::move(e));
    } else if (kind == "sms") {
      SmsState s;
      s.attributes = GetMap(d, "attributes");
      s.sandbox = GetMap(d, "sandbox");
      auto opted = d.FindMember("optedOut");
      if (opted != d.MemberEnd() && opted->value.IsArray()) {
        for (const auto& n : opted->value.GetArray()) {
          if (n.IsString()) {
            s.opted_out.emplace_back(n.GetString());
          }
        }
      }
      out.sms[key] = std::move(s);
    }
  }
  return out;
}

}  // namespace nimbus::sns
