#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace nimbus::sns {

// Where Nimbus serves the signing certificate (LocalStack's path form; AWS's is
// https://sns.<region>.amazonaws.com/SimpleNotificationService-<hash>.pem).
inline constexpr char kSigningCertPath[] =
    "/_aws/sns/SimpleNotificationService-6e696d6275732d6c6f63616c.pem";

// The RSA key pair and self-signed certificate SNS signs messages with (SignatureVersion 1 =
// SHA1withRSA, 2 = SHA256withRSA). Generated on first use (startup creates nothing); with
// persistence kept in <data_dir>/sns/ and reused across restarts. Thread-safe: the SNS strand
// signs while the edge serves the certificate.
class SigningKeys {
 public:
  SigningKeys() = default;
  ~SigningKeys();
  SigningKeys(const SigningKeys&) = delete;
  SigningKeys& operator=(const SigningKeys&) = delete;

  // Where to keep the files (empty = memory only). Call before first use.
  void Configure(std::string dir);

  const std::string& CertificatePem();
  // Base64 signature of `data`; version 2 uses SHA-256, anything else SHA-1.
  std::string Sign(std::string_view data, int version);

 private:
  void Load();

  std::once_flag once_;
  std::string dir_;
  void* key_ = nullptr;  // EVP_PKEY
  std::string cert_pem_;
};

}  // namespace nimbus::sns
