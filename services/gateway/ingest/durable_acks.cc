#include "ingest/durable_acks.h"

#include <algorithm>
#include <string>
#include <utility>

#include "history/transition_capture.h"

namespace fleetgate::ingest {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// How long the worker waits for a commit before it looks at the store's health and at calls
// that arrived meanwhile.
constexpr std::chrono::milliseconds kRecheck{100};

grpc::Status Unavailable(const std::string& message) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, message);
}

grpc::Status Dropped() {
  return Unavailable(
      "the history queue is full (storage.queue_capacity): this report's health transition was "
      "not stored; retry");
}

std::string StoreError(const storage::HistorySink& sink) {
  std::string error = sink.LastError();
  return error.empty() ? "" : " (" + error + ")";
}

}  // namespace

DurableAcks::DurableAcks(storage::HistorySink& sink, bool enabled,
                         std::shared_ptr<const Clock> clock, std::chrono::milliseconds max_wait)
    : sink_(sink),
      enabled_(enabled),
      max_wait_(max_wait),
      worker_("durable-acks", std::move(clock), std::chrono::milliseconds(0),
              [this](TimePoint) { Work(); }) {
  if (enabled_) worker_.Start();
}

DurableAcks::~DurableAcks() { Stop(); }

void DurableAcks::Answer(std::chrono::system_clock::time_point deadline,
                         const std::function<grpc::Status()>& apply, Done done) {
  uint64_t seq = 0;
  grpc::Status status;
  switch (Apply(
      [&] {
        status = apply();
        return status.ok();
      },
      &seq)) {
    case Applied::kNothingToWait:
      return done(status);
    case Applied::kDropped:
      return done(Dropped());
    case Applied::kWait:
      return Defer(seq, deadline, std::move(done));
  }
}

grpc::Status DurableAcks::AnswerBlocking(const std::function<bool()>& apply) {
  uint64_t seq = 0;
  switch (Apply(apply, &seq)) {
    case Applied::kNothingToWait:
      return grpc::Status::OK;
    case Applied::kDropped:
      return Dropped();
    case Applied::kWait:
      break;
  }
  std::optional<grpc::Status> status;
  const Waiter waiter{seq, std::chrono::steady_clock::now() + max_wait_, false, nullptr};
  for (;;) {
    bool stopping;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping = stopped_;
    }
    const bool healthy = sink_.Healthy();
    if (healthy && !stopping) {
      sink_.AwaitCommit(seq, std::min(waiter.until, std::chrono::steady_clock::now() + kRecheck));
    }
    status = Verdict(waiter, std::chrono::steady_clock::now(), sink_.Healthy(), stopping);
    if (status) return *status;
  }
}

DurableAcks::Applied DurableAcks::Apply(const std::function<bool()>& apply, uint64_t* seq) {
  if (!enabled_) {
    apply();
    return Applied::kNothingToWait;
  }
  bool applied = false;
  bool recorded = false;
  bool dropped = false;
  {
    history::TransitionCapture capture;
    applied = apply();
    recorded = capture.recorded();
    dropped = capture.dropped();
  }
  if (!applied || !recorded) return Applied::kNothingToWait;
  if (dropped) return Applied::kDropped;
  *seq = sink_.LastAccepted();
  return Applied::kWait;
}

void DurableAcks::Defer(uint64_t seq, std::chrono::system_clock::time_point deadline, Done done) {
  const auto now = std::chrono::steady_clock::now();
  const auto left = deadline - std::chrono::system_clock::now();  // deadline may be max()
  const bool client = left < max_wait_;
  Waiter waiter{seq,
                client ? now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(left)
                       : now + max_wait_,
                client, std::move(done)};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_) {
      waiters_.push_back(std::move(waiter));
      waiter.done = nullptr;
    }
  }
  if (waiter.done) {
    waiter.done(Unavailable("fleetgate is shutting down; retry on another instance"));
    return;
  }
  worker_.Wake();
}

// Waits for the newest waiter's commit (which covers the older ones: the writer commits in
// order), bounded by the earliest time limit, then answers what is known; until none wait.
void DurableAcks::Work() {
  for (;;) {
    uint64_t target = 0;
    SteadyTime until = std::chrono::steady_clock::now() + kRecheck;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (waiters_.empty()) return;
      for (const Waiter& waiter : waiters_) {
        target = std::max(target, waiter.seq);
        until = std::min(until, waiter.until);
      }
    }
    if (sink_.Healthy()) sink_.AwaitCommit(target, until);
    Resolve(worker_.stopping());
  }
}

void DurableAcks::Resolve(bool stopping) {
  std::vector<std::pair<Done, grpc::Status>> answers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    const bool healthy = sink_.Healthy();
    auto keep = std::remove_if(waiters_.begin(), waiters_.end(), [&](Waiter& waiter) {
      std::optional<grpc::Status> status = Verdict(waiter, now, healthy, stopping);
      if (!status) return false;
      answers.emplace_back(std::move(waiter.done), std::move(*status));
      return true;
    });
    waiters_.erase(keep, waiters_.end());
  }
  for (auto& [done, status] : answers) done(status);
}

std::optional<grpc::Status> DurableAcks::Verdict(const Waiter& waiter, SteadyTime now, bool healthy,
                                                 bool stopping) const {
  switch (sink_.AwaitCommit(waiter.seq, SteadyTime::min())) {  // SteadyTime::min(): no wait
    case storage::CommitOutcome::kCommitted:
      return grpc::Status::OK;
    case storage::CommitOutcome::kFailed:
      return Unavailable("the history store could not commit this report's health transition" +
                         StoreError(sink_) + "; retry");
    case storage::CommitOutcome::kPending:
      break;
  }
  if (!healthy) {
    return Unavailable("the history store is failing" + StoreError(sink_) +
                       "; this report's health transition is not committed; retry");
  }
  if (stopping) {
    return Unavailable(
        "fleetgate is shutting down before this report's health transition was committed; retry "
        "on another instance");
  }
  if (now < waiter.until) return std::nullopt;
  if (waiter.deadline_is_client) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        "the health transition was not committed before the deadline");
  }
  return Unavailable("the health transition was not committed within " +
                     std::to_string(max_wait_.count()) + " ms; retry");
}

void DurableAcks::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  worker_.Stop();  // its last run answers every waiter
}

size_t DurableAcks::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiters_.size();
}

}  // namespace fleetgate::ingest
