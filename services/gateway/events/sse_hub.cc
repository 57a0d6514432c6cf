#include "events/sse_hub.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace fleetgate::events {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;
// An idle subscriber keeps at most this much buffer capacity after its output is written.
constexpr size_t kIdleCapacity = 4096;
// During a burst of events a subscriber's output is written whenever this much has gathered.
constexpr size_t kFlushAt = 16 * 1024;

void CloseSocket(int fd) {
  shutdown(fd, SHUT_RDWR);
  close(fd);
}

}  // namespace

SseHub::SseHub(HubOptions options)
    : options_(options), epoll_("SseHub"), log_(options.ring_events) {
  thread_ = std::thread([this] { Run(); });
}

SseHub::~SseHub() { Stop(); }

void SseHub::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_ && !thread_.joinable()) return;
    stopped_ = true;
  }
  epoll_.Wake();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [fd, subscriber] : subscribers_) CloseSocket(fd);
  for (Subscriber& subscriber : incoming_) CloseSocket(subscriber.fd);
  subscribers_.clear();
  incoming_.clear();
  subscriber_count_ = 0;
}

uint64_t SseHub::Publish(std::string type, std::string data) {
  std::lock_guard<std::mutex> lock(mu_);
  const Event& event = log_.Append(std::move(type), std::move(data));
  queued_.push_back(Frame{event.id, std::make_shared<const std::string>(FormatSse(event))});
  epoll_.Wake();
  return event.id;
}

bool SseHub::Subscribe(int fd, std::string head, std::optional<uint64_t> last_event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_ || subscriber_count_ >= options_.max_subscribers) {
    CloseSocket(fd);
    return false;
  }
  Subscriber subscriber;
  subscriber.fd = fd;
  subscriber.out = std::move(head);
  subscriber.out.append("retry: ").append(std::to_string(options_.retry.count())).append("\n\n");
  if (last_event_id) {
    Replay replay = log_.Since(*last_event_id);
    if (replay.gap) subscriber.out.append("event: reset\ndata: {}\n\n");
    for (const Event& event : replay.events) subscriber.out.append(FormatSse(event));
  }
  subscriber.after = log_.last_id();
  incoming_.push_back(std::move(subscriber));
  ++subscriber_count_;
  epoll_.Wake();
  return true;
}

bool SseHub::Full() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subscriber_count_ >= options_.max_subscribers;
}

HubStats SseHub::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return HubStats{subscriber_count_, buffered_bytes_, dropped_, log_.last_id()};
}

void SseHub::Run() {
  epoll_event events[128];
  auto next_heartbeat = SteadyClock::now() + options_.heartbeat;
  while (true) {
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_heartbeat - SteadyClock::now());
    bool woken = false;  // TakeQueued below runs on every pass anyway
    const int n =
        epoll_.Wait(events, 128, static_cast<int>(std::max<int64_t>(wait.count(), 0)), &woken);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      auto it = subscribers_.find(fd);
      if (it == subscribers_.end()) continue;
      if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        OnReadable(fd);
      } else if (events[i].events & EPOLLOUT) {
        Flush(it->second);
      }
    }
    if (SteadyClock::now() >= next_heartbeat) {
      Heartbeat();
      next_heartbeat = SteadyClock::now() + options_.heartbeat;
    }
    TakeQueued();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
    }
  }
}

// Adopts new subscribers, then hands every queued event to the subscribers that do not have it.
void SseHub::TakeQueued() {
  std::vector<Frame> frames;
  std::vector<Subscriber> incoming;
  {
    std::lock_guard<std::mutex> lock(mu_);
    frames.swap(queued_);
    incoming.swap(incoming_);
  }
  for (Subscriber& subscriber : incoming) {
    int fd = subscriber.fd;
    subscribers_.emplace(fd, std::move(subscriber));
    if (!epoll_.Add(fd, kReadEvents)) {
      Drop(fd, false);
      continue;
    }
    Flush(subscribers_.at(fd));
  }
  for (const Frame& frame : frames) Deliver(frame);
  size_t buffered = 0;
  std::vector<Subscriber*> dirty;
  for (auto& [fd, subscriber] : subscribers_) {
    if (!subscriber.out.empty() && !subscriber.want_out) dirty.push_back(&subscriber);
  }
  for (Subscriber* subscriber : dirty) Flush(*subscriber);
  for (auto& [fd, subscriber] : subscribers_) buffered += subscriber.out.size();
  std::lock_guard<std::mutex> lock(mu_);
  buffered_bytes_ = buffered;
}

void SseHub::Deliver(const Frame& frame) {
  const size_t size = frame.bytes->size();
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    Subscriber& subscriber = it->second;
    ++it;  // Flush or Drop may erase this subscriber
    if (frame.id <= subscriber.after) continue;
    if (subscriber.out.size() + size > kFlushAt && !subscriber.want_out && !Flush(subscriber)) {
      continue;
    }
    if (subscriber.out.size() + size > options_.subscriber_buffer_bytes) {
      Drop(subscriber.fd, true);
    } else {
      subscriber.out.append(*frame.bytes);
    }
  }
}

void SseHub::Heartbeat() {
  static const std::string kComment = ":\n\n";
  for (auto& [fd, subscriber] : subscribers_) {
    if (subscriber.out.size() + kComment.size() <= options_.subscriber_buffer_bytes) {
      subscriber.out.append(kComment);
    }
  }
}

bool SseHub::Flush(Subscriber& subscriber) {
  size_t offset = 0;
  while (offset < subscriber.out.size()) {
    ssize_t n = send(subscriber.fd, subscriber.out.data() + offset, subscriber.out.size() - offset,
                     MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      offset += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      Drop(subscriber.fd, false);
      return false;
    }
  }
  subscriber.out.erase(0, offset);
  bool want_out = !subscriber.out.empty();
  if (!want_out && subscriber.out.capacity() > kIdleCapacity) std::string().swap(subscriber.out);
  if (want_out == subscriber.want_out) return true;
  subscriber.want_out = want_out;
  epoll_.Modify(subscriber.fd, kReadEvents | (want_out ? EPOLLOUT : 0u));
  return true;
}

// A subscriber sends nothing after its request: input is drained and dropped; end of stream or
// an error means the client went away.
void SseHub::OnReadable(int fd) {
  char scratch[1024];
  while (true) {
    ssize_t n = recv(fd, scratch, sizeof scratch, MSG_DONTWAIT);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return Drop(fd, false);
  }
}

void SseHub::Drop(int fd, bool slow) {
  auto it = subscribers_.find(fd);
  if (it == subscribers_.end()) return;
  epoll_.Remove(fd);
  CloseSocket(fd);
  subscribers_.erase(it);
  std::lock_guard<std::mutex> lock(mu_);
  --subscriber_count_;
  if (slow) ++dropped_;
}

}  // namespace fleetgate::events
