#include "metrics/exposition.h"

#include <sstream>

#include <prometheus/text_serializer.h>

namespace fleetgate::metrics {

void Exposition::Add(std::shared_ptr<prometheus::Collectable> collectable) {
  collectables_.push_back(std::move(collectable));
}

std::string Exposition::Render() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& collectable : collectables_) {
    auto collected = collectable->Collect();
    families.insert(families.end(), std::make_move_iterator(collected.begin()),
                    std::make_move_iterator(collected.end()));
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return std::move(out).str();
}

}  // namespace fleetgate::metrics
