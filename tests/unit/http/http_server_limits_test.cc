// HttpServer against bad or hostile input: size limits, malformed requests, slow senders.
#include <gtest/gtest.h>

#include "unit/http/server_fixture.h"

namespace fleetgate::http::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string ErrorCode(const RawResponse& response) {
  return nlohmann::json::parse(response.body)["error"]["code"].get<std::string>();
}

class HttpServerLimitsTest : public HttpServerTest {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.max_request_bytes = 4096;
    options.header_timeout = milliseconds(300);
    options.body_timeout = milliseconds(600);
    StartServer(options);
  }

  // Sends `request`, expects one JSON error with `status`/`code`, then the server's close.
  void ExpectRejected(const std::string& request, int status, const std::string& code) {
    TestClient client(port());
    client.Send(request);
    auto response = client.ReadResponse(In(seconds(10)));
    ASSERT_TRUE(response) << request.substr(0, 60);
    EXPECT_EQ(response->status, status) << request.substr(0, 40) << " -> " << response->body;
    EXPECT_EQ(response->Header("content-type"), "application/json");
    EXPECT_EQ(ErrorCode(*response), code);
    EXPECT_EQ(response->Header("connection"), "close");
    EXPECT_TRUE(client.WaitForEof(In(seconds(10))));
  }

  void ExpectServerStillUp() {
    TestClient client(port());
    auto response = client.Roundtrip(MakeRequest("GET", "/health"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
  }
};

TEST_F(HttpServerLimitsTest, BodyOverLimitIs413JsonError) {
  ExpectRejected(MakeRequest("POST", "/echo/x", "", std::string(5000, 'a')), 413,
                 "payload_too_large");
  ExpectServerStillUp();
}

TEST_F(HttpServerLimitsTest, ChunkedBodyIsDecodedByOurOwnDecoder) {
  TestClient client(port());
  auto response =
      client.Roundtrip(MakeRequest("POST", "/echo/x", "Transfer-Encoding: chunked\r\n") +
                       "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: 1\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_NE(response->body.find("abcdefg"), std::string::npos) << response->body;
  // The connection stays usable for the next request.
  auto next = client.Roundtrip(MakeRequest("GET", "/health"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerLimitsTest, ChunkedBodyArrivingInPiecesIsDecoded) {
  TestClient client(port());
  ASSERT_TRUE(
      client.Send(MakeRequest("POST", "/echo/x", "Transfer-Encoding: chunked\r\n") + "5\r"));
  ASSERT_TRUE(client.Send("\nhel"));
  ASSERT_TRUE(client.Send("lo\r\n0\r\n\r\n"));
  auto response = client.ReadResponse(In(seconds(10)));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_NE(response->body.find("hello"), std::string::npos) << response->body;
}

TEST_F(HttpServerLimitsTest, CraftedOrOversizedChunksAreRefused) {
  std::string te = "Transfer-Encoding: chunked\r\n";
  ExpectRejected(MakeRequest("POST", "/echo/x", te) + "fffffffffff\r\nabc\r\n", 413,
                 "payload_too_large");
  ExpectRejected(MakeRequest("POST", "/echo/x", te) + "fff\r\n" + std::string(4095, 'a'), 413,
                 "payload_too_large");
  ExpectRejected(MakeRequest("POST", "/echo/x", te) + "zz\r\nabc\r\n", 400, "bad_request");
  ExpectRejected(MakeRequest("POST", "/echo/x", te) + "3\r\nabcdef\r\n", 400, "bad_request");
  ExpectRejected(MakeRequest("POST", "/echo/x", "Transfer-Encoding: gzip\r\n"), 501,
                 "not_implemented");
  ExpectRejected(MakeRequest("POST", "/echo/x", te + "Content-Length: 3\r\n") + "abc", 400,
                 "bad_request");
  ExpectServerStillUp();
}

TEST_F(HttpServerLimitsTest, HugeContentLengthIsRejectedBeforeTheBodyIsSent) {
  ExpectRejected(MakeRequest("POST", "/echo/x", "Content-Length: 99999999999\r\n"), 413,
                 "payload_too_large");
  ExpectRejected(MakeRequest("POST", "/echo/x", "Content-Length: 12abc\r\n"), 400, "bad_request");
}

TEST_F(HttpServerLimitsTest, ExpectContinueGetsContinueThenTheAnswer) {
  TestClient client(port());
  ASSERT_TRUE(
      client.Send(MakeRequest("POST", "/echo/x", "Expect: 100-continue\r\nContent-Length: 3\r\n")));
  auto interim = client.ReadResponse(In(seconds(10)));
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("abc"));
  auto response = client.ReadResponse(In(seconds(10)));
  ASSERT_TRUE(response);
  EXPECT_EQ(nlohmann::json::parse(response->body)["body"], "abc");
}

TEST_F(HttpServerLimitsTest, BodyJustUnderLimitIsAccepted) {
  TestClient client(port());
  auto response = client.Roundtrip(MakeRequest("POST", "/echo/x", "", std::string(3900, 'c')));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(HttpServerLimitsTest, OversizedHeaderBlockIs431) {
  ExpectRejected("GET /health HTTP/1.1\r\nX-Big: " + std::string(6000, 'h') + "\r\n\r\n", 431,
                 "headers_too_large");
}

TEST_F(HttpServerLimitsTest, MalformedRequestsGet400AndServerStaysUp) {
  ExpectRejected("GET /health HTTP/9.9\r\n\r\n", 400, "bad_request");
  ExpectRejected("GET /health HTTP/1.1x\r\n\r\n", 400, "bad_request");
  ExpectRejected("GET  HTTP/1.1\r\n\r\n", 400, "bad_request");
  ExpectRejected(std::string("\x01\x02\xff garbage \r\n\r\n"), 501, "not_implemented");
  ExpectRejected("get /health HTTP/1.1\r\n\r\n", 501, "not_implemented");
  ExpectServerStillUp();
}

TEST_F(HttpServerLimitsTest, GarbageRequestLineOrHeaderIsAnsweredAtOnceWith400Json) {
  ExpectRejected("GARBAGE\r\n\r\n", 400, "bad_request");
  ExpectRejected("GET /health HTTP/1.1\r\nHost: test\r\nno colon here\r\n\r\n", 400, "bad_request");
  // "At once": well before the (here 300 ms, by default 5 s) header timeout would answer 408.
  TestClient client(port());
  const auto start = std::chrono::steady_clock::now();
  client.Send("GET /health HTTP/1.1\r\nHeaderWithoutColon\r\n\r\n");
  auto response = client.ReadResponse(In(seconds(10)));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(300));
  ExpectServerStillUp();
}

TEST_F(HttpServerLimitsTest, HalfRequestLineIsDisconnectedAfterHeaderTimeout) {
  TestClient client(port());
  ASSERT_TRUE(client.Send("GET /health HT"));
  EXPECT_TRUE(client.WaitForEof(In(seconds(10))));
  ExpectServerStillUp();
}

TEST_F(HttpServerLimitsTest, SilentConnectionIsDisconnectedAfterHeaderTimeout) {
  TestClient client(port());
  EXPECT_TRUE(client.WaitForEof(In(seconds(10))));
}

TEST_F(HttpServerLimitsTest, StalledBodyIsDisconnectedAfterBodyTimeout) {
  TestClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/echo/x", "Content-Length: 100\r\n") + "abc"));
  EXPECT_TRUE(client.WaitForEof(In(seconds(10))));
}

TEST_F(HttpServerLimitsTest, SlowSenderOnKeptAliveConnectionStillGetsHeaderTimeout) {
  TestClient client(port());
  ASSERT_TRUE(client.Roundtrip(MakeRequest("GET", "/health")));
  ASSERT_TRUE(client.Send("GET /hea"));
  EXPECT_TRUE(client.WaitForEof(In(seconds(10))));
}

}  // namespace
}  // namespace fleetgate::http::testing
