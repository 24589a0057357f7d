#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "services/sns/sns_model.h"
#include "storage/database.h"

namespace nimbus::sns {

// Everything SNS keeps, as loaded at first use. The service keeps this in memory (publishing
// reads it on every message) and writes every change through to the store.
struct SnsSnapshot {
  std::vector<Topic> topics;
  std::vector<Subscription> subscriptions;
  std::vector<PlatformApplication> applications;
  std::vector<PlatformEndpoint> endpoints;
  std::map<std::string, SmsState> sms;  // by "<account>/<region>"
  int64_t max_seq = 0;
};

// SNS state over one SQLite database: one row per topic, subscription, platform application,
// platform endpoint and SMS settings block, each a JSON document keyed by ARN. Owned by
// SnsService and used only on its strand. Failures throw storage::StoreException.
class SnsStore {
 public:
  explicit SnsStore(std::unique_ptr<storage::Database> db);

  SnsSnapshot Load();

  void Put(const Topic& t);
  void Put(const Subscription& s);
  void Put(const PlatformApplication& a);
  void Put(const PlatformEndpoint& e);
  void PutSms(const std::string& key, const SmsState& s);
  void DeleteTopic(const std::string& arn);
  void DeleteSubscription(const std::string& arn);
  void DeleteApplication(const std::string& arn);
  void DeleteEndpoint(const std::string& arn);

  storage::Database& db() { return *db_; }

 private:
  void Write(const char* kind, const std::string& key, int64_t seq, const std::string& json);
  void Remove(const char* kind, const std::string& key);

  std::unique_ptr<storage::Database> db_;
};

}  // namespace nimbus::sns
