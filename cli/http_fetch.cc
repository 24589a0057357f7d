#include "cli/http_fetch.h"

#include <curl/curl.h>

#include <memory>
#include <stdexcept>

namespace nimbus::cli {
namespace {

constexpr curl_off_t kBodyLimit = 64ll * 1024 * 1024;
constexpr long kTimeoutMs = 30000;

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * count > static_cast<size_t>(kBodyLimit)) {
    return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  body->append(data, size * count);
  return size * count;
}

}  // namespace

// Over libcurl (loaded on first use, services/common/lazy_curl.cc), so the server binary
// does not load libssl at every start for a command-line feature.
std::string HttpGet(const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw std::runtime_error("not an http(s) URL: " + url);
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    throw std::runtime_error("GET " + url + ": libcurl is not available");
  }
  std::string body;
  char detail[CURL_ERROR_SIZE] = {};  // libcurl's specific reason ("SSL certificate problem: ...")
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, kTimeoutMs);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, kBodyLimit);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_TOO_MANY_REDIRECTS) {
    throw std::runtime_error("GET " + url + ": too many redirects");
  }
  if (rc != CURLE_OK) {
    throw std::runtime_error("GET " + url + ": " +
                             (detail[0] != '\0' ? detail : curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 400) {
    throw std::runtime_error("GET " + url + ": HTTP " + std::to_string(status));
  }
  return body;
}

}  // namespace nimbus::cli
