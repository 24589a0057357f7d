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

std::string Digest(const EVP_MD* md, std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &n, md, nullptr);
  return Hex(out, n);
}

void AppendLengthPrefixed(std::string& buf, std::string_view value) {
  uint32_t n = static_cast<uint32_t>(value.size());
  buf += static_cast<char>((n >> 24) & 0xFF);
  buf += static_cast<char>((n >> 16) & 0xFF);
  buf += static_cast<char>((n >> 8) & 0xFF);
  buf += static_cast<char>(n & 0xFF);
  buf += value;
}

}  // namespace

std::string Md5Hex(std::string_view bytes) { return Digest(EVP_md5(), bytes); }

std::string Sha256Hex(std::string_view bytes) { return Digest(EVP_sha256(), bytes); }

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
