#include "history/transition_capture.h"

namespace fleetgate::history {
namespace {
thread_local TransitionCapture* current = nullptr;
}  // namespace

TransitionCapture::TransitionCapture() : previous_(current) { current = this; }

TransitionCapture::~TransitionCapture() { current = previous_; }

void TransitionCapture::Note(bool queued) {
  if (current == nullptr) return;
  current->recorded_ = true;
  if (!queued) current->dropped_ = true;
}

}  // namespace fleetgate::history
