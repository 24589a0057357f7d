#include "services/iam/credentials/x509.h"

#include <ctime>
#include <memory>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "services/common/base64.h"

namespace nimbus::iam {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bio Read(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Cert ReadCert(const std::string& pem) {
  auto bio = Read(pem);
  return Cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

Key ReadKey(const std::string& pem) {
  auto bio = Read(pem);
  return Key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// SSH wire format: uint32 length-prefixed strings and mpints.
void PutString(std::string& out, const std::string& s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  out += static_cast<char>(n >> 24);
  out += static_cast<char>(n >> 16);
  out += static_cast<char>(n >> 8);
  out += static_cast<char>(n);
  out += s;
}
std::string Mpint(const BIGNUM* bn) {
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80)) {
    bytes.insert(bytes.begin(), '\0');
  }
  return bytes;
}
std::optional<std::string> GetString(const std::string& blob, size_t& pos) {
  if (pos + 4 > blob.size()) {
    return std::nullopt;
  }
  uint32_t n = (static_cast<uint32_t>(static_cast<unsigned char>(blob[pos])) << 24) |
               (static_cast<uint32_t>(static_cast<unsigned char>(blob[pos + 1])) << 16) |
               (static_cast<uint32_t>(static_cast<unsigned char>(blob[pos + 2])) << 8) |
               static_cast<uint32_t>(static_cast<unsigned char>(blob[pos + 3]));
  pos += 4;
  if (pos + n > blob.size()) {
    return std::nullopt;
  }
  std::string s = blob.substr(pos, n);
  pos += n;
  return s;
}

std::string Md5Fingerprint(const std::string& blob) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(blob.data(), blob.size(), digest, &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    if (i > 0) {
      out += ':';
    }
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

std::string PemOf(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Key RsaFromNumbers(const BIGNUM* n, const BIGNUM* e) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* key = nullptr;
  if (ctx != nullptr && EVP_PKEY_fromdata_init(ctx) > 0) {
    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return Key(key);
}

}  // namespace

std::optional<CertificateInfo> ParseCertificatePem(const std::string& pem) {
  auto cert = ReadCert(pem);
  if (!cert) {
    return std::nullopt;
  }
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) {
    return std::nullopt;
  }
  return CertificateInfo{static_cast<double>(timegm(&tm))};
}

bool ParseCertificateChainPem(const std::string& pem) {
  auto bio = Read(pem);
  int count = 0;
  while (Cert c{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    ++count;
  }
  return count > 0;
}

bool PrivateKeyParses(const std::string& pem) { return ReadKey(pem) != nullptr; }

bool KeyMatchesCertificate(const std::string& cert_pem, const std::string& key_pem) {
  auto cert = ReadCert(cert_pem);
  auto key = ReadKey(key_pem);
  return cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
}

std::optional<SshKey> ParseSshPublicKey(const std::string& body, SshKeyError& error) {
  error = SshKeyError::kNone;
  SshKey out;
  std::string blob;
  if (body.rfind("ssh-rsa ", 0) == 0) {
    std::string rest = body.substr(8);
    auto space = rest.find_first_of(" \r\n");
    std::string b64 = rest.substr(0, space);
    auto decoded = Base64Decode(b64);
    size_t pos = 0;
    std::optional<std::string> type, e, n;
    if (decoded) {
      type = GetString(*decoded, pos);
      e = GetString(*decoded, pos);
      n = GetString(*decoded, pos);
    }
    if (!type || *type != "ssh-rsa" || !e || !n || pos != decoded->size()) {
      error = SshKeyError::kInvalid;
      return std::nullopt;
    }
    Bn bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                      static_cast<int>(e->size()), nullptr));
    Bn bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                      static_cast<int>(n->size()), nullptr));
    auto key = RsaFromNumbers(bn_n.get(), bn_e.get());
    // AWS: RSA keys of at least 2048 bits.
    if (!key || BN_num_bits(bn_n.get()) < 2048) {
      error = SshKeyError::kInvalid;
      return std::nullopt;
    }
    blob = *decoded;
    out.ssh = "ssh-rsa " + b64;
    out.pem = PemOf(key.get());
  } else if (body.find("-----BEGIN PUBLIC KEY-----") != std::string::npos ||
             body.find("-----BEGIN RSA PUBLIC KEY-----") != std::string::npos) {
    auto bio = Read(body);
    Key key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    if (!key || EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
      BN_free(n);
      BN_free(e);
      error = SshKeyError::kInvalid;
      return std::nullopt;
    }
    Bn bn_n(n), bn_e(e);
    if (BN_num_bits(n) < 2048) {
      error = SshKeyError::kInvalid;
      return std::nullopt;
    }
    PutString(blob, "ssh-rsa");
    PutString(blob, Mpint(e));
    PutString(blob, Mpint(n));
    out.ssh = "ssh-rsa " + Base64Encode(blob);
    out.pem = PemOf(key.get());
  } else {
    error = SshKeyError::kUnrecognized;
    return std::nullopt;
  }
  out.fingerprint = Md5Fingerprint(blob);
  return out;
}

}  // namespace nimbus::iam
