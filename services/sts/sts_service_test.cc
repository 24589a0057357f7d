#include "services/sts/sts_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "services/common/testing/service_test_base.h"
#include "services/iam/iam_service.h"

namespace nimbus::sts {
namespace {

constexpr char kTrust[] =
    R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]})";

// IAM is the service under ServiceTestBase; STS shares its state and is called beside it.
class StsServiceTest : public testing::ServiceTestBase {
 protected:
  void SetUp() override {
    StartService(iam_);
    sts_.Register(sts_table_);
    Ok("CreateRole", std::string(R"({"RoleName":"r1","MaxSessionDuration":7200,"AssumeRolePolicyDocument":")") +
                         kTrust + "\"}");
    Ok("CreateRole", std::string(R"({"RoleName":"r2","AssumeRolePolicyDocument":")") + kTrust +
                         "\"}");
  }

  Result<rapidjson::Document> Sts(const std::string& op, const std::string& params_json,
                                  const Principal& caller = Principal{}) {
    rapidjson::Document params;
    params.Parse(params_json.c_str());
    RequestContext ctx;
    ctx.clock = &clock_;
    ctx.principal = caller;
    ParamReader reader(params);
    const OperationHandler* handler = sts_table_.Find(op);
    if (handler->sync) {
      return handler->sync(ctx, reader);
    }
    auto future = boost::asio::co_spawn(ioc_, handler->async(ctx, reader), boost::asio::use_future);
    ioc_.restart();
    ioc_.run();
    return future.get();
  }

  std::shared_ptr<iam::IamState> state_ = std::make_shared<iam::IamState>();
  iam::IamService iam_{state_};
  StsService sts_{state_};
  OperationTable sts_table_;
};

TEST_F(StsServiceTest, SessionsExpire) {
  auto r = Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:role/r1","RoleSessionName":"s1","DurationSeconds":900})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  std::string key = (*r)["Credentials"]["AccessKeyId"].GetString();
  std::string token = (*r)["Credentials"]["SessionToken"].GetString();
  auto id = state_->Identify(key, token);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->principal.arn, "arn:aws:sts::000000000000:assumed-role/r1/s1");
  EXPECT_EQ(id->principal.role_arn, "arn:aws:iam::000000000000:role/r1");
  EXPECT_EQ(state_->Identify(key, "other-token").error().code, "InvalidClientTokenId");
  clock_.Advance(std::chrono::seconds(899));
  EXPECT_TRUE(state_->Identify(key, token).has_value());
  clock_.Advance(std::chrono::seconds(2));
  auto expired = state_->Identify(key, token);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code, "ExpiredToken");
  EXPECT_EQ(expired.error().http_status, 403);
}

TEST_F(StsServiceTest, DurationLimitsAndChaining) {
  EXPECT_TRUE(Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:role/r1","RoleSessionName":"s0","DurationSeconds":7200})").has_value());
  EXPECT_EQ(Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:role/r2","RoleSessionName":"ss","DurationSeconds":7200})").error().code,
            "ValidationError");  // above r2's MaxSessionDuration (3600)
  EXPECT_EQ(Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:role/r1","RoleSessionName":"ss","DurationSeconds":600})").error().code,
            "ValidationError");
  auto first = Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:role/r1","RoleSessionName":"hop1"})");
  ASSERT_TRUE(first.has_value());
  auto id = state_->Identify((*first)["Credentials"]["AccessKeyId"].GetString(),
                             (*first)["Credentials"]["SessionToken"].GetString());
  ASSERT_TRUE(id.has_value());
  auto chained = Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:role/r1","RoleSessionName":"hop2","DurationSeconds":7200})",
                     id->principal);
  ASSERT_FALSE(chained.has_value());
  EXPECT_NE(chained.error().message.find("role chaining"), std::string::npos);
  EXPECT_TRUE(Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:role/r1","RoleSessionName":"hop2","DurationSeconds":3600})",
                  id->principal)
                  .has_value());
  auto who = Sts("GetCallerIdentity", "{}", id->principal);
  ASSERT_TRUE(who.has_value());
  EXPECT_STREQ((*who)["Arn"].GetString(), "arn:aws:sts::000000000000:assumed-role/r1/hop1");
  EXPECT_EQ(Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:role/nope","RoleSessionName":"ss"})").error().code,
            "AccessDenied");
  EXPECT_EQ(Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:user/r1x","RoleSessionName":"ss"})").error().code,
            "ValidationError");
}

