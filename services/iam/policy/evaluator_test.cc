#include "services/iam/policy/evaluator.h"

#include <gtest/gtest.h>

#include "services/iam/policy/policy_document.h"

namespace nimbus::iam {
namespace {

std::shared_ptr<const PolicyDocument> Doc(const std::string& json,
                                          PolicyKind kind = PolicyKind::kIdentity) {
  auto d = ParsePolicy(json, kind);
  EXPECT_TRUE(d.has_value()) << json << ": " << (d ? "" : d.error().message);
  return d ? std::make_shared<const PolicyDocument>(std::move(*d)) : nullptr;
}

std::string Stmt(const std::string& effect, const std::string& action,
                 const std::string& resource, const std::string& extra = "") {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":")" + effect + R"(","Action":)" +
         action + R"(,"Resource":)" + resource + extra + "}]}";
}

RequestFacts Facts(std::string action, std::string resource) {
  RequestFacts f;
  f.action = std::move(action);
  f.resource = std::move(resource);
  f.principal_arn = "arn:aws:iam::111111111111:user/alice";
  f.principal_account = "111111111111";
  f.Set("aws:username", "alice");
  f.Set("aws:SourceIp", "10.1.2.3");
  f.Set("aws:CurrentTime", "2024-06-01T12:00:00Z");
  f.Set("aws:RequestedRegion", "us-east-1");
  f.Set("aws:SecureTransport", "false");
  f.Set("aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:topic-a");
  f.context["aws:tagkeys"] = {"env", "team"};
  f.Set("s3:max-keys", "10");
  return f;
}

Decision Decide(const std::string& identity_json, const RequestFacts& f) {
  PolicySet set;
  set.identity.push_back({"p", "user-managed", Doc(identity_json)});
  return Evaluate(set, f).decision;
}

constexpr Decision kAllow = Decision::kAllowed;
constexpr Decision kDeny = Decision::kExplicitDeny;
constexpr Decision kImplicit = Decision::kImplicitDeny;

struct Case {
  const char* name;
  std::string policy;
  const char* action;
  const char* resource;
  Decision expected;
};

class EvaluatorTable : public ::testing::TestWithParam<Case> {};

TEST_P(EvaluatorTable, Decides) {
  const Case& c = GetParam();
  EXPECT_EQ(Decide(c.policy, Facts(c.action, c.resource)), c.expected) << c.name << "\n" << c.policy;
}

const char kQ[] = "arn:aws:sqs:us-east-1:111111111111:orders";
const char kQ2[] = "arn:aws:sqs:us-east-1:111111111111:other";

std::string Cond(const std::string& body) { return R"(,"Condition":)" + body; }

INSTANTIATE_TEST_SUITE_P(
    Cases, EvaluatorTable,
    ::testing::Values(
        // Actions and resources.
        Case{"exact", Stmt("Allow", R"("sqs:SendMessage")", "\"" + std::string(kQ) + "\""),
             "sqs:SendMessage", kQ, kAllow},
        Case{"other resource", Stmt("Allow", R"("sqs:SendMessage")", "\"" + std::string(kQ) + "\""),
             "sqs:SendMessage", kQ2, kImplicit},
        Case{"other action", Stmt("Allow", R"("sqs:SendMessage")", R"("*")"), "sqs:ReceiveMessage",
             kQ, kImplicit},
        Case{"action case-insensitive", Stmt("Allow", R"("SQS:sendmessage")", R"("*")"),
             "sqs:SendMessage", kQ, kAllow},
        Case{"action wildcard", Stmt("Allow", R"("sqs:Send*")", R"("*")"), "sqs:SendMessage", kQ,
             kAllow},
        Case{"action ?", Stmt("Allow", R"("sqs:?endMessage")", R"("*")"), "sqs:SendMessage", kQ,
             kAllow},
        Case{"star action", Stmt("Allow", R"("*")", R"("*")"), "lambda:InvokeFunction", kQ, kAllow},
        Case{"action list", Stmt("Allow", R"(["sns:Publish","sqs:SendMessage"])", R"("*")"),
             "sqs:SendMessage", kQ, kAllow},
        Case{"resource wildcard crosses colons",
             Stmt("Allow", R"("sqs:*")", R"("arn:aws:sqs:*")"), "sqs:SendMessage", kQ, kAllow},
        Case{"resource case-sensitive",
             Stmt("Allow", R"("sqs:*")", R"("arn:aws:sqs:us-east-1:111111111111:ORDERS")"),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"resource prefix", Stmt("Allow", R"("sqs:*")", R"("arn:aws:sqs:*:*:ord*")"),
             "sqs:SendMessage", kQ, kAllow},
        Case{"deny wins", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"*"}]})",
             "sqs:SendMessage", kQ, kDeny},
        Case{"deny other action", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sqs:DeleteQueue","Resource":"*"}]})",
             "sqs:SendMessage", kQ, kAllow},
        Case{"NotAction allow grants the rest", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]})",
             "sqs:SendMessage", kQ, kAllow},
        Case{"NotAction allow never grants the listed",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"sqs:*","Resource":"*"}]})",
             "sqs:SendMessage", kQ, kImplicit},
        Case{"NotAction deny denies the rest",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"sqs:*","Resource":"*"}]})",
             "lambda:InvokeFunction", kQ, kDeny},
        Case{"NotAction deny spares the listed",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"sqs:*","Resource":"*"}]})",
             "sqs:SendMessage", kQ, kAllow},
        Case{"NotResource allow",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","NotResource":"arn:aws:sqs:*:*:other"}]})",
             "sqs:SendMessage", kQ, kAllow},
        Case{"NotResource allow excludes",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","NotResource":"arn:aws:sqs:*:*:other"}]})",
             "sqs:SendMessage", kQ2, kImplicit},
        Case{"variable in resource",
             Stmt("Allow", R"("sqs:*")", R"("arn:aws:sqs:*:*:${aws:username}-*")"),
             "sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:alice-q", kAllow},
        Case{"variable in resource, other user",
             Stmt("Allow", R"("sqs:*")", R"("arn:aws:sqs:*:*:${aws:username}-*")"),
             "sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:bob-q", kImplicit},
        Case{"variables off in 2008 policies",
             R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:*:${aws:username}-q"}]})",
             "sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:alice-q", kImplicit},
        Case{"missing variable matches nothing",
             Stmt("Allow", R"("sqs:*")", R"("arn:aws:sqs:*:*:${aws:nothing}*")"),
             "sqs:SendMessage", kQ, kImplicit},
        // String conditions.
        Case{"StringEquals", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEquals":{"aws:username":"alice"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"StringEquals no", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEquals":{"aws:username":"bob"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"StringEquals any of values", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEquals":{"aws:username":["bob","alice"]}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"StringEquals key case-insensitive", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEquals":{"AWS:UserName":"alice"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"StringNotEquals", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringNotEquals":{"aws:username":["bob","carol"]}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"StringNotEquals listed", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringNotEquals":{"aws:username":["bob","alice"]}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"StringEqualsIgnoreCase", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEqualsIgnoreCase":{"aws:username":"ALICE"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"StringNotEqualsIgnoreCase", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"StringLike", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringLike":{"aws:SourceArn":"arn:aws:sns:*:*:topic-*"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"StringNotLike", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:topic-*"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"StringLike with variable", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringLike":{"aws:SourceArn":"*${aws:username}*"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"absent key fails", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEquals":{"aws:PrincipalTag/team":"x"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"IfExists absent passes", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEqualsIfExists":{"aws:PrincipalTag/team":"x"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"IfExists present tested", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEqualsIfExists":{"aws:username":"bob"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"all keys AND", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"eu-west-1"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"all operators AND", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        // Numeric, date, bool, null, IP, ARN.
        Case{"NumericLessThan", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"NumericLessThan":{"s3:max-keys":"11"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"NumericLessThan equal", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"NumericLessThan":{"s3:max-keys":"10"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"NumericLessThanEquals", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"NumericLessThanEquals":{"s3:max-keys":10}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"NumericGreaterThan", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"NumericGreaterThan":{"s3:max-keys":"9.5"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"NumericGreaterThanEquals", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"NumericGreaterThanEquals":{"s3:max-keys":"11"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"NumericEquals", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"NumericEquals":{"s3:max-keys":"10"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"NumericNotEquals", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"NumericNotEquals":{"s3:max-keys":"10"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"Numeric on non-number", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"NumericEquals":{"aws:username":"1"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"DateLessThan", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"DateLessThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"DateGreaterThan", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"DateGreaterThan":{"aws:CurrentTime":"2025-01-01"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"DateGreaterThanEquals epoch", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"DateGreaterThanEquals":{"aws:CurrentTime":"1717243200"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"DateEquals offset", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"DateEquals":{"aws:CurrentTime":"2024-06-01T14:00:00+02:00"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"DateNotEquals", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"DateNotEquals":{"aws:CurrentTime":"2024-06-01T12:00:00Z"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"Bool", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"Bool":{"aws:SecureTransport":"false"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"Bool json literal", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"Bool":{"aws:SecureTransport":false}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"Deny insecure transport", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})",
             "sqs:SendMessage", kQ, kDeny},
        Case{"Null true on absent", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"Null":{"aws:PrincipalTag/x":"true"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"Null true on present", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"Null":{"aws:username":"true"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"Null false on present", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"Null":{"aws:username":"false"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"IpAddress", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"IpAddress outside", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"IpAddress":{"aws:SourceIp":["192.168.0.0/16","10.1.3.0/24"]}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"IpAddress single host", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"IpAddress":{"aws:SourceIp":"10.1.2.3"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"NotIpAddress", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"NotIpAddress":{"aws:SourceIp":"10.1.2.0/24"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"ArnLike", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:*:topic-*"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"ArnLike wrong service", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ArnLike":{"aws:SourceArn":"arn:aws:sqs:*:*:*"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"ArnEquals", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111111111111:topic-a"}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"ArnNotEquals", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111111111111:topic-a"}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"ArnNotLike", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:other"}})")),
             "sqs:SendMessage", kQ, kAllow},
        // Multi-valued keys.
        Case{"ForAnyValue", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["team","owner"]}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"ForAnyValue none", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["owner"]}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"ForAllValues subset", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env","team","owner"]}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"ForAllValues not subset", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"ForAllValues absent key", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ForAllValues:StringEquals":{"aws:nothing":["x"]}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"ForAnyValue absent key", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ForAnyValue:StringEquals":{"aws:nothing":["x"]}})")),
             "sqs:SendMessage", kQ, kImplicit},
        Case{"ForAllValues StringLike", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"ForAllValues:StringLike":{"aws:TagKeys":["e*","t*"]}})")),
             "sqs:SendMessage", kQ, kAllow},
        Case{"negated on multi-valued", Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringNotEquals":{"aws:TagKeys":"team"}})")),
             "sqs:SendMessage", kQ, kImplicit}));

TEST(Evaluator, NoPoliciesIsImplicitDeny) {
  EXPECT_EQ(Evaluate(PolicySet{}, Facts("sqs:SendMessage", kQ)).decision, kImplicit);
}

TEST(Evaluator, BoundaryLimitsIdentityPolicies) {
  PolicySet set;
  set.identity.push_back({"admin", "aws-managed", Doc(Stmt("Allow", R"("*")", R"("*")"))});
  set.has_boundary = true;
  set.boundary.push_back({"b", "permissions-boundary", Doc(Stmt("Allow", R"("sqs:*")", R"("*")"))});
  EXPECT_EQ(Evaluate(set, Facts("sqs:SendMessage", kQ)).decision, kAllow);
  auto ev = Evaluate(set, Facts("lambda:InvokeFunction", kQ));
  EXPECT_EQ(ev.decision, kImplicit);
  EXPECT_TRUE(ev.boundary_denied);
  EXPECT_NE(ev.Explain(Facts("lambda:InvokeFunction", kQ)).find("boundary"), std::string::npos);
}

TEST(Evaluator, BoundaryAloneGrantsNothing) {
  PolicySet set;
  set.has_boundary = true;
  set.boundary.push_back({"b", "permissions-boundary", Doc(Stmt("Allow", R"("*")", R"("*")"))});
  EXPECT_EQ(Evaluate(set, Facts("sqs:SendMessage", kQ)).decision, kImplicit);
}

TEST(Evaluator, SessionPolicyLimits) {
  PolicySet set;
  set.identity.push_back({"admin", "aws-managed", Doc(Stmt("Allow", R"("*")", R"("*")"))});
  set.has_session = true;
  set.session.push_back({"s", "none", Doc(Stmt("Allow", R"("sqs:SendMessage")", R"("*")"))});
  EXPECT_EQ(Evaluate(set, Facts("sqs:SendMessage", kQ)).decision, kAllow);
  EXPECT_EQ(Evaluate(set, Facts("sqs:DeleteQueue", kQ)).decision, kImplicit);
}

std::string ResourcePolicy(const std::string& principal, const std::string& effect = "Allow") {
  return R"({"Version":"2012-10-17","Statement":[{"Sid":"rp","Effect":")" + effect +
         R"(","Principal":)" + principal +
         R"(,"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111111111111:orders"}]})";
}

TEST(Evaluator, ResourcePolicyNamingTheCallerAllows) {
  PolicySet set;
  set.resource.push_back({"queue", "resource",
                          Doc(ResourcePolicy(R"({"AWS":"arn:aws:iam::111111111111:user/alice"})"),
                              PolicyKind::kResource)});
  auto ev = Evaluate(set, Facts("sqs:SendMessage", kQ));
  EXPECT_EQ(ev.decision, kAllow);
  ASSERT_EQ(ev.matched.size(), 1u);
  EXPECT_EQ(ev.matched[0].sid, "rp");
  EXPECT_EQ(Evaluate(set, Facts("sqs:SendMessage", kQ2)).decision, kImplicit);
}

TEST(Evaluator, ResourcePolicyPrincipals) {
  auto run = [](const std::string& principal, RequestFacts f) {
    PolicySet set;
    set.resource.push_back({"queue", "resource", Doc(ResourcePolicy(principal), PolicyKind::kResource)});
    return Evaluate(set, f).decision;
  };
  auto f = Facts("sqs:SendMessage", kQ);
  EXPECT_EQ(run(R"("*")", f), kAllow);
  EXPECT_EQ(run(R"({"AWS":"*"})", f), kAllow);
  EXPECT_EQ(run(R"({"AWS":"111111111111"})", f), kAllow);
  EXPECT_EQ(run(R"({"AWS":"arn:aws:iam::111111111111:root"})", f), kAllow);
  EXPECT_EQ(run(R"({"AWS":"arn:aws:iam::111111111111:user/bob"})", f), kImplicit);
  EXPECT_EQ(run(R"({"AWS":"222222222222"})", f), kImplicit);
  EXPECT_EQ(run(R"({"Service":"sns.amazonaws.com"})", f), kImplicit);
  f.principal_service = "sns.amazonaws.com";
  EXPECT_EQ(run(R"({"Service":"sns.amazonaws.com"})", f), kAllow);
  // A role session is named by its role's ARN.
  RequestFacts session = Facts("sqs:SendMessage", kQ);
  session.principal_arn = "arn:aws:sts::111111111111:assumed-role/worker/s1";
  session.principal_aliases = {"arn:aws:iam::111111111111:role/worker"};
  EXPECT_EQ(run(R"({"AWS":"arn:aws:iam::111111111111:role/worker"})", session), kAllow);
  EXPECT_EQ(run(R"({"AWS":"arn:aws:iam::111111111111:role/other"})", session), kImplicit);
}

TEST(Evaluator, ResourcePolicyDenyBeatsIdentityAllow) {
  PolicySet set;
  set.identity.push_back({"admin", "aws-managed", Doc(Stmt("Allow", R"("*")", R"("*")"))});
  set.resource.push_back({"queue", "resource", Doc(ResourcePolicy(R"("*")", "Deny"), PolicyKind::kResource)});
  EXPECT_EQ(Evaluate(set, Facts("sqs:SendMessage", kQ)).decision, kDeny);
}

TEST(Evaluator, NotPrincipalDeny) {
  PolicySet set;
  set.identity.push_back({"admin", "aws-managed", Doc(Stmt("Allow", R"("*")", R"("*")"))});
  auto doc = Doc(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"*","Resource":"*"}]})",
                 PolicyKind::kResource);
  set.resource.push_back({"queue", "resource", doc});
  EXPECT_EQ(Evaluate(set, Facts("sqs:SendMessage", kQ)).decision, kAllow);
  auto f = Facts("sqs:SendMessage", kQ);
  f.principal_arn = "arn:aws:iam::111111111111:user/bob";
  EXPECT_EQ(Evaluate(set, f).decision, kDeny);
}

