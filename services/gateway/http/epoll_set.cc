#include "http/epoll_set.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace fleetgate::http {

EpollSet::EpollSet(const char* owner) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0 || !Add(wake_fd_, EPOLLIN)) {
    if (wake_fd_ >= 0) close(wake_fd_);
    if (epoll_fd_ >= 0) close(epoll_fd_);
    throw std::runtime_error(std::string(owner) + ": cannot create epoll/eventfd");
  }
}

EpollSet::~EpollSet() {
  close(wake_fd_);
  close(epoll_fd_);
}

bool EpollSet::Add(int fd, uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
}

void EpollSet::Modify(int fd, uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
}

void EpollSet::Remove(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EpollSet::Wake() {
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

int EpollSet::Wait(epoll_event* events, int max_events, int timeout_ms, bool* woken) {
  *woken = false;
  const int n = epoll_wait(epoll_fd_, events, max_events, timeout_ms);
  int sockets = 0;
  for (int i = 0; i < n; ++i) {
    if (events[i].data.fd != wake_fd_) {
      events[sockets++] = events[i];
      continue;
    }
    uint64_t count;
    while (read(wake_fd_, &count, sizeof count) > 0) {
    }
    *woken = true;
  }
  return sockets;
}

}  // namespace fleetgate::http
