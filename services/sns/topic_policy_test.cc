#include "services/sns/topic_policy.h"

#include <gtest/gtest.h>

namespace nimbus::sns {
namespace {

constexpr char kDefault[] =
    R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},)"
    R"("Action":["SNS:Publish","SNS:Subscribe"],"Resource":"arn:aws:sns:us-east-1:000000000000:t",)"
    R"("Condition":{"StringEquals":{"AWS:SourceOwner":"000000000000"}}}]})";

TEST(TopicPolicyTest, DefaultPolicyAdmitsOnlyTheOwner) {
  EXPECT_TRUE(PolicyAllows(kDefault, "000000000000", "SNS:Publish"));
  EXPECT_FALSE(PolicyAllows(kDefault, "111122223333", "SNS:Publish"));
  EXPECT_FALSE(PolicyAllows(kDefault, "000000000000", "SNS:DeleteTopic"));
}

TEST(TopicPolicyTest, PrincipalsActionsAndDeny) {
  std::string allow =
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root"]},)"
      R"("Action":"sns:*"}]})";
  EXPECT_TRUE(PolicyAllows(allow, "111122223333", "SNS:Publish"));
  EXPECT_FALSE(PolicyAllows(allow, "444455556666", "SNS:Publish"));
  std::string star = R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"*"}})";
  EXPECT_TRUE(PolicyAllows(star, "444455556666", "SNS:Subscribe"));
  std::string deny =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"},)"
      R"({"Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"SNS:Publish"}]})";
  EXPECT_FALSE(PolicyAllows(deny, "444455556666", "SNS:Publish"));
  EXPECT_TRUE(PolicyAllows(deny, "444455556666", "SNS:Subscribe"));
  EXPECT_FALSE(PolicyAllows("not json", "000000000000", "SNS:Publish"));
}

}  // namespace
}  // namespace nimbus::sns
