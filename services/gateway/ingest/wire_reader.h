#pragma once
// WireReader reads protobuf's wire format over one message's bytes, exactly as strictly as the
// protobuf 3.21 parser: the same varint, tag and length encodings accepted, unknown fields
// (groups included) skipped and checked the same way, the same nesting limit. It never copies:
// strings are views into the bytes. Not thread-safe (one per parse).

#include <cstdint>
#include <cstring>
#include <string_view>

namespace fleetgate::ingest {

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5
};

constexpr uint32_t WireTag(uint32_t field, WireType type) { return field << 3 | type; }

// protobuf's default recursion limit: messages and groups nested at most this deep.
constexpr int kMaxWireDepth = 100;

class WireReader {
 public:
  explicit WireReader(std::string_view bytes)
      : p_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

  bool Done() const { return p_ == end_; }

  // A tag: at most five bytes, its value the low 32 bits (as protobuf's ReadTag).
  bool ReadTag(uint32_t& tag) {
    if (p_ < end_ && *p_ < 0x80) {
      tag = *p_++;
      return true;
    }
    uint64_t value = 0;
    if (!ReadVarintOf(5, value)) return false;
    tag = static_cast<uint32_t>(value);
    return true;
  }

  // A varint of at most ten bytes; bits beyond 64 are dropped (as protobuf).
  bool ReadVarint(uint64_t& value) {
    if (p_ < end_ && *p_ < 0x80) {
      value = *p_++;
      return true;
    }
    return ReadVarintOf(10, value);
  }

  bool ReadFixed64(uint64_t& value) {
    if (end_ - p_ < 8) return false;
    std::memcpy(&value, p_, 8);
    p_ += 8;
    return true;
  }

  // A length-delimited field's bytes. The length takes at most five bytes, the fifth below 8
  // (protobuf's ReadSize: under 2 GiB), and must fit in what is left.
  bool ReadBytes(std::string_view& bytes) {
    uint64_t size = 0;
    if (p_ < end_ && *p_ < 0x80) {
      size = *p_++;
    } else {
      const uint8_t* start = p_;
      if (!ReadVarintOf(5, size) || (p_ - start == 5 && start[4] >= 8)) return false;
    }
    if (size > static_cast<uint64_t>(end_ - p_)) return false;
    bytes = std::string_view(reinterpret_cast<const char*>(p_), size);
    p_ += size;
    return true;
  }

  // A map<string, string> entry in the layout protobuf writes (the key's field, then the
  // value's, each under 128 bytes) when that is exactly what is left, UTF-8 not yet checked;
  // otherwise false, and nothing is read.
  bool ReadPlainEntry(std::string_view& key, std::string_view& value) {
    const size_t size = static_cast<size_t>(end_ - p_);
    if (size < 4 || p_[0] != WireTag(1, kLengthDelimited) || p_[1] >= 0x80) return false;
    const size_t key_size = p_[1];
    if (key_size + 4 > size || p_[2 + key_size] != WireTag(2, kLengthDelimited) ||
        p_[3 + key_size] >= 0x80 || key_size + 4 + p_[3 + key_size] != size) {
      return false;
    }
    key = std::string_view(reinterpret_cast<const char*>(p_) + 2, key_size);
    value = std::string_view(reinterpret_cast<const char*>(p_) + 4 + key_size, size - 4 - key_size);
    p_ = end_;
    return true;
  }

  // A proto3 string: its bytes, refused unless valid UTF-8 (protobuf checks every occurrence).
  bool ReadString(std::string_view& text) { return ReadBytes(text) && IsUtf8(text); }

  // Skips a field this reader does not know (or knows with another wire type), as protobuf keeps
  // it as unknown: refused are tag 0, field number 0, an end group, wire types 6 and 7, a group
  // `depth` does not leave room for or not closed by its own field's end group.
  bool SkipField(uint32_t tag, int depth);

  static bool IsUtf8(std::string_view text);

 private:
  bool ReadVarintOf(int max_bytes, uint64_t& value);
  bool SkipGroup(uint32_t field, int depth);

  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace fleetgate::ingest
