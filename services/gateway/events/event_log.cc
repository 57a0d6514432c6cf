#include "events/event_log.h"

#include <algorithm>

namespace fleetgate::events {

EventLog::EventLog(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

const Event& EventLog::Append(std::string type, std::string data) {
  if (ring_.size() == capacity_) ring_.pop_front();
  ring_.push_back(Event{next_id_++, std::move(type), std::move(data)});
  return ring_.back();
}

Replay EventLog::Since(uint64_t after) const {
  Replay replay;
  if (after > last_id()) {
    replay.gap = true;
    return replay;
  }
  if (ring_.empty() || after == last_id()) return replay;
  uint64_t oldest = ring_.front().id;
  replay.gap = after + 1 < oldest;
  size_t skip = after >= oldest ? static_cast<size_t>(after - oldest + 1) : 0;
  replay.events.assign(ring_.begin() + static_cast<std::ptrdiff_t>(skip), ring_.end());
  return replay;
}

std::string FormatSse(const Event& event) {
  std::string out;
  out.reserve(event.data.size() + event.type.size() + 40);
  out.append("id: ").append(std::to_string(event.id)).append("\n");
  out.append("event: ").append(event.type).append("\n");
  // `data` is one line of JSON (no raw newlines); keep the framing intact regardless.
  out.append("data: ");
  for (char c : event.data) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  out.append("\n\n");
  return out;
}

}  // namespace fleetgate::events
