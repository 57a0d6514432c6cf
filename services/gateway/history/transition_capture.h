#pragma once
// TransitionCapture: while one lives on a thread, the HistoryRecorder notes on it each health
// transition that thread queued for history (and whether the queue took it), so an RPC that
// applied a batch knows whether its answer must wait for a commit (storage.durable_ack).
// Transitions recorded on other threads (the TTL sweep) are not seen. Not thread-safe: one per
// thread, on the stack.

namespace fleetgate::history {

class TransitionCapture {
 public:
  TransitionCapture();
  ~TransitionCapture();
  TransitionCapture(const TransitionCapture&) = delete;
  TransitionCapture& operator=(const TransitionCapture&) = delete;

  // A transition was queued on this thread since construction.
  bool recorded() const { return recorded_; }
  // One of them (or its instance state) was dropped: the queue was full or the writer stopped.
  bool dropped() const { return dropped_; }

  // Called by the recorder; a no-op on a thread without a capture.
  static void Note(bool queued);

 private:
  TransitionCapture* const previous_;
  bool recorded_ = false;
  bool dropped_ = false;
};

}  // namespace fleetgate::history
