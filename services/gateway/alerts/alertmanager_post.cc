#include "alerts/alertmanager_post.h"

#include <algorithm>
#include <mutex>

namespace fleetgate::alerts {
namespace {

constexpr size_t kMaxResponseBytes = 4096;
constexpr size_t kMaxLoggedBytes = 512;

}  // namespace

PostOutcome Classify(CURLcode code, long status) {
  if (code == CURLE_ABORTED_BY_CALLBACK) return PostOutcome::kAborted;
  if (code != CURLE_OK) return PostOutcome::kRetryable;
  if (status >= 200 && status < 300) return PostOutcome::kSent;
  if (status == 429 || status >= 500) return PostOutcome::kRetryable;
  return PostOutcome::kRejected;
}

std::string Truncate(std::string text, size_t limit) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() > limit) text = text.substr(0, limit) + "…";
  return text;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void Poster::Configure(const std::string& endpoint, std::chrono::milliseconds timeout) {
  curl_easy_setopt(curl_, CURLOPT_URL, endpoint.c_str());
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(curl_, CURLOPT_USERAGENT, "fleetgate");
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response_);
  curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&abort_));
}

size_t Poster::Append(char* data, size_t size, size_t count, void* out) {
  auto* response = static_cast<std::string*>(out);
  size_t bytes = size * count;
  response->append(
      data, std::min(bytes, kMaxResponseBytes - std::min(kMaxResponseBytes, response->size())));
  return bytes;
}

// libcurl calls this about once a second even while waiting, so Stop() interrupts a POST.
int Poster::Progress(void* abort, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(abort)->load() ? 1 : 0;
}

PostResult Poster::Post(const std::string& body) {
  if (curl_ == nullptr) return {PostOutcome::kRetryable, "cannot create a libcurl handle", 0};
  response_.clear();
  error_[0] = '\0';
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
  auto start = std::chrono::steady_clock::now();
  CURLcode code = curl_easy_perform(curl_);
  PostResult result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long status = 0;
  if (code == CURLE_OK) curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  result.outcome = Classify(code, status);
  if (code != CURLE_OK) {
    result.detail = error_[0] != '\0' ? error_ : curl_easy_strerror(code);
  } else {
    result.detail = "HTTP " + std::to_string(status) + ": " + Truncate(response_, kMaxLoggedBytes);
  }
  return result;
}

}  // namespace fleetgate::alerts