TEST_F(StsServiceTest, SessionPoliciesAreKeptWithTheSession) {
  auto r = Sts("AssumeRole", R"({"RoleArn":"arn:aws:iam::000000000000:role/r1","RoleSessionName":"narrow","Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}]}"})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE((*r).HasMember("PackedPolicySize"));
  auto id = state_->Identify((*r)["Credentials"]["AccessKeyId"].GetString(),
                             (*r)["Credentials"]["SessionToken"].GetString());
  ASSERT_TRUE(id.has_value());
  iam::PolicySet set = state_->PoliciesFor(id->principal);
  EXPECT_TRUE(set.has_session);
  ASSERT_EQ(set.session.size(), 1u);
}


TEST_F(StsServiceTest, FederatedUsersShareTheirCreatorsPoliciesWithinTheSessionPolicy) {
  Ok("CreateUser", R"({"UserName":"alice"})");
  Ok("PutUserPolicy", R"({"UserName":"alice","PolicyName":"p","PolicyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:*\",\"Resource\":\"*\"}]}"})");
  Principal alice;
  alice.kind = Principal::Kind::kUser;
  alice.account_id = "000000000000";
  alice.name = "alice";
  alice.arn = "arn:aws:iam::000000000000:user/alice";
  alice.access_key_id = "AKIAEXAMPLEEXAMPLE00";
  auto bare = Sts("GetFederationToken", R"({"Name":"bob"})", alice);
  ASSERT_TRUE(bare.has_value()) << bare.error().message;
  EXPECT_STREQ((*bare)["FederatedUser"]["Arn"].GetString(),
               "arn:aws:sts::000000000000:federated-user/bob");
  EXPECT_FALSE(bare->HasMember("PackedPolicySize"));
  auto id = state_->Identify((*bare)["Credentials"]["AccessKeyId"].GetString(),
                             (*bare)["Credentials"]["SessionToken"].GetString());
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->principal.kind, Principal::Kind::kFederatedUser);
  EXPECT_EQ(id->principal.user_id, "000000000000:bob");
  iam::PolicySet set = state_->PoliciesFor(id->principal);
  EXPECT_EQ(set.identity.size(), 1u);  // alice's inline policy
  EXPECT_TRUE(set.has_session);        // and no session policy: nothing is allowed
  EXPECT_TRUE(set.session.empty());

  // Created by the root: the session policy is all there is.
  auto by_root = Sts("GetFederationToken", R"({"Name":"carol","DurationSeconds":129600,"Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sns:Publish\",\"Resource\":\"*\"}]}"})");
  ASSERT_TRUE(by_root.has_value()) << by_root.error().message;
  auto root_id = state_->Identify((*by_root)["Credentials"]["AccessKeyId"].GetString(),
                                  (*by_root)["Credentials"]["SessionToken"].GetString());
  ASSERT_TRUE(root_id.has_value());
  iam::PolicySet root_set = state_->PoliciesFor(root_id->principal);
  ASSERT_EQ(root_set.identity.size(), 1u);
  EXPECT_EQ(root_set.identity[0].id, "session policy");
  // The root's federation sessions last an hour at most.
  clock_.Advance(std::chrono::seconds(3601));
  EXPECT_EQ(state_->Identify((*by_root)["Credentials"]["AccessKeyId"].GetString(),
                             (*by_root)["Credentials"]["SessionToken"].GetString())
                .error()
                .code,
            "ExpiredToken");
  EXPECT_EQ(Sts("GetFederationToken", R"({"Name":"x"})").error().code, "ValidationError");
  EXPECT_EQ(Sts("GetFederationToken", R"({"Name":"dave"})", id->principal).error().code,
            "AccessDenied");
}

}  // namespace
}  // namespace nimbus::sts
