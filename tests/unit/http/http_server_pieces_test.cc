// Responses produced in pieces (a streamed /metrics): chunked framing, gzip as the pieces come,
// HTTP/1.0 and HEAD, keep-alive after the last chunk, and a slow reader that holds one piece.
#include <gtest/gtest.h>

#include <string>

#include "unit/http/server_fixture.h"

namespace fleetgate::http::testing {
namespace {

using std::chrono::seconds;

TEST_F(HttpServerTest, PiecesGoOutChunkedInOrderAndTheConnectionStaysUsable) {
  StartServer();
  TestClient client(port());
  for (size_t size : {0u, 1u, 5000u, 300'000u}) {
    auto response = client.Roundtrip(MakeRequest("GET", "/pieces/" + std::to_string(size)));
    ASSERT_TRUE(response) << size;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->Header("transfer-encoding"), "chunked");
    EXPECT_FALSE(response->Header("content-length"));
    EXPECT_FALSE(response->Header("content-encoding"));
    EXPECT_EQ(response->Header("vary"), "Accept-Encoding");
    EXPECT_EQ(response->body, PatternText(size)) << size;
  }
  EXPECT_GT(client.chunks(), 100u);  // pieces, not one body
  auto after = client.Roundtrip(MakeRequest("GET", "/health"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(HttpServerTest, PiecesAreGzippedAsTheyComeWhenAccepted) {
  StartServer();
  TestClient client(port());
  for (size_t size : {0u, 10u, 300'000u}) {
    auto response = client.Roundtrip(
        MakeRequest("GET", "/pieces/" + std::to_string(size), "Accept-Encoding: gzip\r\n"));
    ASSERT_TRUE(response) << size;
    EXPECT_EQ(response->Header("content-encoding"), "gzip");
    EXPECT_EQ(Gunzip(response->body), PatternText(size)) << size;
  }
}

TEST_F(HttpServerTest, PiecesToHttp10EndWithTheConnectionAndHeadGetsNoBody) {
  StartServer();
  TestClient old(port());
  auto response = old.Roundtrip("GET /pieces/20000 HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->Header("transfer-encoding"));
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_EQ(response->body, PatternText(20000));

  TestClient client(port());
  auto head = client.Roundtrip(MakeRequest("HEAD", "/pieces/20000"));
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  auto next = client.Roundtrip(MakeRequest("GET", "/pieces/7"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, PatternText(7));
}

// The writer thread holds the rest of a produced response for a reader with a tiny buffer; the
// others are served meanwhile and the slow reader still gets every byte.
TEST_F(HttpServerTest, SlowReaderOfPiecesDoesNotBlockOthersAndGetsEveryByte) {
  ServerOptions options;
  options.threads = 1;
  StartServer(options);
  TestClient slow(port(), /*rcvbuf=*/16'384);
  ASSERT_TRUE(slow.Send(MakeRequest("GET", "/pieces/3000000")));
  ASSERT_FALSE(slow.ReadSome(1000, In(seconds(10))).empty());
  TestClient other(port());
  for (int i = 0; i < 5; ++i) {
    auto response = other.Roundtrip(MakeRequest("GET", "/health"), seconds(5));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
  }
  TestClient again(port(), /*rcvbuf=*/16'384);
  auto whole = again.Roundtrip(MakeRequest("GET", "/pieces/3000000"), seconds(60));
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->body, PatternText(3'000'000));
}

}  // namespace
}  // namespace fleetgate::http::testing
