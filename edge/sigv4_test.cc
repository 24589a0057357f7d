#include "edge/sigv4.h"

#include <gtest/gtest.h>

namespace nimbus::edge {
namespace {

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
// 2015-08-30T12:36:00Z, the date of AWS's SigV4 test suite.
constexpr double kSignedAt = 1440938160;

protocol::HttpRequest Request(std::string method, std::string path, std::string query,
                              std::vector<std::pair<std::string, std::string>> headers,
                              std::string body = "") {
  protocol::HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

SigV4Signature Parse(const protocol::HttpRequest& r) {
  std::string error;
  auto sig = ParseSignature(r, error);
  EXPECT_TRUE(sig.has_value()) << error;
  return sig.value_or(SigV4Signature{});
}

// AWS's published test-suite vector "get-vanilla" (aws-sig-v4-test-suite).
TEST(SigV4, AwsTestSuiteGetVanilla) {
  auto r = Request("GET", "/", "",
                   {{"host", "example.amazonaws.com"},
                    {"x-amz-date", "20150830T123600Z"},
                    {"authorization",
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                     "aws4_request, SignedHeaders=host;x-amz-date, "
                     "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"}});
  auto sig = Parse(r);
  std::string canonical = CanonicalRequest(r, sig, Sha256Hex(""));
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StringToSign(sig, canonical),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(VerifySignature(r, sig, kSecret, kSignedAt), SigV4Failure::kNone);
  EXPECT_EQ(VerifySignature(r, sig, "wrong", kSignedAt), SigV4Failure::kMismatch);
  EXPECT_EQ(VerifySignature(r, sig, kSecret, kSignedAt + 3600), SigV4Failure::kExpired);
}

// Signed by botocore's SigV4Auth: a form post (content-type signed).
TEST(SigV4, BotocoreFormPost) {
  auto r = Request("POST", "/", "",
                   {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                    {"host", "127.0.0.1:4566"},
                    {"x-amz-date", "20150830T123600Z"},
                    {"authorization",
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/"
                     "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
                     "Signature=e2b141b4017e77914bcbd3c7ddbb69a940f7172992119e38f05c05f188751212"}},
                   "Action=ListUsers&Version=2010-05-08");
  EXPECT_EQ(VerifySignature(r, Parse(r), kSecret, kSignedAt), SigV4Failure::kNone);
  r.body = "Action=ListUsers&Version=2010-05-09";
  EXPECT_EQ(VerifySignature(r, Parse(r), kSecret, kSignedAt), SigV4Failure::kMismatch);
}

// Signed by botocore: an escaped ARN in the path is encoded twice; the query is re-encoded.
TEST(SigV4, BotocoreDoubleEncodedPathAndQuery) {
  auto r = Request(
      "GET",
      "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/"
      "configuration",
      "Qualifier=%24LATEST&b=a%20b",
      {{"host", "example.amazonaws.com"},
       {"x-amz-date", "20150830T123600Z"},
       {"authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=91e1cc40ea5da9775a627081a90ac5cafec19a4634e5c9612db1592c34800d00"}});
  auto sig = Parse(r);
  EXPECT_NE(CanonicalRequest(r, sig, "x").find("arn%253Aaws%253Alambda"), std::string::npos);
  EXPECT_EQ(VerifySignature(r, sig, kSecret, kSignedAt), SigV4Failure::kNone);
}

// Presigned by botocore's SigV4QueryAuth (STS GetCallerIdentity, as EKS tokens are).
TEST(SigV4, BotocorePresignedUrl) {
  auto r = Request("GET", "/",
                   "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
                   "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&"
                   "X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&"
                   "X-Amz-Signature="
                   "f7d08dbd3424503caaa67aab91ebb0cb63c39ec2c9427b0a2107846ce8efdc2c",
                   {{"host", "127.0.0.1:4566"}});
  auto sig = Parse(r);
  EXPECT_TRUE(sig.presigned);
  EXPECT_EQ(sig.credential.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(sig.expires, 900);
  EXPECT_EQ(VerifySignature(r, sig, kSecret, kSignedAt + 60), SigV4Failure::kNone);
  EXPECT_EQ(VerifySignature(r, sig, kSecret, kSignedAt + 901), SigV4Failure::kExpired);
  EXPECT_EQ(VerifySignature(r, sig, "test", kSignedAt + 60), SigV4Failure::kMismatch);
}

TEST(SigV4, IncompleteAuthorizationIsAnError) {
  auto r = Request("GET", "/", "",
                   {{"authorization", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s/"
                                      "aws4_request"},
                    {"x-amz-date", "20150830T123600Z"}});
  std::string error;
  EXPECT_FALSE(ParseSignature(r, error).has_value());
  EXPECT_FALSE(error.empty());
  auto unsigned_request = Request("GET", "/", "Action=ListQueues", {});
  EXPECT_FALSE(ParseSignature(unsigned_request, error).has_value());
  EXPECT_TRUE(error.empty());
}

TEST(SigV4, ScopeDateMustMatchRequestDate) {
  auto r = Request("GET", "/", "",
                   {{"host", "example.amazonaws.com"},
                    {"x-amz-date", "20150831T123600Z"},
                    {"authorization",
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                     "aws4_request, SignedHeaders=host;x-amz-date, Signature=00"}});
  EXPECT_EQ(VerifySignature(r, Parse(r), kSecret, kSignedAt + 86400),
            SigV4Failure::kDateMismatch);
}

}  // namespace
}  // namespace nimbus::edge
