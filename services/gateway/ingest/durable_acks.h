#pragma once
// DurableAcks (storage.durable_ack): a report or export whose batch recorded a health transition
// is answered only once that transition is committed by the history writer. The RPC thread never
// waits: the answer is handed here with the sequence number of the last queued write, and one
// worker waits for the writer's commits (group commit: one transaction answers every call queued
// before it) and completes each answer, in order of commit. A call gets UNAVAILABLE when its
// writes were dropped or failed, when the store is failing, when the gateway stops, or after
// max_wait without a commit; a call whose gRPC deadline passes gets DEADLINE_EXCEEDED (gRPC has
// told the client so already). Thread-safe.

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/periodic_worker.h"
#include "storage/history_store.h"

namespace fleetgate::ingest {

class DurableAcks {
 public:
  using Done = std::function<void(const grpc::Status&)>;

  // `sink` is the one the HistoryRecorder writes to. Disabled: Answer completes at once.
  DurableAcks(storage::HistorySink& sink, bool enabled, std::shared_ptr<const Clock> clock,
              std::chrono::milliseconds max_wait = std::chrono::seconds(30));
  ~DurableAcks();  // Stop()
  DurableAcks(const DurableAcks&) = delete;
  DurableAcks& operator=(const DurableAcks&) = delete;

  bool enabled() const { return enabled_; }

  // Runs `apply` (the batch) with a TransitionCapture on this thread, then calls `done` with its
  // status: at once when durable acks are off, when it failed or recorded no transition; else
  // from the worker once the transition is committed (OK) or cannot be (see above).
  void Answer(std::chrono::system_clock::time_point deadline,
              const std::function<grpc::Status()>& apply, Done done);
  // For a caller that may block, an HTTP handler (OTLP over HTTP): runs `apply`, which answers
  // whether the batch was applied, and when it was and recorded a transition waits on this
  // thread (up to max_wait) for the commit. OK when nothing is left uncommitted (also when the
  // batch was refused: the caller has its own answer), else UNAVAILABLE saying why.
  grpc::Status AnswerBlocking(const std::function<bool()>& apply);

  // Answers every waiting call (UNAVAILABLE unless committed meanwhile) and stops the worker;
  // later calls are answered UNAVAILABLE at once. Call after the gRPC server has drained.
  void Stop();

  size_t waiting() const;

 private:
  struct Waiter {
    uint64_t seq;
    std::chrono::steady_clock::time_point until;  // the gRPC deadline or max_wait
    bool deadline_is_client;                      // until is the client's deadline
    Done done;
  };

  enum class Applied { kNothingToWait, kWait, kDropped };
  // Runs `apply` (true: the batch was applied) under a TransitionCapture: kWait when the answer
  // must wait for the commit of write `*seq`; kDropped when its transition did not fit the queue.
  Applied Apply(const std::function<bool()>& apply, uint64_t* seq);
  // The answer of a waiter, or nullopt while it must still wait.
  std::optional<grpc::Status> Verdict(const Waiter& waiter,
                                      std::chrono::steady_clock::time_point now, bool healthy,
                                      bool stopping) const;
  void Defer(uint64_t seq, std::chrono::system_clock::time_point deadline, Done done);
  void Work();
  // Completes the waiters whose outcome is known (or whose time is up); the rest stay.
  void Resolve(bool stopping);

  storage::HistorySink& sink_;
  const bool enabled_;
  const std::chrono::milliseconds max_wait_;

  mutable std::mutex mu_;
  std::vector<Waiter> waiters_;
  bool stopped_ = false;

  PeriodicWorker worker_;  // last: its task uses everything above
};

}  // namespace fleetgate::ingest
