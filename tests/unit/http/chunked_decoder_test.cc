#include "http/chunked_decoder.h"

#include <gtest/gtest.h>

namespace fleetgate::http {
namespace {

using State = ChunkedDecoder::State;

TEST(ChunkedDecoderTest, DecodesChunksExtensionsAndTrailers) {
  ChunkedDecoder decoder(100);
  EXPECT_EQ(decoder.Feed("3\r\nabc\r\nA;name=value\r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n"),
            State::kDone);
  EXPECT_EQ(decoder.body(), "abc0123456789");
}

TEST(ChunkedDecoderTest, DecodesABodyFedOneByteAtATime) {
  const std::string wire = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  ChunkedDecoder decoder(100);
  for (size_t i = 0; i < wire.size(); ++i) {
    EXPECT_EQ(decoder.Feed(wire.substr(i, 1)),
              i + 1 < wire.size() ? State::kNeedMore : State::kDone);
  }
  EXPECT_EQ(decoder.body(), "hello world");
}

TEST(ChunkedDecoderTest, SaysWhereTheBodyEndsWhenAnotherRequestFollows) {
  ChunkedDecoder decoder(100);
  size_t consumed = 0;
  EXPECT_EQ(decoder.Feed("1\r\na\r\n0\r\n\r\nGET / HTTP/1.1\r\n", &consumed), State::kDone);
  EXPECT_EQ(consumed, 11u);  // "1\r\na\r\n0\r\n\r\n"
}

TEST(ChunkedDecoderTest, RefusesAHugeChunkSizeBeforeReadingIt) {
  ChunkedDecoder decoder(1024);
  EXPECT_EQ(decoder.Feed("fffffffffff\r\n"), State::kTooLarge);
  EXPECT_TRUE(decoder.body().empty());
  ChunkedDecoder overflow(1024);
  EXPECT_EQ(overflow.Feed("ffffffffffffffffffffffffffffffff\r\n"), State::kTooLarge);
}

TEST(ChunkedDecoderTest, CountsEveryChunkAgainstTheLimit) {
  ChunkedDecoder decoder(10);
  EXPECT_EQ(decoder.Feed("6\r\nabcdef\r\n"), State::kNeedMore);
  EXPECT_EQ(decoder.Feed("5\r\n"), State::kTooLarge);
}

TEST(ChunkedDecoderTest, RefusesMalformedFraming) {
  EXPECT_EQ(ChunkedDecoder(100).Feed("x\r\n"), State::kMalformed);
  EXPECT_EQ(ChunkedDecoder(100).Feed("\r\n"), State::kMalformed);
  EXPECT_EQ(ChunkedDecoder(100).Feed("3\nabc"), State::kMalformed);
  EXPECT_EQ(ChunkedDecoder(100).Feed("3\r\nabcd\r\n"), State::kMalformed);
  EXPECT_EQ(ChunkedDecoder(100).Feed("3 \r\nabc\r\n0\r\n\r\n"), State::kDone);
}

TEST(ChunkedDecoderTest, BoundsLineAndTrailerLengths) {
  EXPECT_EQ(ChunkedDecoder(100).Feed("1;" + std::string(5000, 'x')), State::kMalformed);
  ChunkedDecoder decoder(100);
  decoder.Feed("0\r\n");
  State state = State::kNeedMore;
  for (int i = 0; i < 5000 && state == State::kNeedMore; ++i) state = decoder.Feed("X-A: b\r\n");
  EXPECT_EQ(state, State::kMalformed);
}

}  // namespace
}  // namespace fleetgate::http
