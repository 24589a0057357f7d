#pragma once

#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "services/common/service.h"
#include "services/common/testing/fake_clock.h"
#include "storage/database.h"

namespace nimbus::testing {

// Builds a service on in-memory SQLite with a FakeClock and calls its operations in-process
// with JSON params (as the dispatcher would, minus the model's required-member check).
class ServiceTestBase : public ::testing::Test {
 protected:
  void StartService(Service& service) {
    service_ = &service;
    service.Register(table_);
    ServiceEnv env;
    env.strand = boost::asio::make_strand(ioc_);
    env.clock = &clock_;
    env.open_database = [](std::string_view) { return storage::Database::Open(":memory:"); };
    service.Start(env);
  }

  // Calls `op` with params given as JSON text; runs the io_context until it completes.
  Result<rapidjson::Document> Call(const std::string& op, const std::string& params_json) {
    rapidjson::Document params;
    params.Parse(params_json.c_str());
    EXPECT_FALSE(params.HasParseError()) << params_json;
    const OperationHandler* handler = table_.Find(op);
    EXPECT_NE(handler, nullptr) << op;
    RequestContext ctx;
    ctx.clock = &clock_;
    ctx.operation = op;
    ctx.host = "localhost:4566";
    ParamReader reader(params);
    if (handler->sync) {
      return handler->sync(ctx, reader);
    }
    auto future = boost::asio::co_spawn(ioc_, handler->async(ctx, reader), boost::asio::use_future);
    ioc_.restart();
    ioc_.run();
    return future.get();
  }

  // The value of a call that must succeed.
  rapidjson::Document Ok(const std::string& op, const std::string& params_json) {
    auto r = Call(op, params_json);
    EXPECT_TRUE(r.has_value()) << op << ": " << (r ? "" : r.error().code + " " + r.error().message);
    if (!r) {
      rapidjson::Document empty;
      empty.SetObject();
      return empty;
    }
    return std::move(*r);
  }

  // The error code of a call that must fail.
  std::string ErrorCode(const std::string& op, const std::string& params_json) {
    auto r = Call(op, params_json);
    EXPECT_FALSE(r.has_value()) << op << " unexpectedly succeeded";
    return r ? std::string() : r.error().code;
  }

  boost::asio::io_context ioc_;
  FakeClock clock_;
  OperationTable table_;
  Service* service_ = nullptr;
};

}  // namespace nimbus::testing
