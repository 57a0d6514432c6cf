#pragma once
// SeriesTable: a hash table from series keys to values, built for the ingest hot path with
// 100,000 series and more. Open addressing with linear probing over 16-byte slots (hash and entry
// pointer) in a power-of-two array; each entry holds its value and its key bytes inline. A
// lookup touches one slot and one entry, where std::unordered_map touches a bucket, the node
// before, the node and the key's own heap block, each a likely cache miss at this size.
// Entries never move, so a value's address is stable until it is erased. Not thread-safe: each
// MetricStore shard guards its table with its own lock; only PrefetchSlot may run without it.

#include <atomic>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/series_key.h"

namespace fleetgate::metrics {

template <typename Value>
class SeriesTable {
 public:
  SeriesTable() : slots_(kMinCapacity) { PublishSlots(); }
  ~SeriesTable() {
    for (Slot& slot : slots_) Destroy(slot.entry);
  }
  SeriesTable(const SeriesTable&) = delete;
  SeriesTable& operator=(const SeriesTable&) = delete;

  size_t size() const { return size_; }

  Value* Find(const SeriesKey& key) {
    for (size_t i = key.hash & Mask();; i = (i + 1) & Mask()) {
      const Slot& slot = slots_[i];
      if (slot.entry == nullptr) return nullptr;
      if (slot.hash == key.hash && slot.entry->Is(key.bytes)) return &slot.entry->value;
    }
  }

  // Prefetch hints for a lookup of `key` soon; neither changes the table or reads an entry.
  // PrefetchSlot needs no lock: it reads only an atomic copy of the slot array's address and
  // size, which may be stale (the array replaced and freed by a Grow), and prefetching a stale
  // address is a harmless no-op.
  void PrefetchSlot(const SeriesKey& key) const {
    const uintptr_t slots = published_slots_.load(std::memory_order_relaxed);
    const size_t mask = published_mask_.load(std::memory_order_relaxed);
    __builtin_prefetch(reinterpret_cast<const void*>(slots + (key.hash & mask) * sizeof(Slot)));
  }
  // Under the owner's lock, like Find: reads the probe run's slots and prefetches the cache
  // lines of the entry whose hash matches (live while the lock is held; only a hint after).
  void PrefetchEntry(const SeriesKey& key) const {
    for (size_t i = key.hash & Mask();; i = (i + 1) & Mask()) {
      const Slot& slot = slots_[i];
      if (slot.entry == nullptr) return;
      if (slot.hash != key.hash) continue;
      const char* entry = reinterpret_cast<const char*>(slot.entry);
      const size_t size = sizeof(Entry) + key.bytes.size();
      for (size_t offset = 0; offset < size; offset += kCacheLine) {
        __builtin_prefetch(entry + offset);
      }
      return;
    }
  }

  // Adds a default value under `key`, which must be absent.
  Value& Insert(const SeriesKey& key) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    Entry* entry = Create(key.bytes);
    Place({key.hash, entry});
    ++size_;
    return entry->value;
  }

  // The key bytes of a value held by a table.
  static std::string_view KeyOf(const Value& value) {
    return reinterpret_cast<const Entry*>(&value)->key();  // the value is the entry's first member
  }

  // Calls visit(key bytes, value) for every entry.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (const Slot& slot : slots_) {
      if (slot.entry != nullptr) visit(slot.entry->key(), std::as_const(slot.entry->value));
    }
  }

  // Calls visit(key bytes, value) for every entry whose hash passes wanted(hash), in ForEach's
  // order, without reading the other entries.
  template <typename Wanted, typename Visit>
  void ForEachWhere(Wanted&& wanted, Visit&& visit) const {
    for (const Slot& slot : slots_) {
      if (slot.entry != nullptr && wanted(slot.hash)) {
        visit(slot.entry->key(), std::as_const(slot.entry->value));
      }
    }
  }

  // Erases every entry for which doomed(key bytes, value) is true; returns how many.
  template <typename Doomed>
  size_t EraseIf(Doomed&& doomed) {
    std::vector<Slot> erase;
    for (const Slot& slot : slots_) {
      if (slot.entry != nullptr && doomed(slot.entry->key(), slot.entry->value)) {
        erase.push_back(slot);
      }
    }
    for (const Slot& slot : erase) Erase(slot);
    return erase.size();
  }

 private:
  static constexpr size_t kMinCapacity = 16;
  static constexpr size_t kCacheLine = 64;

  struct Entry {
    Value value;    // first: KeyOf relies on it
    uint32_t size;  // of the key bytes that follow the entry

    const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
    std::string_view key() const { return {bytes(), size}; }
    bool Is(const std::string& key) const {
      return key.size() == size && std::memcmp(key.data(), bytes(), size) == 0;
    }
  };

  struct Slot {
    size_t hash = 0;
    Entry* entry = nullptr;
  };

  static Entry* Create(const std::string& key) {
    void* memory = ::operator new(sizeof(Entry) + key.size());
    auto* entry = new (memory) Entry{Value{}, static_cast<uint32_t>(key.size())};
    std::memcpy(reinterpret_cast<char*>(entry + 1), key.data(), key.size());
    return entry;
  }

  static void Destroy(Entry* entry) {
    if (entry == nullptr) return;
    entry->~Entry();
    ::operator delete(entry);
  }

  size_t Mask() const { return slots_.size() - 1; }

  void Place(Slot slot) {
    size_t i = slot.hash & Mask();
    while (slots_[i].entry != nullptr) i = (i + 1) & Mask();
    slots_[i] = slot;
  }

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    PublishSlots();
    for (const Slot& slot : old) {
      if (slot.entry != nullptr) Place(slot);
    }
  }

  // For PrefetchSlot, which runs without the owner's lock.
  void PublishSlots() {
    published_slots_.store(reinterpret_cast<uintptr_t>(slots_.data()), std::memory_order_relaxed);
    published_mask_.store(Mask(), std::memory_order_relaxed);
  }

  // Backward-shift deletion: later members of the probe run move up, so no tombstones remain.
  void Erase(const Slot& doomed) {
    size_t hole = doomed.hash & Mask();
    while (slots_[hole].entry != doomed.entry) hole = (hole + 1) & Mask();
    Destroy(doomed.entry);
    for (size_t next = (hole + 1) & Mask(); slots_[next].entry != nullptr;
         next = (next + 1) & Mask()) {
      const size_t home = slots_[next].hash & Mask();
      // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
      const bool stays =
          hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
      if (stays) continue;
      slots_[hole] = slots_[next];
      hole = next;
    }
    slots_[hole] = Slot{};
    --size_;
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  std::atomic<uintptr_t> published_slots_{0};
  std::atomic<size_t> published_mask_{0};
};

}  // namespace fleetgate::metrics
