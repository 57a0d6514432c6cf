#pragma once
// SocketWriter finishes writing responses that a client reads slowly. Pistache 0.0.5's transport
// retries a write that hit EAGAIN in a tight loop (Transport::asyncWriteImpl never leaves its loop
// until the socket drains), so a stalled reader of a large response pins a worker thread at 100%
// CPU and starves every other connection on it. We therefore never hand response bytes to
// Pistache: Send() writes what the kernel accepts at once, and one background thread waits for
// EPOLLOUT (no retry loop) to write the rest through a dup of the socket. Thread-safe.
//
// The writer thread is an event loop (epoll on sockets and a wake eventfd, timed by the nearest
// write deadline), not a periodic task, so it is not a PeriodicWorker; it has one idempotent Stop.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/epoll_set.h"

namespace fleetgate::http {

// Per-connection output state shared by the Pistache worker that owns the connection and the
// writer thread. `mu` is held across the final send of a response and the clearing of `pending`,
// so a client that has read the whole response always finds `pending` false when its next request
// arrives.
struct OutputState {
  std::mutex mu;
  bool pending = false;          // part of a response is still queued in the SocketWriter
  bool close_when_done = false;  // shut the write side down once the queued part is written
};

// The rest of a response produced piece by piece (a streamed /metrics body): each call appends
// the next bytes to `out` and returns false once those were the last. It runs on whichever thread
// writes (the caller of Send, then the writer thread) and only when the previous piece is fully
// written, so one response holds one piece at a time; it must not block.
using MoreBytes = std::function<bool(std::string& out)>;

class SocketWriter {
 public:
  // A response not fully written within `write_timeout` has its connection shut down.
  explicit SocketWriter(std::chrono::milliseconds write_timeout);
  ~SocketWriter();
  SocketWriter(const SocketWriter&) = delete;
  SocketWriter& operator=(const SocketWriter&) = delete;

  // Writes `data` to the connected non-blocking socket `fd` (owned by the caller), then with
  // `close_after` shuts down its write side (FIN). One response at a time per connection: call
  // only when `state->pending` is false. Returns false when the connection failed and the caller
  // should stop serving it. With `more`, the response continues with the bytes `more` produces,
  // each piece asked for once the one before is written.
  bool Send(int fd, std::string data, bool close_after, const std::shared_ptr<OutputState>& state,
            MoreBytes more = nullptr);

  // Whether the previous response on `fd` is not yet fully read by the client: still queued here,
  // or still in the kernel's send queue (a client that read it all has acknowledged every byte).
  static bool HasUnreadOutput(int fd, OutputState& state);

  // Ends the connection after what was already sent: FIN now, or once the queued part is written.
  static void CloseAfterOutput(int fd, OutputState& state);

  // Responses currently being finished by the writer thread.
  size_t pending() const { return pending_.load(); }

  // Joins the writer thread; connections with unfinished responses are shut down. Idempotent.
  void Stop();

 private:
  struct Job {
    int fd;  // our dup of the socket, closed when the job ends
    std::string data;
    size_t offset;
    MoreBytes more;  // null once the last piece is in `data`
    bool close_after;
    std::shared_ptr<OutputState> state;
    std::chrono::steady_clock::time_point deadline;
  };
  enum class Progress { kDone, kAgain, kFailed };

  static Progress WriteSome(int fd, const std::string& data, size_t* offset);
  // WriteSome, then the next pieces of `more` while the socket takes them (at most `pieces`, so
  // one fast reader does not keep the writer thread from the others); kAgain when not finished.
  static Progress WritePieces(int fd, std::string& data, size_t* offset, MoreBytes& more,
                              int pieces);
  bool Enqueue(Job job);
  void Run();
  void AdoptIncoming();
  void Continue(int fd);
  void ExpireOverdue();
  int NextTimeoutMs() const;
  void Finish(int fd, Progress progress);
  void FinishLocked(int fd, Progress progress);

  const std::chrono::milliseconds write_timeout_;
  EpollSet epoll_;
  std::atomic<size_t> pending_{0};

  std::mutex mu_;  // guards incoming_ and stopped_
  std::vector<Job> incoming_;
  bool stopped_ = false;

  std::unordered_map<int, Job> jobs_;  // writer thread only (then Stop, once it has joined)
  std::once_flag stop_once_;
  std::thread thread_;
};

}  // namespace fleetgate::http