TEST(Evaluator, CrossAccountNeedsBothSides) {
  PolicySet set;
  set.resource_account = "222222222222";
  set.resource.push_back({"queue", "resource",
                          Doc(ResourcePolicy(R"({"AWS":"111111111111"})"), PolicyKind::kResource)});
  EXPECT_EQ(Evaluate(set, Facts("sqs:SendMessage", kQ)).decision, kImplicit);
  set.identity.push_back({"p", "user-managed", Doc(Stmt("Allow", R"("sqs:*")", R"("*")"))});
  EXPECT_EQ(Evaluate(set, Facts("sqs:SendMessage", kQ)).decision, kAllow);
}

TEST(Evaluator, ExplainNamesTheStatement) {
  PolicySet set;
  set.identity.push_back({"arn:aws:iam::111111111111:policy/send", "user-managed",
                          Doc(R"({"Version":"2012-10-17","Statement":[{"Sid":"SendOrders","Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]})")});
  auto f = Facts("sqs:SendMessage", kQ);
  auto ev = Evaluate(set, f);
  EXPECT_EQ(ev.decision, kAllow);
  std::string line = ev.Explain(f);
  EXPECT_NE(line.find("arn:aws:iam::111111111111:policy/send statement \"SendOrders\""),
            std::string::npos)
      << line;
  auto denied = Evaluate(set, Facts("sqs:DeleteQueue", kQ));
  EXPECT_NE(denied.Explain(Facts("sqs:DeleteQueue", kQ)).find("implicitly denied"),
            std::string::npos);
}

