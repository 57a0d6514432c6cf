#pragma once
// EventTap sits between the health registry / alert evaluator and the history writer: every
// write passes through unchanged, and each health transition and alert state change is also
// published as a live event ("transition", "alert") on the SseHub. Thread-safe as its parts are.

#include "events/sse_hub.h"
#include "storage/history_store.h"

namespace fleetgate::events {

class EventTap final : public storage::HistorySink {
 public:
  EventTap(storage::HistorySink& next, SseHub& hub) : next_(next), hub_(hub) {}

  bool Enqueue(storage::TransitionRecord transition) override;
  bool Enqueue(storage::InstanceState state) override { return next_.Enqueue(std::move(state)); }
  bool EnqueueDelete(std::string service, std::string instance) override {
    return next_.EnqueueDelete(std::move(service), std::move(instance));
  }
  bool Enqueue(storage::AlertTransition transition) override;
  bool Enqueue(storage::AlertStates states) override { return next_.Enqueue(std::move(states)); }
  bool Healthy() const override { return next_.Healthy(); }
  std::string LastError() const override { return next_.LastError(); }
  uint64_t LastAccepted() const override { return next_.LastAccepted(); }
  storage::CommitOutcome AwaitCommit(uint64_t seq,
                                     std::chrono::steady_clock::time_point until) override {
    return next_.AwaitCommit(seq, until);
  }

 private:
  storage::HistorySink& next_;
  SseHub& hub_;
};

// The events' JSON, as the API documents them.
std::string TransitionJson(const storage::TransitionRecord& transition);
std::string AlertJson(const storage::AlertTransition& transition);

}  // namespace fleetgate::events
