#include "services/sns/http_client.h"

#include <map>

#include <boost/asio/post.hpp>
#include <curl/curl.h>

namespace nimbus::sns {
namespace asio = boost::asio;

struct HttpClient::Job {
  HttpPost post;
  asio::any_io_executor executor;
  std::function<void(HttpOutcome)> done;
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  std::chrono::steady_clock::time_point start;

  ~Job() {
    if (easy != nullptr) {
      curl_easy_cleanup(easy);
    }
    curl_slist_free_all(headers);
  }
};

namespace {

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

HttpClient::HttpClient() = default;

HttpClient::~HttpClient() { Stop(); }

void HttpClient::Submit(HttpPost post, asio::any_io_executor executor,
                        std::function<void(HttpOutcome)> done) {
  auto job = std::make_unique<Job>();
  job->post = std::move(post);
  job->executor = std::move(executor);
  job->done = std::move(done);
  std::lock_guard lock(mu_);
  if (stop_) {
    return;
  }
  if (!started_) {
    started_ = true;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    multi_ = curl_multi_init();
    worker_ = std::thread([this] { Run(); });
  }
  inbox_.push_back(std::move(job));
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
}

void HttpClient::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) {
      return;
    }
    stop_ = true;
    if (multi_ != nullptr) {
      curl_multi_wakeup(static_cast<CURLM*>(multi_));
    }
  }
  if (worker_.joinable()) {
    worker_.join();
  }
  if (multi_ != nullptr) {
    curl_multi_cleanup(static_cast<CURLM*>(multi_));
    multi_ = nullptr;
  }
}

void HttpClient::Run() {
  auto* multi = static_cast<CURLM*>(multi_);
  std::map<CURL*, std::unique_ptr<Job>> running;
  while (true) {
    std::deque<std::unique_ptr<Job>> fresh;
    {
      std::lock_guard lock(mu_);
      if (stop_) {
        break;
      }
      fresh.swap(inbox_);
    }
    for (auto& job : fresh) {
      CURL* easy = curl_easy_init();
      job->easy = easy;
      for (const auto& [name, value] : job->post.headers) {
        job->headers = curl_slist_append(job->headers, (name + ": " + value).c_str());
      }
      // Without this curl sends "Expect: 100-continue" for larger bodies and waits for it.
      job->headers = curl_slist_append(job->headers, "Expect:");
      curl_easy_setopt(easy, CURLOPT_URL, job->post.url.c_str());
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, job->post.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(job->post.body.size()));
      curl_easy_setopt(easy, CURLOPT_HTTPHEADER, job->headers);
      curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(job->post.timeout.count()));
      curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
      curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Discard);
      curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
      // Local endpoints mostly use self-signed certificates; a local cloud delivers anyway.
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
      job->start = std::chrono::steady_clock::now();
      curl_multi_add_handle(multi, easy);
      running.emplace(easy, std::move(job));
    }
    int still = 0;
    curl_multi_perform(multi, &still);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) {
        continue;
      }
      CURL* easy = msg->easy_handle;
      auto it = running.find(easy);
      if (it == running.end()) {
        continue;
      }
      HttpOutcome outcome;
      if (msg->data.result == CURLE_OK) {
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &outcome.status);
      } else {
        outcome.error = curl_easy_strerror(msg->data.result);
      }
      outcome.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second->start)
              .count();
      curl_multi_remove_handle(multi, easy);
      auto job = std::move(it->second);
      running.erase(it);
      asio::post(job->executor, [done = std::move(job->done), outcome]() { done(outcome); });
    }
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  for (auto& [easy, job] : running) {
    curl_multi_remove_handle(multi, easy);
  }
  running.clear();
}

}  // namespace nimbus::sns
