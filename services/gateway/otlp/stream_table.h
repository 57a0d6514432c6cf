#pragma once
// The state of CumulativeStreams' streams, one table per shard: open addressing with linear
// probing over (hash, stream) slots, each stream one allocation holding its key. A lookup reads
// a slot (its neighbours share the cache line) and the stream it finds, instead of a bucket, a
// chain of nodes and a key elsewhere on the heap: the lookup runs once per data point, and with
// many streams its cache misses were its cost. Private to the otlp library; not thread-safe (a
// shard's mutex guards it).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace fleetgate::otlp {

// A stream's last values: a sum's one value inline, a histogram's count, buckets and sum on the
// heap.
class StreamValues {
 public:
  size_t size() const { return size_; }
  double& operator[](size_t i) { return size_ == 1 ? one_ : many_[i]; }
  double operator[](size_t i) const { return size_ == 1 ? one_ : many_[i]; }
  void Assign(const std::vector<double>& values);
  void AssignOne(double value);

 private:
  size_t size_ = 0;
  double one_ = 0;
  std::vector<double> many_;
};

struct Stream {
  uint64_t start_ns = 0;
  uint64_t time_ns = 0;
  int64_t seen_ns = 0;  // by the gateway's clock, for the TTL
  size_t key_size = 0;  // the key's bytes follow the struct, in the same allocation
  StreamValues values;

  std::string_view key() const { return {reinterpret_cast<const char*>(this + 1), key_size}; }
};

class StreamTable {
 public:
  StreamTable() = default;
  StreamTable(const StreamTable&) = delete;
  StreamTable& operator=(const StreamTable&) = delete;
  ~StreamTable();

  // `hash` is the key's; any bits may be used, so it must be a good hash of the whole key.
  Stream* Find(size_t hash, std::string_view key) const;
  // Adds a new, zeroed stream; `key` must not be in the table.
  Stream* Add(size_t hash, std::string_view key);
  // False if `key` is not in the table.
  bool Erase(size_t hash, std::string_view key);
  // Drops every stream for which `expired(stream)` is true.
  template <typename Expired>
  void EraseIf(Expired expired) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size(), Slot{});
    size_ = 0;
    for (const Slot& slot : old) {
      if (slot.stream == nullptr) continue;
      if (expired(*slot.stream)) {
        Delete(slot.stream);
      } else {
        Place(slot);
      }
    }
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    size_t hash = 0;
    Stream* stream = nullptr;  // null: empty
  };

  size_t Home(size_t hash) const { return hash & (slots_.size() - 1); }
  // The slot holding `key`, or the empty slot where its probe ends.
  size_t Probe(size_t hash, std::string_view key) const;
  void Place(const Slot& slot);  // into the first empty slot from its home
  void Grow();
  static void Delete(Stream* stream);

  std::vector<Slot> slots_;  // a power of two in size, at most half full
  size_t size_ = 0;
};

}  // namespace fleetgate::otlp
