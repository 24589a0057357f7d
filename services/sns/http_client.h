#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace nimbus::sns {

struct HttpPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{15000};
};

struct HttpOutcome {
  long status = 0;     // HTTP status, 0 when no response arrived
  std::string error;   // transport error (connect refused, timeout, ...), empty otherwise
  double seconds = 0;  // time to the complete response
};

// HTTP POSTs over libcurl's multi interface on one worker thread, so that no strand ever waits
// on a subscriber. Submit() is called from the SNS strand; each completion is posted back to
// the executor given with it. The worker starts on first use (startup stays free of threads),
// keeps connections alive between posts to the same host, and Stop() aborts what is in flight
// and joins it: completions of aborted posts are never delivered.
//
// The one lock here guards the hand-over queue between the strand and the worker: libcurl's
// multi loop owns its thread, and a locked inbox with curl_multi_wakeup is the simplest correct
// bridge to it.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void Submit(HttpPost post, boost::asio::any_io_executor executor,
              std::function<void(HttpOutcome)> done);
  void Stop();

 private:
  struct Job;
  void Run();

  std::mutex mu_;
  std::deque<std::unique_ptr<Job>> inbox_;
  bool stop_ = false;
  bool started_ = false;
  void* multi_ = nullptr;  // CURLM
  std::thread worker_;
};

}  // namespace nimbus::sns
