#include "services/iam/iam_store.h"

#include <algorithm>
#include <cctype>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nimbus::iam {
namespace {

const std::vector<std::string_view> kMigrations = {R"sql(
CREATE TABLE iam_entities (
  account TEXT NOT NULL,
  kind INTEGER NOT NULL,
  key TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (account, kind, key)
);
)sql"};

}  // namespace

std::string KeyOf(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

IamStore::IamStore(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {
  db_->Migrate("iam", kMigrations);
  auto& st = db_->Prepare("SELECT account, kind, key, doc FROM iam_entities");
  while (st.Step()) {
    rapidjson::Document d;
    std::string text = st.Text(3);
    d.Parse(text.c_str(), text.size());
    if (d.HasParseError() || !d.IsObject()) {
      continue;
    }
    entities_[{st.Text(0), static_cast<int>(st.Int(1))}][st.Text(2)] = std::move(d);
  }
}

rapidjson::Document* IamStore::Find(const std::string& account, Kind kind,
                                    const std::string& key) {
  auto it = entities_.find({account, static_cast<int>(kind)});
  if (it == entities_.end()) {
    return nullptr;
  }
  auto e = it->second.find(key);
  return e == it->second.end() ? nullptr : &e->second;
}

rapidjson::Document& IamStore::Put(const std::string& account, Kind kind, const std::string& key,
                                   rapidjson::Document doc) {
  auto& slot = entities_[{account, static_cast<int>(kind)}][key];
  slot = std::move(doc);
  Persist(account, kind, key, slot);
  return slot;
}

void IamStore::Save(const std::string& account, Kind kind, const std::string& key) {
  if (auto* d = Find(account, kind, key)) {
    Persist(account, kind, key, *d);
  }
}

bool IamStore::Erase(const std::string& account, Kind kind, const std::string& key) {
  auto it = entities_.find({account, static_cast<int>(kind)});
  if (it == entities_.end() || it->second.erase(key) == 0) {
    return false;
  }
  db_->Prepare("DELETE FROM iam_entities WHERE account = ? AND kind = ? AND key = ?")
      .Bind(1, account)
      .Bind(2, static_cast<int64_t>(kind))
      .Bind(3, key)
      .Run();
  return true;
}

IamStore::Entities& IamStore::All(const std::string& account, Kind kind) {
  return entities_[{account, static_cast<int>(kind)}];
}

void IamStore::Reset() {
  entities_.clear();
  db_->Reset();
}

void IamStore::Persist(const std::string& account, Kind kind, const std::string& key,
                       const rapidjson::Document& doc) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  doc.Accept(w);
  db_->Prepare(
         "INSERT INTO iam_entities (account, kind, key, doc) VALUES (?, ?, ?, ?) "
         "ON CONFLICT (account, kind, key) DO UPDATE SET doc = excluded.doc")
      .Bind(1, account)
      .Bind(2, static_cast<int64_t>(kind))
      .Bind(3, key)
      .Bind(4, std::string_view(sb.GetString(), sb.GetSize()))
      .Run();
}

}  // namespace nimbus::iam
