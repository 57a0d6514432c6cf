#include "metrics/exposition.h"

#include "metrics/text_writer.h"

namespace fleetgate::metrics {

void Exposition::Add(std::shared_ptr<prometheus::Collectable> collectable) {
  collectables_.push_back(std::move(collectable));
}

std::string Exposition::Render() const {
  std::string out;
  const size_t hint = last_size_.load(std::memory_order_relaxed);
  out.reserve(hint + hint / 8 + 4096);
  for (const auto& collectable : collectables_) {
    if (const auto* text = dynamic_cast<const TextCollectable*>(collectable.get())) {
      text->AppendText(out);
    } else {
      AppendFamilies(out, collectable->Collect());
    }
  }
  last_size_.store(out.size(), std::memory_order_relaxed);
  return out;
}

ExpositionStream::ExpositionStream(
    std::vector<std::shared_ptr<prometheus::Collectable>> collectables)
    : collectables_(std::move(collectables)) {}

bool ExpositionStream::Next(std::string& out) {
  const size_t start = out.size();
  while (out.size() - start < kPieceBytes) {
    if (cursor_ != nullptr) {
      if (cursor_->AppendNext(out)) continue;
      cursor_.reset();
    }
    if (next_ == collectables_.size()) return false;
    const auto& collectable = collectables_[next_++];
    if (const auto* text = dynamic_cast<const TextCollectable*>(collectable.get())) {
      cursor_ = text->OpenCursor();
    } else {
      AppendFamilies(out, collectable->Collect());  // self-metrics, health, process: small
    }
  }
  return true;
}

}  // namespace fleetgate::metrics
