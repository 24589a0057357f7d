#include "services/sqs/sqs_md5.h"

#include <openssl/evp.h>

namespace nimbus::sqs {
namespace {

std::string Hex(const unsigned char* data, unsigned int n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (unsigned int i = 0; i < n; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 15];
  }
  return out;
}

// One digest context per thread and algorithm, with the algorithm fetched once: EVP_Digest()
// looks the algorithm up and allocates a context on every call, a few thousand instructions per
// SendMessage.
class Digester {
 public:
  explicit Digester(const char* name)
      : md_(EVP_MD_fetch(nullptr, name, nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~Digester() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;

  std::string HexDigest(std::string_view bytes) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestInit_ex2(ctx_, md_, nullptr);
    EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
    EVP_DigestFinal_ex(ctx_, out, &n);
    return Hex(out, n);
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

void AppendLengthPrefixed(std::string& buf, std::string_view value) {
  uint32_t n = static_cast<uint32_t>(value.size());
  buf += static_cast<char>((n >> 24) & 0xFF);
  buf += static_cast<char>((n >> 16) & 0xFF);
  buf += static_cast<char>((n >> 8) & 0xFF);
  buf += static_cast<char>(n & 0xFF);
  buf += value;
}

}  // namespace

std::string Md5Hex(std::string_view bytes) {
  thread_local Digester md5("MD5");
  return md5.HexDigest(bytes);
}

std::string Sha256Hex(std::string_view bytes) {
  thread_local Digester sha256("SHA256");
  return sha256.HexDigest(bytes);
}

std::string Md5OfAttributes(const MessageAttributes& attributes) {
  if (attributes.empty()) {
    return {};
  }
  std::string buf;
  for (const auto& [name, attr] : attributes) {  // std::map: sorted by name, as AWS sorts
    AppendLengthPrefixed(buf, name);
    AppendLengthPrefixed(buf, attr.data_type);
    if (attr.IsBinary()) {
      buf += '\x02';
      AppendLengthPrefixed(buf, attr.binary_value);
    } else {
      buf += '\x01';
      AppendLengthPrefixed(buf, attr.string_value);
    }
  }
  return Md5Hex(buf);
}

}  // namespace nimbus::sqs
