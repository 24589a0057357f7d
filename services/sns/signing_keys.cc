#include "services/sns/signing_keys.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "services/common/base64.h"

namespace nimbus::sns {
namespace {

constexpr char kKeyFile[] = "/signing-key.pem";
constexpr char kCertFile[] = "/signing-cert.pem";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

EVP_PKEY* KeyFromPem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

// A self-signed certificate for `key`, valid ten years, named like AWS's signing certificate.
std::string SelfSignedCertificate(EVP_PKEY* key) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -24 * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Nimbus"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("sns.amazonaws.com"), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  std::string pem = BioText(bio);
  BIO_free(bio);
  X509_free(cert);
  return pem;
}

}  // namespace

SigningKeys::~SigningKeys() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

void SigningKeys::Configure(std::string dir) { dir_ = std::move(dir); }

void SigningKeys::Load() {
  if (!dir_.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(dir_ + kKeyFile, ec) &&
        std::filesystem::exists(dir_ + kCertFile, ec)) {
      key_ = KeyFromPem(ReadFile(dir_ + kKeyFile));
      cert_pem_ = ReadFile(dir_ + kCertFile);
      if (key_ != nullptr && !cert_pem_.empty()) {
        return;
      }
      EVP_PKEY_free(static_cast<EVP_PKEY*>(key_));
      key_ = nullptr;
    }
  }
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (key == nullptr) {
    throw std::runtime_error("cannot generate the SNS signing key");
  }
  key_ = key;
  cert_pem_ = SelfSignedCertificate(key);
  if (dir_.empty()) {
    return;
  }
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::string key_pem = BioText(bio);
  BIO_free(bio);
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  // Written under temporary names and renamed, so a crash never leaves half a key behind.
  for (auto [file, text] : {std::pair{kKeyFile, &key_pem}, std::pair{kCertFile, &cert_pem_}}) {
    std::string tmp = dir_ + file + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << *text;
    }
    std::filesystem::permissions(tmp, std::filesystem::perms::owner_read |
                                          std::filesystem::perms::owner_write,
                                 ec);
    std::filesystem::rename(tmp, dir_ + file, ec);
  }
}

const std::string& SigningKeys::CertificatePem() {
  std::call_once(once_, [this] { Load(); });
  return cert_pem_;
}

std::string SigningKeys::Sign(std::string_view data, int version) {
  std::call_once(once_, [this] { Load(); });
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = version == 2 ? EVP_sha256() : EVP_sha1();
  std::string sig(512, '\0');
  size_t len = sig.size();
  bool ok = EVP_DigestSignInit(ctx, nullptr, md, nullptr, static_cast<EVP_PKEY*>(key_)) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    return {};
  }
  sig.resize(len);
  return Base64Encode(sig);
}

}  // namespace nimbus::sns
