#pragma once
// One Alertmanager POST over libcurl: a reused handle (the connection stays open between POSTs),
// a transfer that Stop() can abort, and the outcome classified for retrying. A Poster belongs to
// one worker thread of the AlertmanagerClient.

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <string>

namespace fleetgate::alerts {

// kRejected: an answer that a retry would not change (4xx other than 429, 3xx).
enum class PostOutcome { kSent, kRetryable, kRejected, kAborted };

struct PostResult {
  PostOutcome outcome = PostOutcome::kRetryable;
  std::string detail;  // for the log
  double seconds = 0;
};

PostOutcome Classify(CURLcode code, long status);

// The start of `text` on one line, for the log.
std::string Truncate(std::string text, size_t limit);

// curl_global_init, once per process, before the first handle.
void InitCurlOnce();

// One libcurl handle, reused so the connection stays open between POSTs. A transfer is aborted
// as soon as `abort` turns true. Owned by one worker thread.
class Poster {
 public:
  Poster(const std::string& endpoint, std::chrono::milliseconds timeout,
         const std::atomic<bool>& abort)
      : curl_(curl_easy_init()), abort_(abort) {
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    headers_ = curl_slist_append(headers_, "Expect:");  // no 100-continue round trip
    if (curl_ != nullptr) Configure(endpoint, timeout);
  }
  ~Poster() {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
    curl_slist_free_all(headers_);
  }
  Poster(const Poster&) = delete;
  Poster& operator=(const Poster&) = delete;

  PostResult Post(const std::string& body);

 private:
  void Configure(const std::string& endpoint, std::chrono::milliseconds timeout);
  static size_t Append(char* data, size_t size, size_t count, void* out);
  static int Progress(void* abort, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

  CURL* curl_;
  curl_slist* headers_ = nullptr;
  const std::atomic<bool>& abort_;
  std::string response_;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace fleetgate::alerts
