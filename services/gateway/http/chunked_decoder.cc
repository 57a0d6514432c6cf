#include "http/chunked_decoder.h"

#include <algorithm>

#include "core/hex.h"

namespace fleetgate::http {

ChunkedDecoder::State ChunkedDecoder::Fail(State state, std::string why) {
  state_ = state;
  error_ = std::move(why);
  body_.clear();
  return state_;
}

ChunkedDecoder::State ChunkedDecoder::Feed(std::string_view bytes, size_t* consumed) {
  size_t i = 0;
  while (i < bytes.size() && state_ == State::kNeedMore) {
    if (step_ == Step::kData) {
      const size_t take = std::min(chunk_left_, bytes.size() - i);
      body_.append(bytes.data() + i, take);
      chunk_left_ -= take;
      i += take;
      if (chunk_left_ == 0) step_ = Step::kDataEnd;
      continue;
    }
    // A line: up to and including its LF.
    const size_t lf = bytes.find('\n', i);
    const size_t end = lf == std::string_view::npos ? bytes.size() : lf + 1;
    if (line_.size() + (end - i) > kMaxLineBytes) {
      Fail(State::kMalformed, "a chunk-size or trailer line is longer than " +
                                  std::to_string(kMaxLineBytes) + " bytes");
      break;
    }
    line_.append(bytes.data() + i, end - i);
    i = end;
    if (lf == std::string_view::npos) break;
    if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
      Fail(State::kMalformed, "a chunk line does not end in CRLF");
      break;
    }
    std::string line = std::move(line_);
    line_.clear();
    line.resize(line.size() - 2);
    TakeLine(line);
  }
  if (consumed != nullptr) *consumed = i;
  return state_;
}

bool ChunkedDecoder::TakeLine(std::string_view line) {
  switch (step_) {
    case Step::kSize:
      return TakeSizeLine(line);
    case Step::kDataEnd:
      if (!line.empty()) {
        Fail(State::kMalformed, "chunk data is longer than its size");
        return false;
      }
      step_ = Step::kSize;
      return true;
    case Step::kTrailer:
      if (line.empty()) {
        state_ = State::kDone;
        return false;
      }
      trailer_bytes_ += line.size() + 2;
      if (trailer_bytes_ > kMaxTrailerBytes) {
        Fail(State::kMalformed, "the trailer section is too long");
        return false;
      }
      return true;
    case Step::kData:
      return true;  // not reached: data is not read by lines
  }
  return true;
}

bool ChunkedDecoder::TakeSizeLine(std::string_view line) {
  const size_t budget = max_body_bytes_ - body_.size();
  size_t size = 0;
  size_t digits = 0;
  for (; digits < line.size(); ++digits) {
    const int value = HexValue(line[digits]);
    if (value < 0) break;
    // Refuse as soon as the size passes what is left of the budget: no overflow, no reserve.
    size = size * 16 + static_cast<size_t>(value);
    if (size > budget) {
      Fail(State::kTooLarge,
           "the chunked body exceeds " + std::to_string(max_body_bytes_) + " bytes");
      return false;
    }
  }
  const std::string_view rest = line.substr(digits);
  const bool extension_ok =
      rest.empty() || rest.front() == ';' || rest.front() == ' ' || rest.front() == '\t';
  if (digits == 0 || !extension_ok) {
    Fail(State::kMalformed, "malformed chunk size");
    return false;
  }
  chunk_left_ = size;
  step_ = size == 0 ? Step::kTrailer : Step::kData;
  return true;
}

}  // namespace fleetgate::http
