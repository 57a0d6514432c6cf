// HttpServer over real sockets: routing, JSON errors, keep-alive, gzip, self-metrics, start-up.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <stdexcept>

#include "unit/http/server_fixture.h"

namespace fleetgate::http::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string ErrorCode(const RawResponse& response) {
  return nlohmann::json::parse(response.body)["error"]["code"].get<std::string>();
}

TEST_F(HttpServerTest, ServesJsonWithDecodedPathQueryAndHeaders) {
  StartServer();
  TestClient client(port());
  auto response =
      client.Roundtrip(MakeRequest("GET", "/echo/a%20b?x=1&x=2&y=%2F&z=p+q", "X-Test: hello\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-type"), "application/json");
  auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["name"], "a b");
  EXPECT_EQ(body["path"], "/echo/a b");
  EXPECT_EQ(body["query"]["x"], "2");
  EXPECT_EQ(body["query"]["y"], "/");
  EXPECT_EQ(body["query"]["z"], "p q");
  EXPECT_EQ(body["header"], "hello");
}

TEST_F(HttpServerTest, PostBodyReachesHandler) {
  StartServer();
  TestClient client(port());
  auto response = client.Roundtrip(MakeRequest("POST", "/echo/x", "", R"({"k":"v"})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(nlohmann::json::parse(response->body)["body"], R"({"k":"v"})");
}

TEST_F(HttpServerTest, UnknownRouteIs404JsonError) {
  StartServer();
  TestClient client(port());
  auto response = client.Roundtrip(MakeRequest("GET", "/nope"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->Header("content-type"), "application/json");
  EXPECT_EQ(ErrorCode(*response), "not_found");
}

TEST_F(HttpServerTest, WrongMethodIs405JsonErrorWithAllow) {
  StartServer();
  TestClient client(port());
  auto response = client.Roundtrip(MakeRequest("PATCH", "/items/3"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(ErrorCode(*response), "method_not_allowed");
  EXPECT_EQ(response->Header("allow"), "DELETE, GET, HEAD, OPTIONS");
}

TEST_F(HttpServerTest, UnknownMethodIs501JsonErrorAndCloses) {
  StartServer();
  TestClient client(port());
  auto response = client.Roundtrip(MakeRequest("FOO", "/health"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 501);
  EXPECT_EQ(ErrorCode(*response), "not_implemented");
  EXPECT_TRUE(client.WaitForEof(In(seconds(10))));
}

TEST_F(HttpServerTest, HeadAndOptionsAndNoContentKeepTheConnectionUsable) {
  StartServer();
  TestClient client(port());
  auto head = client.Roundtrip(MakeRequest("HEAD", "/health"));
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  auto options = client.Roundtrip(MakeRequest("OPTIONS", "/items/1"));
  ASSERT_TRUE(options);
  EXPECT_EQ(options->status, 204);
  EXPECT_EQ(options->Header("allow"), "DELETE, GET, HEAD, OPTIONS");
  auto deleted = client.Roundtrip(MakeRequest("DELETE", "/items/1"));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  auto get = client.Roundtrip(MakeRequest("GET", "/health"));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, R"({"status":"ok"})");
}

TEST_F(HttpServerTest, ThrowingHandlerIs500AndServerStaysUp) {
  StartServer();
  TestClient client(port());
  auto response = client.Roundtrip(MakeRequest("GET", "/boom"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(ErrorCode(*response), "internal");
  EXPECT_EQ(client.Roundtrip(MakeRequest("GET", "/health"))->status, 200);
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10AreHonoured) {
  StartServer();
  TestClient closing(port());
  auto response = closing.Roundtrip(MakeRequest("GET", "/health", "Connection: close\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(closing.WaitForEof(In(seconds(10))));
  TestClient old(port());
  ASSERT_TRUE(old.Send("GET /health HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(old.ReadResponse(In(seconds(10)))->status, 200);
  EXPECT_TRUE(old.WaitForEof(In(seconds(10))));
}

TEST_F(HttpServerTest, PipelinedSecondRequestIsRefusedInOrderWithAClearStatusThenClosed) {
  StartServer();
  TestClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/health") + MakeRequest("GET", "/health")));
  auto first = client.ReadResponse(In(seconds(10)));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  auto second = client.ReadResponse(In(seconds(10)));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 503);
  EXPECT_NE(second->body.find("\"pipelining_unsupported\""), std::string::npos) << second->body;
  EXPECT_EQ(second->Header("connection"), "close");
  EXPECT_TRUE(client.WaitForEof(In(seconds(10))));
}

TEST_F(HttpServerTest, GzipsLargeBodiesWhenAccepted) {
  ServerOptions options;
  options.gzip_min_bytes = 1000;
  StartServer(options);
  TestClient client(port());
  auto response = client.Roundtrip(MakeRequest("GET", "/text/50000", "Accept-Encoding: gzip\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("content-encoding"), "gzip");
  EXPECT_EQ(response->Header("vary"), "Accept-Encoding");
  EXPECT_LT(response->body.size(), 50000u / 3);
  EXPECT_EQ(Gunzip(response->body), PatternText(50000));
}

TEST_F(HttpServerTest, DoesNotGzipWhenNotAcceptedOrSmall) {
  ServerOptions options;
  options.gzip_min_bytes = 1000;
  StartServer(options);
  TestClient client(port());
  for (const char* accept :
       {"", "Accept-Encoding: identity\r\n", "Accept-Encoding: gzip;q=0\r\n"}) {
    auto response = client.Roundtrip(MakeRequest("GET", "/text/50000", accept));
    ASSERT_TRUE(response);
    EXPECT_FALSE(response->Header("content-encoding")) << accept;
    EXPECT_EQ(response->Header("vary"), "Accept-Encoding");
    EXPECT_EQ(response->body, PatternText(50000));
  }
  auto small = client.Roundtrip(MakeRequest("GET", "/text/999", "Accept-Encoding: gzip\r\n"));
  ASSERT_TRUE(small);
  EXPECT_FALSE(small->Header("content-encoding"));
  EXPECT_EQ(small->body, PatternText(999));
}

TEST_F(HttpServerTest, CountsRequestsByPatternMethodAndCode) {
  StartServer();
  TestClient client(port());
  client.Roundtrip(MakeRequest("GET", "/items/1"));
  client.Roundtrip(MakeRequest("GET", "/items/2"));
  client.Roundtrip(MakeRequest("GET", "/missing"));
  TestClient odd(port());
  odd.Roundtrip(MakeRequest("FOO", "/items/1"));
  std::string text = prometheus::TextSerializer().Serialize(registry_.Collect());
  auto has = [&text](const std::string& line) { return text.find(line) != std::string::npos; };
  EXPECT_TRUE(has("# HELP fleetgate_http_requests_total "));
  EXPECT_TRUE(has("# HELP fleetgate_http_request_duration_seconds "));
  EXPECT_TRUE(has(R"(_requests_total{code="200",handler="/items/{id}",method="GET"} 2)")) << text;
  EXPECT_TRUE(has(R"(_requests_total{code="404",handler="unmatched",method="GET"} 1)"));
  EXPECT_TRUE(has(R"(_requests_total{code="501",handler="unmatched",method="other"} 1)"));
  EXPECT_TRUE(has(R"(_request_duration_seconds_count{handler="/items/{id}"} 2)"));
}

TEST(HttpServerStartTest, RejectsBadAddressesWithClearErrors) {
  for (const char* address : {"nonsense", "127.0.0.1:99999", "127.0.0.1:", "127.0.0.1:8x"}) {
    ServerOptions options;
    options.address = address;
    HttpServer server(options, std::make_shared<Router>(), nullptr);
    try {
      server.Start();
      ADD_FAILURE() << address << " was accepted";
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find(address), std::string::npos) << error.what();
    }
  }
}

TEST(HttpServerStartTest, ThrowsWhenPortIsTaken) {
  ServerOptions options;
  options.address = "127.0.0.1:0";
  HttpServer first(options, std::make_shared<Router>(), nullptr);
  first.Start();
  options.address = "127.0.0.1:" + std::to_string(first.port());
  HttpServer second(options, std::make_shared<Router>(), nullptr);
  EXPECT_THROW(second.Start(), std::runtime_error);
  first.Shutdown();
  first.Shutdown();  // idempotent
  EXPECT_FALSE(TestClient(first.port()).connected());
}

}  // namespace
}  // namespace fleetgate::http::testing
