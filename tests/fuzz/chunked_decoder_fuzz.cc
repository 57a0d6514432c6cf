// The chunked body decoder over arbitrary bytes, fed whole and then split at every 7th byte: both
// must end in the same state and, when done, with the same body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/chunked_decoder.h"

using fleetgate::http::ChunkedDecoder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  constexpr size_t kMax = 4096;
  ChunkedDecoder whole(kMax);
  size_t consumed = 0;
  const ChunkedDecoder::State all = whole.Feed(bytes, &consumed);
  if (consumed > bytes.size()) std::abort();

  ChunkedDecoder split(kMax);
  ChunkedDecoder::State state = ChunkedDecoder::State::kNeedMore;
  for (size_t at = 0; at < bytes.size() && state == ChunkedDecoder::State::kNeedMore; at += 7) {
    state = split.Feed(bytes.substr(at, 7));
  }
  if (state != all) std::abort();
  if (all == ChunkedDecoder::State::kDone && whole.TakeBody() != split.TakeBody()) std::abort();
  return 0;
}
