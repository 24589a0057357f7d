#include "services/apigateway/doc_store.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nimbus::apigateway {
namespace {

constexpr char kSep = '\x1f';

}  // namespace

DocStore::DocStore(std::unique_ptr<storage::Database> db, std::string component)
    : db_(std::move(db)), table_(component + "_docs") {
  std::string ddl = "CREATE TABLE " + table_ +
                    " (account TEXT NOT NULL, region TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT "
                    "NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (account, region, "
                    "kind, id))";
  std::vector<std::string_view> migrations{ddl};
  db_->Migrate(component, migrations);
  auto& st = db_->Prepare("SELECT account, region, kind, id, seq, doc FROM " + table_ +
                          " ORDER BY seq");
  while (st.Step()) {
    Scope scope{st.Text(0), st.Text(1)};
    Entry e;
    e.seq = st.Int(4);
    e.version = next_version_++;
    e.doc = std::make_unique<rapidjson::Document>();
    std::string text = st.Text(5);
    e.doc->Parse(text.c_str(), text.size());
    if (e.doc->HasParseError()) {
      continue;
    }
    next_seq_ = std::max(next_seq_, e.seq + 1);
    scopes_[st.Text(2) + kSep + st.Text(3)] = scope;
    entries_[Key(scope, st.Text(2), st.Text(3))] = std::move(e);
  }
}

std::string DocStore::Key(const Scope& scope, std::string_view kind, std::string_view id) {
  std::string key;
  key.append(scope.account_id).push_back(kSep);
  key.append(scope.region).push_back(kSep);
  key.append(kind).push_back(kSep);
  key.append(id);
  return key;
}

rapidjson::Document* DocStore::Find(const Scope& scope, std::string_view kind,
                                    std::string_view id) {
  auto it = entries_.find(Key(scope, kind, id));
  return it == entries_.end() ? nullptr : it->second.doc.get();
}

rapidjson::Document& DocStore::Put(const Scope& scope, std::string_view kind, std::string_view id,
                                   rapidjson::Document doc) {
  std::string key = Key(scope, kind, id);
  auto& e = entries_[key];
  if (!e.doc) {
    e.seq = next_seq_++;
    scopes_[std::string(kind) + kSep + std::string(id)] = scope;
  }
  e.doc = std::make_unique<rapidjson::Document>(std::move(doc));
  e.version = next_version_++;
  Persist(key, e, scope, kind, id);
  return *e.doc;
}

void DocStore::Save(const Scope& scope, std::string_view kind, std::string_view id) {
  std::string key = Key(scope, kind, id);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    return;
  }
  it->second.version = next_version_++;
  Persist(key, it->second, scope, kind, id);
}

void DocStore::Persist(const std::string&, const Entry& e, const Scope& scope,
                       std::string_view kind, std::string_view id) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  e.doc->Accept(w);
  auto& st = db_->Prepare("INSERT OR REPLACE INTO " + table_ +
                          " (account, region, kind, id, seq, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  st.Bind(1, scope.account_id)
      .Bind(2, scope.region)
      .Bind(3, kind)
      .Bind(4, id)
      .Bind(5, e.seq)
      .Bind(6, std::string_view(sb.GetString(), sb.GetSize()));
  st.Run();
}

bool DocStore::Erase(const Scope& scope, std::string_view kind, std::string_view id) {
  if (entries_.erase(Key(scope, kind, id)) == 0) {
    return false;
  }
  scopes_.erase(std::string(kind) + kSep + std::string(id));
  auto& st = db_->Prepare("DELETE FROM " + table_ +
                          " WHERE account = ?1 AND region = ?2 AND kind = ?3 AND id = ?4");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, kind).Bind(4, id);
  st.Run();
  return true;
}

std::vector<std::string> DocStore::Ids(const Scope& scope, std::string_view kind) const {
  std::string prefix = Key(scope, kind, "");
  std::vector<std::pair<int64_t, std::string>> found;
  for (auto it = entries_.lower_bound(prefix);
       it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    found.emplace_back(it->second.seq, it->first.substr(prefix.size()));
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> ids;
  ids.reserve(found.size());
  for (auto& [seq, id] : found) {
    ids.push_back(std::move(id));
  }
  return ids;
}

std::optional<Scope> DocStore::ScopeOf(std::string_view kind, std::string_view id) const {
  std::string key;
  key.append(kind).push_back(kSep);
  key.append(id);
  auto it = scopes_.find(key);
  if (it == scopes_.end()) {
    return std::nullopt;
  }
  return it->second;
}

uint64_t DocStore::Version(const Scope& scope, std::string_view kind, std::string_view id) const {
  auto it = entries_.find(Key(scope, kind, id));
  return it == entries_.end() ? 0 : it->second.version;
}

void DocStore::Reset() {
  entries_.clear();
  scopes_.clear();
  db_->Reset();
}

}  // namespace nimbus::apigateway
