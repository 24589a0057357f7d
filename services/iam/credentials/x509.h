#pragma once

#include <optional>
#include <string>

namespace nimbus::iam {

// What IAM checks and reports about uploaded certificates (OpenSSL underneath).
struct CertificateInfo {
  double not_after = 0;  // epoch seconds
};
// A PEM certificate; nullopt when it does not parse.
std::optional<CertificateInfo> ParseCertificatePem(const std::string& pem);
// A PEM bundle of one or more certificates (a chain).
bool ParseCertificateChainPem(const std::string& pem);
// Whether the PEM private key parses, and whether it belongs to the certificate.
bool PrivateKeyParses(const std::string& pem);
bool KeyMatchesCertificate(const std::string& cert_pem, const std::string& key_pem);

// SSH public keys as IAM takes them: OpenSSH "ssh-rsa AAAA... comment" or a PEM public key.
struct SshKey {
  std::string ssh;          // "ssh-rsa <base64>" (no comment)
  std::string pem;          // -----BEGIN PUBLIC KEY----- form
  std::string fingerprint;  // MD5 of the key blob, colon-separated hex pairs
};
enum class SshKeyError { kNone, kUnrecognized, kInvalid };
std::optional<SshKey> ParseSshPublicKey(const std::string& body, SshKeyError& error);

}  // namespace nimbus::iam
