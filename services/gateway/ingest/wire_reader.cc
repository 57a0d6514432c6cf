#include "ingest/wire_reader.h"

#include "metrics/validation.h"

namespace fleetgate::ingest {

bool WireReader::ReadVarintOf(int max_bytes, uint64_t& value) {
  value = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (p_ == end_) return false;
    const uint64_t byte = *p_++;
    if (i < 10) value |= (byte & 0x7F) << (7 * i);
    if (byte < 0x80) return true;
  }
  return false;
}

bool WireReader::SkipField(uint32_t tag, int depth) {
  if ((tag >> 3) == 0) return false;
  switch (tag & 7) {
    case kVarint: {
      uint64_t ignored = 0;
      return ReadVarint(ignored);
    }
    case kFixed64:
      if (end_ - p_ < 8) return false;
      p_ += 8;
      return true;
    case kLengthDelimited: {
      std::string_view ignored;
      return ReadBytes(ignored);
    }
    case kStartGroup:
      return depth > 0 && SkipGroup(tag >> 3, depth - 1);
    case kFixed32:
      if (end_ - p_ < 4) return false;
      p_ += 4;
      return true;
    default:  // an end group outside its group, or wire types 6 and 7
      return false;
  }
}

bool WireReader::SkipGroup(uint32_t field, int depth) {
  while (!Done()) {
    uint32_t tag = 0;
    if (!ReadTag(tag)) return false;
    if ((tag & 7) == kEndGroup && tag != kEndGroup) return (tag >> 3) == field;
    if (!SkipField(tag, depth)) return false;
  }
  return false;  // the message ended inside the group
}

bool WireReader::IsUtf8(std::string_view text) {
  // ASCII eight bytes at a time; from the first chunk with a high bit, the full check (the chunk
  // starts a character, as everything before it is ASCII).
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t chunk = 0;
    std::memcpy(&chunk, text.data() + i, 8);
    if ((chunk & 0x8080808080808080ULL) != 0) return metrics::IsValidUtf8(text.substr(i));
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return metrics::IsValidUtf8(text.substr(i));
  }
  return true;
}

}  // namespace fleetgate::ingest
