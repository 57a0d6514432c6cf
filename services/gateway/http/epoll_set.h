#pragma once
// EpollSet: the epoll descriptor of a one-thread event loop and the eventfd that wakes it. The
// loop's thread adds, modifies, removes and waits; Wake is safe from any thread. Used by the
// SocketWriter and the SSE hub, the two event loops of the gateway.

#include <sys/epoll.h>

#include <cstdint>

namespace fleetgate::http {

class EpollSet {
 public:
  // Throws std::runtime_error naming `owner` when the kernel refuses either descriptor.
  explicit EpollSet(const char* owner);
  ~EpollSet();
  EpollSet(const EpollSet&) = delete;
  EpollSet& operator=(const EpollSet&) = delete;

  bool Add(int fd, uint32_t events);
  void Modify(int fd, uint32_t events);
  void Remove(int fd);

  // Makes the next (or the current) Wait return with `woken` set.
  void Wake();

  // Waits up to `timeout_ms` (-1: until something happens) and returns how many of `events` are
  // sockets that are ready; a pending Wake is consumed and reported through `woken` instead.
  int Wait(epoll_event* events, int max_events, int timeout_ms, bool* woken);

 private:
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
};

}  // namespace fleetgate::http
