#include "http/socket_writer.h"

#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace fleetgate::http {
namespace {

using Clock = std::chrono::steady_clock;

// Pieces of a produced response written per turn, on the caller's thread and then per EPOLLOUT.
constexpr int kPiecesPerTurn = 8;

}  // namespace

SocketWriter::SocketWriter(std::chrono::milliseconds write_timeout)
    : write_timeout_(write_timeout), epoll_("SocketWriter") {
  thread_ = std::thread([this] { Run(); });
}

SocketWriter::~SocketWriter() { Stop(); }

void SocketWriter::Stop() {
  std::call_once(stop_once_, [this] {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
    }
    epoll_.Wake();
    if (thread_.joinable()) thread_.join();
    AdoptIncoming();
    std::vector<int> fds;
    for (auto& [fd, job] : jobs_) fds.push_back(fd);
    for (int fd : fds) FinishLocked(fd, Progress::kFailed);
  });
}

bool SocketWriter::Send(int fd, std::string data, bool close_after,
                        const std::shared_ptr<OutputState>& state, MoreBytes more) {
  std::lock_guard<std::mutex> lock(state->mu);
  if (state->pending) return false;
  size_t offset = 0;
  Progress progress = WritePieces(fd, data, &offset, more, kPiecesPerTurn);
  if (progress == Progress::kFailed) return false;
  if (progress == Progress::kDone) {
    if (close_after) shutdown(fd, SHUT_WR);
    return true;
  }
  // The kernel's send buffer is full: the rest goes through our own descriptor, so it reaches this
  // client even if Pistache closes its fd (and the number is reused) meanwhile.
  int own_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own_fd < 0) {
    shutdown(fd, SHUT_RDWR);
    return false;
  }
  state->pending = true;
  return Enqueue(Job{own_fd, std::move(data), offset, std::move(more), close_after, state,
                     Clock::now() + write_timeout_});
}

bool SocketWriter::HasUnreadOutput(int fd, OutputState& state) {
  std::lock_guard<std::mutex> lock(state.mu);
  if (state.pending) return true;
  int unsent = 0;
  return ioctl(fd, SIOCOUTQ, &unsent) == 0 && unsent > 0;
}

void SocketWriter::CloseAfterOutput(int fd, OutputState& state) {
  std::lock_guard<std::mutex> lock(state.mu);
  if (state.pending) {
    state.close_when_done = true;
  } else {
    shutdown(fd, SHUT_WR);
  }
}

SocketWriter::Progress SocketWriter::WriteSome(int fd, const std::string& data, size_t* offset) {
  while (*offset < data.size()) {
    ssize_t n = send(fd, data.data() + *offset, data.size() - *offset, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      *offset += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return Progress::kAgain;
    } else {
      return Progress::kFailed;
    }
  }
  return Progress::kDone;
}

SocketWriter::Progress SocketWriter::WritePieces(int fd, std::string& data, size_t* offset,
                                                 MoreBytes& more, int pieces) {
  for (;;) {
    Progress progress = WriteSome(fd, data, offset);
    if (progress != Progress::kDone || !more) return progress;
    if (pieces-- == 0) return Progress::kAgain;
    data.clear();
    *offset = 0;
    if (!more(data)) more = nullptr;
  }
}

// Called with job.state->mu held (by Send). False when stopped: the connection is shut down.
bool SocketWriter::Enqueue(Job job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_) {
      incoming_.push_back(std::move(job));
      ++pending_;
      epoll_.Wake();
      return true;
    }
  }
  job.state->pending = false;
  shutdown(job.fd, SHUT_RDWR);
  close(job.fd);
  return false;
}

void SocketWriter::Run() {
  epoll_event events[64];
  while (true) {
    bool woken = false;
    const int n = epoll_.Wait(events, 64, NextTimeoutMs(), &woken);
    for (int i = 0; i < n; ++i) Continue(events[i].data.fd);
    if (woken) AdoptIncoming();
    ExpireOverdue();
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
  }
}

void SocketWriter::AdoptIncoming() {
  std::vector<Job> incoming;
  {
    std::lock_guard<std::mutex> lock(mu_);
    incoming.swap(incoming_);
  }
  for (Job& job : incoming) {
    int fd = job.fd;
    jobs_.emplace(fd, std::move(job));
    // Level-triggered EPOLLOUT: reported only while the socket can take more, never busy.
    if (!epoll_.Add(fd, EPOLLOUT)) FinishLocked(fd, Progress::kFailed);
  }
}

void SocketWriter::Continue(int fd) {
  auto it = jobs_.find(fd);
  if (it == jobs_.end()) return;
  Job& job = it->second;
  std::shared_ptr<OutputState> state = job.state;  // outlives the job erased by Finish
  std::lock_guard<std::mutex> lock(state->mu);
  Progress progress = WritePieces(fd, job.data, &job.offset, job.more, kPiecesPerTurn);
  if (progress != Progress::kAgain) Finish(fd, progress);
}

void SocketWriter::ExpireOverdue() {
  auto now = Clock::now();
  std::vector<int> overdue;
  for (const auto& [fd, job] : jobs_) {
    if (job.deadline <= now) overdue.push_back(fd);
  }
  for (int fd : overdue) FinishLocked(fd, Progress::kFailed);
}

int SocketWriter::NextTimeoutMs() const {
  if (jobs_.empty()) return -1;
  auto next = Clock::time_point::max();
  for (const auto& [fd, job] : jobs_) next = std::min(next, job.deadline);
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(wait, 0, 60'000));
}

void SocketWriter::FinishLocked(int fd, Progress progress) {
  auto it = jobs_.find(fd);
  if (it == jobs_.end()) return;
  std::shared_ptr<OutputState> state = it->second.state;
  std::lock_guard<std::mutex> lock(state->mu);
  Finish(fd, progress);
}

// Ends a job: the connection is released to the worker (pending = false) and our descriptor is
// closed. A failed or overdue response shuts the whole connection down so Pistache drops it too.
// Called with the job's state->mu held.
void SocketWriter::Finish(int fd, Progress progress) {
  auto it = jobs_.find(fd);
  if (it == jobs_.end()) return;
  std::shared_ptr<OutputState> state = std::move(it->second.state);
  if (progress == Progress::kFailed) {
    shutdown(fd, SHUT_RDWR);
  } else if (it->second.close_after || state->close_when_done) {
    shutdown(fd, SHUT_WR);
  }
  state->pending = false;
  epoll_.Remove(fd);
  close(fd);
  jobs_.erase(it);
  --pending_;
}

}  // namespace fleetgate::http
