// MetricStore's streamed text for /metrics: the families in name order, a run of small families
// or one shard of a large family at a time, so a scrape of a million series never holds more
// than a few MiB of text. Each part renders exactly as AppendText does, restricted to its
// families, so the parts of an unchanged store add up to AppendText's bytes.

#include <algorithm>
#include <bitset>
#include <map>

#include "metrics/metric_store_internal.h"
#include "metrics/text_writer.h"

namespace fleetgate::metrics {

// Counters' and gauges' lines copied under their shard's lock (the key's bytes and the value)
// and formatted once it is released: formatting costs several times what copying does, and
// every batch of reports touching that shard waits for the lock meanwhile. Histograms and
// summaries are still rendered under the lock. Render keeps the order of Add.
class MetricStore::ScalarCopies {
 public:
  void Add(std::string* body, std::string_view name, std::string_view key, double value) {
    copies_.push_back(Copy{body, name, keys_.size(), key.size(), value});
    keys_.append(key);
  }
  void Render() {
    const std::string_view keys = keys_;
    for (const Copy& copy : copies_) {
      AppendScalarSeries(*copy.body, copy.name, keys.substr(copy.key_begin, copy.key_size),
                         copy.value, labels_, rendered_);
    }
    copies_.clear();
    keys_.clear();
  }

 private:
  struct Copy {
    std::string* body;
    std::string_view name;  // outlives the lock: the scrape's own copy of the family name
    size_t key_begin;
    size_t key_size;
    double value;
  };
  std::vector<Copy> copies_;
  std::string keys_;
  std::vector<LabelView> labels_;
  std::string rendered_;
};

std::unique_ptr<TextCursor> MetricStore::Collectable::OpenCursor() const {
  // The store's part of one streamed scrape.
  class StoreCursor : public TextCursor {
   public:
    explicit StoreCursor(std::shared_ptr<const Collectable> collectable)
        : collectable_(std::move(collectable)) {}
    bool AppendNext(std::string& out) override { return collectable_->AppendPart(position_, out); }

   private:
    std::shared_ptr<const Collectable> collectable_;
    TextPosition position_;
  };
  return std::make_unique<StoreCursor>(shared_from_this());
}

bool MetricStore::AppendTextPart(TextPosition& position, std::string& out) const {
  if (position.group.empty() && !NextTextGroup(position)) return false;
  if (position.group.size() > 1) {
    AppendGroupText(position.group, out);
    position.group.clear();
    return true;
  }
  AppendShardText(position, out);
  if (position.shard == kShards) position.group.clear();
  return true;
}

// The families after `position.after`, as many as hold kPartSeries series together (at least one).
bool MetricStore::NextTextGroup(TextPosition& position) const {
  std::lock_guard<std::mutex> lock(families_mutex_);
  auto it = position.started ? families_.upper_bound(position.after) : families_.begin();
  size_t series = 0;
  for (; it != families_.end(); ++it) {
    if (!position.group.empty() && series + it->second->series > kPartSeries) break;
    series += it->second->series;
    position.group.push_back(it->first);
  }
  if (position.group.empty()) return false;
  position.after = position.group.back();
  position.started = true;
  position.shard = 0;
  position.header_written = false;
  return true;
}

// AppendText restricted to the families named in `group` (sorted).
void MetricStore::AppendGroupText(const std::vector<std::string>& group, std::string& out) const {
  std::map<std::string_view, FamilyText> texts;  // names point into `group`
  std::vector<LabelView> labels;
  std::string rendered;
  auto tags = std::make_unique<std::bitset<1 << 16>>();
  for (const std::string& name : group) tags->set(FamilyTag(name));
  const auto wanted = [&tags](size_t hash) { return tags->test(FamilyTagOf(hash)); };
  struct Member {
    FamilyText* text = nullptr;  // null for a family outside the group
    std::string_view name;       // in `group`
  };
  ScalarCopies copies;
  for (const auto& shard : shards_) {
    {
      // Valid for this shard only (see AppendText).
      std::unordered_map<const FamilyEntry*, Member> seen;
      std::lock_guard<std::mutex> lock(shard->mutex);
      shard->series.ForEachWhere(wanted, [&](std::string_view key, const Series& series) {
        auto [entry, fresh] = seen.try_emplace(series.family);
        if (fresh) {
          const std::string& name = series.family->name;
          auto member = std::lower_bound(group.begin(), group.end(), name);
          if (member == group.end() || *member != name) return;
          entry->second = {&texts.try_emplace(*member, FamilyText{series.kind, {}}).first->second,
                           *member};
        }
        const Member& member = entry->second;
        if (member.text == nullptr || member.text->kind != series.kind) return;
        if (IsScalar(series.kind)) {
          copies.Add(&member.text->body, member.name, key, series.value.get());
        } else {
          AppendSeries(member.text->body, key, series, labels, rendered);
        }
      });
    }
    copies.Render();
  }
  size_t size = out.size();
  for (const auto& [name, text] : texts) size += text.body.size() + name.size() * 2 + 100;
  out.reserve(size);  // one allocation, not a doubling that may leave half of it unused
  for (auto& [name, text] : texts) {
    AppendFamilyHeader(out, name, kReportedHelp, TypeOf(text.kind));
    out += text.body;
    std::string().swap(text.body);
  }
}

// The next shard's series of the group's one family, its header first if not written yet.
void MetricStore::AppendShardText(TextPosition& position, std::string& out) const {
  const std::string& name = position.group.front();
  std::vector<LabelView> labels;
  std::string rendered;
  // While the shard lock is held, its series of `name` all belong to one live FamilyEntry.
  const FamilyEntry* hit = nullptr;
  const FamilyEntry* miss = nullptr;
  const uint16_t tag = FamilyTag(name);
  const auto wanted = [tag](size_t hash) { return FamilyTagOf(hash) == tag; };
  Shard& shard = *shards_[position.shard++];
  ScalarCopies copies;
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    shard.series.ForEachWhere(wanted, [&](std::string_view key, const Series& series) {
      if (series.family != hit) {
        if (series.family == miss) return;
        if (series.family->name != name) {
          miss = series.family;
          return;
        }
        hit = series.family;
      }
      if (!position.header_written) {
        AppendFamilyHeader(out, name, kReportedHelp, TypeOf(series.kind));
        position.kind = series.kind;
        position.header_written = true;
      }
      if (series.kind != position.kind) return;
      if (IsScalar(series.kind)) {
        copies.Add(&out, name, key, series.value.get());
      } else {
        AppendSeries(out, key, series, labels, rendered);
      }
    });
  }
  copies.Render();
}

}  // namespace fleetgate::metrics
