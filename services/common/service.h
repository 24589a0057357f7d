#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include "services/common/clock.h"
#include "services/common/operation_table.h"
#include "services/common/service_client.h"

namespace nimbus {
namespace storage {
class Database;
}

// What a service gets from the process when it starts.
struct ServiceEnv {
  boost::asio::any_io_executor strand;  // the service's own strand; its handlers run here
  ServiceClient* client = nullptr;      // in-process calls to other services
  const Clock* clock = &SystemClock::Instance();
  // Opens this service's own SQLite database (in memory, or on disk with PERSISTENCE=1).
  std::function<std::unique_ptr<storage::Database>(std::string_view service)> open_database;
  // DATA_DIR, for files a service keeps beside its database (SNS's signing key). Always set;
  // `persistence` says whether what is written there must survive a restart.
  std::string data_dir;
  bool persistence = false;
};

// One AWS service (LocalStack's lifecycle hooks, kept this small on purpose). `Name()` is the
// botocore model name ("sqs", "apigatewayv2").
class Service {
 public:
  virtual ~Service() = default;
  virtual std::string_view Name() const = 0;
  virtual void Register(OperationTable& table) = 0;
  virtual void Start(const ServiceEnv& /*env*/) {}
  virtual void Stop() {}
  // Clears all state (POST /_nimbus/reset). Runs on the service's strand.
  virtual void Reset() {}
};

}  // namespace nimbus
