#include "events/event_tap.h"

#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace fleetgate::events {
namespace {

std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json NullIfEmpty(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

std::string TransitionJson(const storage::TransitionRecord& transition) {
  return Dump({{"service", transition.service},
               {"instance", transition.instance},
               {"from", NullIfEmpty(transition.from)},
               {"to", transition.to},
               {"detail", transition.detail},
               {"time", FormatRfc3339(transition.time)}});
}

std::string AlertJson(const storage::AlertTransition& transition) {
  nlohmann::json labels = nlohmann::json::parse(transition.labels_json, nullptr, false);
  if (labels.is_discarded()) labels = nlohmann::json::object();
  nlohmann::json value = transition.value ? nlohmann::json(*transition.value) : nullptr;
  return Dump({{"rule", transition.rule},
               {"labels", labels},
               {"from", transition.from},
               {"to", transition.to},
               {"value", value},
               {"time", FormatRfc3339(transition.time)}});
}

bool EventTap::Enqueue(storage::TransitionRecord transition) {
  hub_.Publish("transition", TransitionJson(transition));
  return next_.Enqueue(std::move(transition));
}

bool EventTap::Enqueue(storage::AlertTransition transition) {
  hub_.Publish("alert", AlertJson(transition));
  return next_.Enqueue(std::move(transition));
}

}  // namespace fleetgate::events
