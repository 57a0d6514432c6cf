#pragma once
// SseHub serves GET /api/v1/events: it publishes live events to every subscribed connection
// without tying up an HTTP worker per subscriber. The HTTP layer hands over a subscriber's
// socket once the request is parsed; from then on one hub thread writes to all subscribers
// through epoll. Each subscriber has a bounded output buffer: one that does not keep up is
// dropped (its connection closed) rather than holding up the others or growing memory; an idle
// subscriber costs its small bookkeeping and an empty buffer. Publish never blocks on a socket.
// Thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/event_log.h"
#include "http/epoll_set.h"

namespace fleetgate::events {

struct HubOptions {
  size_t ring_events = 10000;                   // events kept for Last-Event-ID replay
  size_t subscriber_buffer_bytes = 256 * 1024;  // unsent bytes before a subscriber is dropped
  size_t max_subscribers = 1024;                // more are refused (503)
  std::chrono::milliseconds heartbeat{15000};   // a comment line, so dead peers are noticed
  std::chrono::milliseconds retry{2000};        // the client's reconnect delay (SSE `retry:`)
};

struct HubStats {
  size_t subscribers = 0;
  size_t buffered_bytes = 0;  // unsent bytes over all subscribers
  uint64_t dropped = 0;       // subscribers dropped for not keeping up
  uint64_t last_id = 0;
};

class SseHub {
 public:
  explicit SseHub(HubOptions options);
  ~SseHub();  // Stop()
  SseHub(const SseHub&) = delete;
  SseHub& operator=(const SseHub&) = delete;

  // Stores the event and queues it for every subscriber; returns its id.
  uint64_t Publish(std::string type, std::string data);

  // Takes ownership of the connected socket `fd`: writes `head` (the HTTP response head), the
  // events after `last_event_id` still held (or a "reset" event when some are gone), then every
  // new event. False (fd closed) when the hub is full or stopped.
  bool Subscribe(int fd, std::string head, std::optional<uint64_t> last_event_id);

  bool Full() const;
  HubStats Stats() const;
  const HubOptions& options() const { return options_; }

  // Closes every subscriber and joins the hub thread. Idempotent.
  void Stop();

 private:
  struct Subscriber {
    int fd = -1;
    std::string out;        // bytes not yet written
    uint64_t after = 0;     // events up to this id were given at subscription
    bool want_out = false;  // EPOLLOUT registered
  };
  struct Frame {
    uint64_t id;
    std::shared_ptr<const std::string> bytes;
  };

  void Run();
  void TakeQueued();
  void Deliver(const Frame& frame);
  void Heartbeat();
  bool Flush(Subscriber& subscriber);  // false: the subscriber was dropped
  void OnReadable(int fd);
  void Drop(int fd, bool slow);

  const HubOptions options_;
  http::EpollSet epoll_;

  mutable std::mutex mu_;  // guards log_, queued_, incoming_, stopped_, counts below
  EventLog log_;
  std::vector<Frame> queued_;
  std::vector<Subscriber> incoming_;
  bool stopped_ = false;
  size_t subscriber_count_ = 0;
  size_t buffered_bytes_ = 0;  // as of the hub thread's last pass
  uint64_t dropped_ = 0;

  std::unordered_map<int, Subscriber> subscribers_;  // hub thread only
  std::thread thread_;
};

}  // namespace fleetgate::events
