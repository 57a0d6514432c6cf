#pragma once
// DecodeArena: where an export is decoded. One export is thousands of small messages (a point,
// its attributes, their values); an arena hands them out without malloc and drops them all at
// once when the next export is decoded, instead of destroying them one by one. The arena's first
// block (256 KiB, a 1000-point export fits) is kept between exports; what a larger export needs
// beyond it (bounded by grpc.max_message_bytes of input) is freed at the next reset. One per
// thread (not thread-safe).

#include <google/protobuf/arena.h>

#include <memory>

#include "otlp/export_processor.h"

namespace fleetgate::otlp {

class DecodeArena {
 public:
  DecodeArena() : block_(new char[kKeptBytes]), arena_(Options(block_.get())) {}

  // A fresh, empty request to decode into; the one returned before (and all it held) is gone.
  ExportRequest* NewRequest() {
    arena_.Reset();
    return google::protobuf::Arena::CreateMessage<ExportRequest>(&arena_);
  }

 private:
  static constexpr size_t kKeptBytes = 256 * 1024;

  static google::protobuf::ArenaOptions Options(char* block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = kKeptBytes;
    options.max_block_size = kKeptBytes;
    return options;
  }

  std::unique_ptr<char[]> block_;  // declared first: outlives the arena that uses it
  google::protobuf::Arena arena_;
};

}  // namespace fleetgate::otlp