TEST(Evaluator, MissingContextReported) {
  PolicySet set;
  set.identity.push_back({"p", "user-managed", Doc(Stmt("Allow", R"("*")", R"("*")", Cond(R"({"StringEquals":{"aws:PrincipalTag/team":"x"}})")))});
  auto ev = Evaluate(set, Facts("sqs:SendMessage", kQ));
  ASSERT_EQ(ev.missing_context.size(), 1u);
  EXPECT_EQ(ev.missing_context[0], "aws:PrincipalTag/team");
}

TEST(Wildcard, Matches) {
  EXPECT_TRUE(WildcardMatch("*", "", false));
  EXPECT_TRUE(WildcardMatch("a*b*c", "aXXbYYc", false));
  EXPECT_FALSE(WildcardMatch("a*b*c", "aXXbYY", false));
  EXPECT_TRUE(WildcardMatch("a?c", "abc", false));
  EXPECT_FALSE(WildcardMatch("a?c", "ac", false));
  EXPECT_TRUE(WildcardMatch("ABC", "abc", true));
  EXPECT_FALSE(WildcardMatch("ABC", "abc", false));
  EXPECT_TRUE(WildcardMatch("**a", "bba", false));
}

struct Malformed {
  const char* json;
  PolicyKind kind;
  const char* message;
};

