#include "otlp/stream_table.h"

#include <cstring>
#include <new>

namespace fleetgate::otlp {

void StreamValues::Assign(const std::vector<double>& values) {
  size_ = values.size();
  if (size_ == 1) {
    one_ = values[0];
    many_.clear();
  } else {
    many_.assign(values.begin(), values.end());
  }
}

void StreamValues::AssignOne(double value) {
  size_ = 1;
  one_ = value;
  many_.clear();
}

StreamTable::~StreamTable() {
  for (const Slot& slot : slots_) {
    if (slot.stream != nullptr) Delete(slot.stream);
  }
}

size_t StreamTable::Probe(size_t hash, std::string_view key) const {
  const size_t mask = slots_.size() - 1;
  size_t i = Home(hash);
  while (slots_[i].stream != nullptr &&
         (slots_[i].hash != hash || slots_[i].stream->key() != key)) {
    i = (i + 1) & mask;
  }
  return i;
}

Stream* StreamTable::Find(size_t hash, std::string_view key) const {
  if (slots_.empty()) return nullptr;
  return slots_[Probe(hash, key)].stream;
}

Stream* StreamTable::Add(size_t hash, std::string_view key) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  void* memory = ::operator new(sizeof(Stream) + key.size());
  Stream* stream = new (memory) Stream();
  stream->key_size = key.size();
  if (!key.empty())
    std::memcpy(reinterpret_cast<char*>(stream) + sizeof(Stream), key.data(), key.size());
  Place(Slot{hash, stream});
  return stream;
}

bool StreamTable::Erase(size_t hash, std::string_view key) {
  if (slots_.empty()) return false;
  size_t hole = Probe(hash, key);
  if (slots_[hole].stream == nullptr) return false;
  Delete(slots_[hole].stream);
  // Backward-shift deletion: later members of the run move into the hole unless that would put
  // them before their home, so every probe still ends at the first empty slot.
  const size_t mask = slots_.size() - 1;
  for (size_t j = (hole + 1) & mask; slots_[j].stream != nullptr; j = (j + 1) & mask) {
    const size_t home = Home(slots_[j].hash);
    const bool movable = j > hole ? (home <= hole || home > j) : (home <= hole && home > j);
    if (movable) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Slot{};
  --size_;
  return true;
}

void StreamTable::Place(const Slot& slot) {
  const size_t mask = slots_.size() - 1;
  size_t i = Home(slot.hash);
  while (slots_[i].stream != nullptr) i = (i + 1) & mask;
  slots_[i] = slot;
  ++size_;
}

void StreamTable::Grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
  size_ = 0;
  for (const Slot& slot : old) {
    if (slot.stream != nullptr) Place(slot);
  }
}

void StreamTable::Delete(Stream* stream) {
  stream->~Stream();
  ::operator delete(stream);
}

}  // namespace fleetgate::otlp
