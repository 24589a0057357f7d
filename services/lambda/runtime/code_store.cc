#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <openssl/evp.h>

#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/lambda/runtime/executor.h"

namespace nimbus::lambda::runtime {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kMaxZipBytes = 52428800;           // AWS: 50 MB zipped
constexpr int64_t kMaxUnzippedBytes = 262144000;     // AWS: 250 MB unzipped

AwsError Unzip(const std::string& reason) {
  return AwsError::Sender("InvalidParameterValueException",
                          "Could not unzip uploaded file. Please check your file, then try to "
                          "upload again. (" + reason + ")");
}

std::string Sha256(const std::string& bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string HexOf(const std::string& raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// A relative path inside the package: no absolute paths, no "..", nothing empty.
bool SafeRelative(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos) {
    return false;
  }
  for (const auto& part : fs::path(name)) {
    if (part == "..") {
      return false;
    }
  }
  return true;
}

// True if `target`, resolved relative to the link's directory inside `root`, stays in `root`.
bool LinkStaysInside(const fs::path& root, const fs::path& link, const std::string& target) {
  if (target.empty() || target.front() == '/') {
    return false;
  }
  fs::path resolved = (link.parent_path() / target).lexically_normal();
  auto rel = resolved.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

std::optional<AwsError> Extract(const std::string& zip_bytes, const fs::path& dest) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error);
  if (src == nullptr) {
    return Unzip("cannot read buffer");
  }
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &error);
  if (za == nullptr) {
    zip_source_free(src);
    zip_error_fini(&error);
    return Unzip("not a zip archive");
  }
  std::optional<AwsError> failure;
  int64_t total = 0;
  zip_int64_t n = zip_get_num_entries(za, 0);
  for (zip_int64_t i = 0; i < n && !failure; ++i) {
    zip_stat_t st;
    if (zip_stat_index(za, i, 0, &st) != 0 || (st.valid & ZIP_STAT_NAME) == 0) {
      failure = Unzip("unreadable entry");
      break;
    }
    std::string name = st.name;
    if (!SafeRelative(name)) {
      failure = Unzip("entry escapes the package: " + name);
      break;
    }
    fs::path out = dest / name;
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    zip_file_get_external_attributes(za, i, 0, &opsys, &attributes);
    mode_t mode = opsys == ZIP_OPSYS_UNIX ? static_cast<mode_t>(attributes >> 16) : 0;
    if (name.back() == '/' || S_ISDIR(mode)) {
      fs::create_directories(out);
      continue;
    }
    fs::create_directories(out.parent_path());
    total += static_cast<int64_t>(st.size);
    if (total > kMaxUnzippedBytes) {
      failure = AwsError::Sender("InvalidParameterValueException",
                                 "Unzipped size must be smaller than 262144000 bytes");
      break;
    }
    zip_file_t* zf = zip_fopen_index(za, i, 0);
    if (zf == nullptr) {
      failure = Unzip("cannot open entry " + name);
      break;
    }
    std::string content;
    content.resize(st.size);
    zip_int64_t got = st.size ? zip_fread(zf, content.data(), st.size) : 0;
    zip_fclose(zf);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) {
      failure = Unzip("corrupt entry " + name);
      break;
    }
    if (S_ISLNK(mode)) {
      if (!LinkStaysInside(dest, out, content)) {
        failure = Unzip("symlink escapes the package: " + name);
        break;
      }
      std::error_code ec;
      fs::create_symlink(content, out, ec);
      continue;
    }
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    file.write(content.data(), static_cast<std::streamsize>(content.size()));
    file.close();
    // AWS keeps the archive's permission bits; without them files are readable, not runnable.
    mode_t perms = (mode & 0777) != 0 ? (mode & 0777) | 0400 : 0644;
    ::chmod(out.c_str(), perms);
  }
  zip_close(za);  // also frees src
  zip_error_fini(&error);
  return failure;
}

}  // namespace

CodeStore::CodeStore(std::string root) : root_(std::move(root)) {}

Result<StoredCode> CodeStore::Put(const std::string& zip_bytes) {
  if (static_cast<int64_t>(zip_bytes.size()) > kMaxZipBytes) {
    return AwsError::Sender("RequestEntityTooLargeException",
                            "Zipped size must be smaller than 52428800 bytes", 413);
  }
  std::string digest = Sha256(zip_bytes);
  std::string hex = HexOf(digest);
  StoredCode code;
  code.sha256_base64 = Base64Encode(digest);
  code.size = static_cast<int64_t>(zip_bytes.size());
  fs::path dir = fs::path(root_) / "unpacked" / hex;
  code.dir = dir.string();
  if (fs::exists(dir)) {
    return code;  // content-addressed: already unpacked
  }
  // Folders are made on first use: startup touches no disk.
  fs::create_directories(fs::path(root_) / "zips");
  fs::path staging = fs::path(root_) / "unpacked" / (hex + ".tmp-" + RandomHex(8));
  fs::create_directories(staging);
  if (auto err = Extract(zip_bytes, staging)) {
    fs::remove_all(staging);
    return *err;
  }
  std::ofstream(fs::path(root_) / "zips" / (hex + ".zip"), std::ios::binary)
      .write(zip_bytes.data(), static_cast<std::streamsize>(zip_bytes.size()));
  std::error_code ec;
  fs::rename(staging, dir, ec);
  if (ec) {
    fs::remove_all(staging);  // another Put of the same zip won the race
  }
  return code;
}

std::optional<std::string> CodeStore::ReadZip(const std::string& sha256_base64) const {
  auto raw = Base64Decode(sha256_base64);
  if (!raw) {
    return std::nullopt;
  }
  std::ifstream in(fs::path(root_) / "zips" / (HexOf(*raw) + ".zip"), std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace nimbus::lambda::runtime
