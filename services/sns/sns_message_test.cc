#include "services/sns/sns_message.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "services/common/base64.h"
#include "services/sns/delivery_policy.h"
#include "services/sns/signing_keys.h"

namespace nimbus::sns {
namespace {

Notification Sample() {
  Notification n;
  n.message_id = "id-1";
  n.topic_arn = "arn:aws:sns:us-east-1:000000000000:t";
  n.message = "hello \"world\"\nline";
  n.subject = "subj";
  n.has_subject = true;
  n.timestamp = "2024-05-01T12:00:00.123Z";
  n.attributes["color"] = MessageAttribute{"String", "red"};
  n.attributes["raw"] = MessageAttribute{"Binary", std::string("\x01\x02", 2)};
  return n;
}

TEST(SnsMessageTest, CanonicalStringOrder) {
  Notification n = Sample();
  EXPECT_EQ(StringToSign(n, n.message),
            "Message\nhello \"world\"\nline\nMessageId\nid-1\nSubject\nsubj\nTimestamp\n"
            "2024-05-01T12:00:00.123Z\nTopicArn\narn:aws:sns:us-east-1:000000000000:t\nType\n"
            "Notification\n");
  n.has_subject = false;
  EXPECT_EQ(StringToSign(n, n.message).find("Subject"), std::string::npos);
  Confirmation c{"SubscriptionConfirmation", "m", "tok", "arn", "msg", "url", "ts", 1};
  EXPECT_EQ(StringToSign(c),
            "Message\nmsg\nMessageId\nm\nSubscribeURL\nurl\nTimestamp\nts\nToken\ntok\nTopicArn\n"
            "arn\nType\nSubscriptionConfirmation\n");
}

TEST(SnsMessageTest, EnvelopeFields) {
  Notification n = Sample();
  std::string json = NotificationJson(n, n.message, "sig", "http://h/cert.pem", "http://h/u");
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  EXPECT_STREQ(d["Type"].GetString(), "Notification");
  EXPECT_STREQ(d["Message"].GetString(), n.message.c_str());
  EXPECT_STREQ(d["Subject"].GetString(), "subj");
  EXPECT_STREQ(d["SignatureVersion"].GetString(), "1");
  EXPECT_STREQ(d["SigningCertURL"].GetString(), "http://h/cert.pem");
  EXPECT_STREQ(d["UnsubscribeURL"].GetString(), "http://h/u");
  EXPECT_STREQ(d["MessageAttributes"]["color"]["Value"].GetString(), "red");
  EXPECT_STREQ(d["MessageAttributes"]["raw"]["Value"].GetString(), "AQI=");

  std::string event = LambdaEventJson(n, n.message, "sig", "c", "u", "sub-arn");
  d.Parse(event.c_str());
  ASSERT_FALSE(d.HasParseError()) << event;
  const auto& sns = d["Records"][0]["Sns"];
  EXPECT_STREQ(d["Records"][0]["EventSource"].GetString(), "aws:sns");
  EXPECT_STREQ(d["Records"][0]["EventSubscriptionArn"].GetString(), "sub-arn");
  EXPECT_STREQ(sns["SigningCertUrl"].GetString(), "c");
  EXPECT_STREQ(sns["UnsubscribeUrl"].GetString(), "u");
  EXPECT_STREQ(sns["MessageAttributes"]["color"]["Type"].GetString(), "String");
  n.has_subject = false;
  d.Parse(LambdaEventJson(n, n.message, "s", "c", "u", "a").c_str());
  EXPECT_TRUE(d["Records"][0]["Sns"]["Subject"].IsNull());
}

// Verifies with OpenSSL directly against the PEM certificate, as a subscriber would.
bool Verify(const std::string& pem, const std::string& data, const std::string& sig_b64,
            const EVP_MD* md) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) {
    return false;
  }
  EVP_PKEY* key = X509_get_pubkey(cert);
  auto sig = Base64Decode(sig_b64);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = sig && EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()),
                             sig->size(), reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

TEST(SigningKeysTest, SignsV1AndV2AndPersists) {
  auto dir = std::filesystem::temp_directory_path() / ("sns-keys-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string pem;
  {
    SigningKeys keys;
    keys.Configure(dir.string());
    std::string s1 = keys.Sign("payload", 1);
    std::string s2 = keys.Sign("payload", 2);
    pem = keys.CertificatePem();
    EXPECT_TRUE(Verify(pem, "payload", s1, EVP_sha1()));
    EXPECT_TRUE(Verify(pem, "payload", s2, EVP_sha256()));
    EXPECT_FALSE(Verify(pem, "payload", s1, EVP_sha256()));
    EXPECT_FALSE(Verify(pem, "other", s2, EVP_sha256()));
  }
  SigningKeys again;
  again.Configure(dir.string());
  EXPECT_EQ(again.CertificatePem(), pem);  // generated once, reused
  EXPECT_TRUE(Verify(pem, "x", again.Sign("x", 2), EVP_sha256()));
  std::filesystem::remove_all(dir);
}

TEST(DeliveryPolicyTest, AwsPhasesAndValidation) {
  RetryPolicy defaults;
  EXPECT_EQ(defaults.DelayBefore(1).count(), 20000);
  EXPECT_EQ(defaults.DelayBefore(3).count(), 20000);
  auto p = ParseSubscriptionDeliveryPolicy(
      R"({"healthyRetryPolicy":{"numRetries":6,"numNoDelayRetries":1,"numMinDelayRetries":1,"numMaxDelayRetries":1,"minDelayTarget":1,"maxDelayTarget":5,"backoffFunction":"linear"}})",
      "");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->retry.DelayBefore(1).count(), 0);
  EXPECT_EQ(p->retry.DelayBefore(2).count(), 1000);
  EXPECT_EQ(p->retry.DelayBefore(3).count(), 1000);
  EXPECT_EQ(p->retry.DelayBefore(5).count(), 5000);
  EXPECT_EQ(p->retry.DelayBefore(6).count(), 5000);
  EXPECT_FALSE(ParseSubscriptionDeliveryPolicy(
                   R"({"healthyRetryPolicy":{"numRetries":101}})", "")
                   .has_value());
  EXPECT_FALSE(ParseSubscriptionDeliveryPolicy(
                   R"({"healthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":20}})", "")
                   .has_value());
  EXPECT_FALSE(ParseSubscriptionDeliveryPolicy("nope", "").has_value());
  auto eff = EffectivePolicy(
      R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":7},"disableSubscriptionOverrides":true}})",
      R"({"healthyRetryPolicy":{"numRetries":1}})");
  EXPECT_EQ(eff.retry.num_retries, 7);
}

}  // namespace
}  // namespace nimbus::sns
