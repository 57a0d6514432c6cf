#pragma once
// WebhookSink: a minimal HTTP server on 127.0.0.1:<free port> that answers every POST with 200
// and keeps the JSON bodies, the receiving end of an Alertmanager webhook in tests. One
// request per connection (it answers Connection: close). Bodies() is thread-safe.

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace fleetgate::testing {

class WebhookSink {
 public:
  WebhookSink();  // listens at once; throws std::runtime_error when it cannot
  ~WebhookSink();
  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  // Every body received so far, in order (unparseable ones as null).
  std::vector<nlohmann::json> Bodies() const;

 private:
  void Serve();
  void Answer(int fd);

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<nlohmann::json> bodies_;
  std::thread thread_;
};

}  // namespace fleetgate::testing
