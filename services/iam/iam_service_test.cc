#include "services/iam/iam_service.h"

#include <gtest/gtest.h>

#include "services/common/testing/service_test_base.h"

namespace nimbus::iam {
namespace {

constexpr char kTrust[] =
    R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]})";
constexpr char kPolicy[] =
    R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}]})";

class IamServiceTest : public testing::ServiceTestBase {
 protected:
  void SetUp() override { StartService(service_); }
  std::shared_ptr<IamState> state_ = std::make_shared<IamState>();
  IamService service_{state_};
};

TEST_F(IamServiceTest, RoleWithInlineAndManagedPoliciesFeedsTheEvaluator) {
  Ok("CreateRole", std::string(R"({"RoleName":"worker","AssumeRolePolicyDocument":")") + kTrust +
                       "\"}");
  Ok("PutRolePolicy", std::string(R"({"RoleName":"worker","PolicyName":"send","PolicyDocument":")") +
                          kPolicy + "\"}");
  auto policy = Ok("CreatePolicy", std::string(R"({"PolicyName":"p","PolicyDocument":")") +
                                       kPolicy + "\"}");
  std::string arn = policy["Policy"]["Arn"].GetString();
  Ok("AttachRolePolicy", R"({"RoleName":"WORKER","PolicyArn":")" + arn + "\"}");
  Principal p;
  p.kind = Principal::Kind::kAssumedRole;
  p.account_id = kDefaultAccountId;
  p.name = "worker";
  PolicySet set = state_->PoliciesFor(p);
  ASSERT_EQ(set.identity.size(), 2u);
  EXPECT_EQ(set.identity[0].id, "role/worker/send");
  EXPECT_EQ(set.identity[1].id, arn);
  RequestFacts facts;
  facts.action = "sqs:SendMessage";
  facts.resource = "arn:aws:sqs:us-east-1:000000000000:q";
  EXPECT_EQ(Evaluate(set, facts).decision, Decision::kAllowed);
  EXPECT_EQ(ErrorCode("DeleteRole", R"({"RoleName":"worker"})"), "DeleteConflict");
  EXPECT_EQ(ErrorCode("DeletePolicy", R"({"PolicyArn":")" + arn + "\"}"), "DeleteConflict");
}

TEST_F(IamServiceTest, ErrorsAndLimits) {
  EXPECT_EQ(ErrorCode("GetUser", R"({"UserName":"nobody"})"), "NoSuchEntity");
  Ok("CreateUser", R"({"UserName":"alice"})");
  EXPECT_EQ(ErrorCode("CreateUser", R"({"UserName":"ALICE"})"), "EntityAlreadyExists");
  EXPECT_EQ(ErrorCode("CreateUser", R"({"UserName":"bad name"})"), "ValidationError");
  EXPECT_EQ(ErrorCode("CreateUser", R"({"UserName":"x","Path":"nopath"})"), "ValidationError");
  Ok("CreateAccessKey", R"({"UserName":"alice"})");
  auto key = Ok("CreateAccessKey", R"({"UserName":"alice"})");
  EXPECT_EQ(ErrorCode("CreateAccessKey", R"({"UserName":"alice"})"), "LimitExceeded");
  std::string id = key["AccessKey"]["AccessKeyId"].GetString();
  auto identity = state_->Identify(id, "");
  ASSERT_TRUE(identity.has_value());
  EXPECT_EQ(identity->principal.arn, "arn:aws:iam::000000000000:user/alice");
  EXPECT_EQ(identity->secret, key["AccessKey"]["SecretAccessKey"].GetString());
  EXPECT_FALSE(state_->Identify("AKIANOTISSUED0000000", "").has_value());
  EXPECT_EQ(state_->Identify("123456789012", "")->principal.arn, "arn:aws:iam::123456789012:root");
  EXPECT_EQ(ErrorCode("PutUserPolicy",
                      R"({"UserName":"alice","PolicyName":"x","PolicyDocument":"{}"})"),
            "MalformedPolicyDocument");
}

TEST_F(IamServiceTest, PolicyVersionsAreCappedAtFive) {
  auto policy = Ok("CreatePolicy", std::string(R"({"PolicyName":"p","PolicyDocument":")") +
                                       kPolicy + "\"}");
  std::string arn = policy["Policy"]["Arn"].GetString();
  for (int i = 0; i < 4; ++i) {
    Ok("CreatePolicyVersion", R"({"PolicyArn":")" + arn + R"(","PolicyDocument":")" + kPolicy +
                                  "\"}");
  }
  EXPECT_EQ(ErrorCode("CreatePolicyVersion", R"({"PolicyArn":")" + arn +
                                                 R"(","PolicyDocument":")" + kPolicy + "\"}"),
            "LimitExceeded");
  EXPECT_EQ(ErrorCode("DeletePolicyVersion", R"({"PolicyArn":")" + arn + R"(","VersionId":"v1"})"),
            "DeleteConflict");
  Ok("SetDefaultPolicyVersion", R"({"PolicyArn":")" + arn + R"(","VersionId":"v5"})");
  Ok("DeletePolicyVersion", R"({"PolicyArn":")" + arn + R"(","VersionId":"v1"})");
}

}  // namespace
}  // namespace nimbus::iam