class PolicyValidation : public ::testing::TestWithParam<Malformed> {};

TEST_P(PolicyValidation, Rejects) {
  auto r = ParsePolicy(GetParam().json, GetParam().kind);
  ASSERT_FALSE(r.has_value()) << GetParam().json;
  EXPECT_EQ(r.error().code, "MalformedPolicyDocument");
  EXPECT_NE(r.error().message.find(GetParam().message), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PolicyValidation,
    ::testing::Values(
        Malformed{"not json", PolicyKind::kIdentity, "Syntax errors"},
        Malformed{"[]", PolicyKind::kIdentity, "Syntax errors"},
        Malformed{R"({"Version":"2012-10-17"})", PolicyKind::kIdentity, "Syntax errors"},
        Malformed{R"({"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                  PolicyKind::kIdentity, "legacy parsing"},
        Malformed{R"({"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]})",
                  PolicyKind::kIdentity, "Invalid effect"},
        Malformed{R"({"Statement":[{"Action":"*","Resource":"*"}]})", PolicyKind::kIdentity,
                  "Missing required field Effect"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})", PolicyKind::kIdentity,
                  "Missing required field Action"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Action":"SendMessage","Resource":"*"}]})",
                  PolicyKind::kIdentity, "prefaced by a vendor"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Action":"sqs:*"}]})", PolicyKind::kIdentity,
                  "must contain resources"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}]})",
                  PolicyKind::kIdentity, "should not specify a principal"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"orders"}]})",
                  PolicyKind::kIdentity, "ARN format"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*","Condition":{"StringFoo":{"a":"b"}}}]})",
                  PolicyKind::kIdentity, "Invalid Condition type"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*","Extra":1}]})",
                  PolicyKind::kIdentity, "Syntax errors"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})",
                  PolicyKind::kTrust, "invalid principal"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]})",
                  PolicyKind::kTrust, "prohibited field Resource"},
        Malformed{R"({"Statement":[{"Effect":"Allow","Principal":{"Robot":"x"},"Action":"sts:AssumeRole"}]})",
                  PolicyKind::kTrust, "Invalid principal"}));

TEST(PolicyValidation, AcceptsCommonShapes) {
  EXPECT_TRUE(ParsePolicy(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}})",
                          PolicyKind::kIdentity).has_value());
  EXPECT_TRUE(ParsePolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]})",
                          PolicyKind::kTrust).has_value());
  EXPECT_TRUE(ParsePolicy(R"({"Version":"2008-10-17","Id":"x","Statement":[{"Sid":"a","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SQS:SendMessage"],"Resource":"arn:aws:sqs:us-east-1:1:q","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:1:t"}}}]})",
                          PolicyKind::kResource).has_value());
}

}  // namespace
}  // namespace nimbus::iam
