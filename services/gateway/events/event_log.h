#pragma once
// EventLog keeps the most recent live events (registry transitions, alert state changes) in a
// bounded ring, each with an id that only grows, so a server-sent-events client that reconnects
// with Last-Event-ID can be given what it missed while the ring still holds it.
// Not synchronised: SseHub owns one and guards it with its own lock.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace fleetgate::events {

struct Event {
  uint64_t id = 0;
  std::string type;  // the SSE `event:` field: "transition", "alert"
  std::string data;  // one line of JSON
};

// What a client that last saw `after` should be sent.
struct Replay {
  std::vector<Event> events;  // oldest first
  // Some events after `after` are gone from the ring, or `after` is from an earlier run of the
  // gateway (larger than any id given out): the client must reload its state.
  bool gap = false;
};

class EventLog {
 public:
  explicit EventLog(size_t capacity);  // capacity >= 1

  // Stores the event under the next id and returns it (ids start at 1).
  const Event& Append(std::string type, std::string data);
  Replay Since(uint64_t after) const;

  uint64_t last_id() const { return next_id_ - 1; }
  size_t size() const { return ring_.size(); }

 private:
  const size_t capacity_;
  uint64_t next_id_ = 1;
  std::deque<Event> ring_;
};

// The bytes of one event on the wire: "id: 7\nevent: transition\ndata: {...}\n\n".
std::string FormatSse(const Event& event);

}  // namespace fleetgate::events
