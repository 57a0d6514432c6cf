#pragma once
// ChunkedDecoder: our own decoder of a request body sent with Transfer-Encoding: chunked
// (RFC 9112 §7.1), fed as bytes arrive. Bounded: the decoded body may hold at most max_body_bytes
// and a chunk-size line or trailer line at most kMaxLineBytes, so a crafted chunk size (say
// "fffffffffff") is refused before any memory is reserved for it; it never trusts a size beyond
// what is left of the budget. Chunk extensions are skipped, trailer fields dropped. One decoder
// per request; not synchronised.

#include <cstddef>
#include <string>
#include <string_view>

namespace fleetgate::http {

class ChunkedDecoder {
 public:
  static constexpr size_t kMaxLineBytes = 4096;
  static constexpr size_t kMaxTrailerBytes = 16384;

  enum class State { kNeedMore, kDone, kTooLarge, kMalformed };

  explicit ChunkedDecoder(size_t max_body_bytes) : max_body_bytes_(max_body_bytes) {}

  // Consumes `bytes` up to the end of the body; `consumed` says how many (bytes after them belong
  // to a next request). Once the state is no longer kNeedMore, further calls change nothing.
  State Feed(std::string_view bytes, size_t* consumed = nullptr);

  State state() const { return state_; }
  const std::string& body() const { return body_; }
  std::string TakeBody() { return std::move(body_); }
  // Why the body is malformed or too large.
  const std::string& error() const { return error_; }

 private:
  enum class Step { kSize, kData, kDataEnd, kTrailer };

  // Returns false when the line ended the body or was refused.
  bool TakeLine(std::string_view line);
  bool TakeSizeLine(std::string_view line);
  State Fail(State state, std::string why);

  const size_t max_body_bytes_;
  State state_ = State::kNeedMore;
  Step step_ = Step::kSize;
  std::string line_;       // the line being read (size line, CRLF after data, trailer)
  size_t chunk_left_ = 0;  // bytes of the current chunk still to come
  size_t trailer_bytes_ = 0;
  std::string body_;
  std::string error_;
};

}  // namespace fleetgate::http
