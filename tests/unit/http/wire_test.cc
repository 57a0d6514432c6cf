#include <gtest/gtest.h>

#include "http/message.h"
#include "http/request_head.h"
#include "http/response_wire.h"

namespace fleetgate::http {
namespace {

TEST(ParseRequestHeadTest, ParsesRequestLineAndLowerCasedHeaders) {
  auto head = ParseRequestHead(
      "GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\nX-Thing:  v1 \r\nx-thing: v2\r\n\r\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->method, "GET");
  EXPECT_EQ(head->target, "/a%20b?x=1");
  EXPECT_EQ(head->version, "HTTP/1.1");
  EXPECT_EQ(head->headers.at("host"), "h");
  EXPECT_EQ(head->headers.at("x-thing"), "v1, v2");
  EXPECT_EQ(head->headers.size(), 2u);
}

TEST(ParseRequestHeadTest, RejectsMalformedRequestLine) {
  EXPECT_FALSE(ParseRequestHead("GET\r\n\r\n"));
  EXPECT_FALSE(ParseRequestHead("GET /x\r\n\r\n"));
  EXPECT_FALSE(ParseRequestHead("GET /x FTP/1\r\n\r\n"));
  EXPECT_FALSE(ParseRequestHead(""));
}

TEST(ParseRequestHeadTest, RejectsHeaderLineWithoutColon) {
  EXPECT_FALSE(ParseRequestHead("GET /x HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n"));
  EXPECT_FALSE(ParseRequestHead("GET /x HTTP/1.1\r\nBad Name: a\r\n\r\n"));
}

TEST(RequestHeadTest, KeepAliveFollowsVersionAndConnectionHeader) {
  RequestHead head;
  head.version = "HTTP/1.1";
  EXPECT_TRUE(WantsKeepAlive(head));
  head.headers["connection"] = "Keep-Alive, Close";
  EXPECT_FALSE(WantsKeepAlive(head));
  head.version = "HTTP/1.0";
  head.headers.clear();
  EXPECT_FALSE(WantsKeepAlive(head));
  head.headers["connection"] = "keep-alive";
  EXPECT_TRUE(WantsKeepAlive(head));
}

TEST(RequestHeadTest, ContentLengthIsValidated) {
  RequestHead head;
  EXPECT_FALSE(ContentLength(head));
  head.headers["content-length"] = "42";
  EXPECT_EQ(ContentLength(head), 42);
  for (const char* bad : {"-1", "4 2", "", "1e3", "5, 5", "99999999999999999999"}) {
    head.headers["content-length"] = bad;
    EXPECT_EQ(ContentLength(head), -1) << bad;
  }
}

TEST(RequestHeadTest, MethodHelpers) {
  EXPECT_EQ(MethodToken("PATCH /x HT"), "PATCH");
  EXPECT_EQ(MethodToken("PAT"), "");
  EXPECT_TRUE(IsKnownMethod("DELETE"));
  EXPECT_FALSE(IsKnownMethod("get"));
  EXPECT_EQ(MethodLabel("FOO"), "other");
  EXPECT_EQ(MethodLabel("OPTIONS"), "OPTIONS");
}

TEST(SerializeResponseTest, WritesStatusHeadersLengthAndBody) {
  Response response = Json(201, {{"ok", true}});
  response.headers.emplace_back("X-Id", "7");
  EXPECT_EQ(SerializeResponse(response, {}),
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Id: 7\r\n"
            "Content-Length: 11\r\n\r\n{\"ok\":true}");
}

TEST(SerializeResponseTest, HeadOnlyOmitsBodyAndLengthAndCloseIsAnnounced) {
  Response response{200, "text/plain", "", {}};
  WireOptions options;
  options.head_only = true;
  options.keep_alive = false;
  EXPECT_EQ(SerializeResponse(response, options),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
}

TEST(SerializeResponseTest, NoContentHasNoBodyOrLength) {
  Response response{204, "application/json", "ignored", {{"Allow", "GET"}}};
  EXPECT_EQ(SerializeResponse(response, {}), "HTTP/1.1 204 No Content\r\nAllow: GET\r\n\r\n");
}

TEST(SerializeResponseTest, StripsLineBreaksAndDropsFramingHeadersFromHandlers) {
  Response response{200, "", "x", {{"X-Evil", "a\r\nSet-Cookie: b"}, {"content-length", "99"}}};
  EXPECT_EQ(SerializeResponse(response, {}),
            "HTTP/1.1 200 OK\r\nX-Evil: aSet-Cookie: b\r\nContent-Length: 1\r\n\r\nx");
}

TEST(SerializeResponseTest, OutOfRangeStatusBecomes500) {
  Response response{42, "", "", {}};
  EXPECT_EQ(SerializeResponse(response, {}).rfind("HTTP/1.1 500 ", 0), 0u);
}

TEST(JsonTest, JsonErrorHasCodeAndMessage) {
  Response response = JsonError(404, "not_found", "nothing");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"error":{"code":"not_found","message":"nothing"}})");
}

TEST(JsonTest, InvalidUtf8IsReplacedNotThrown) {
  Response response = JsonError(400, "bad_request", "bad \xff byte");
  EXPECT_NE(response.body.find("bad \xEF\xBF\xBD byte"), std::string::npos);
}

TEST(RequestTest, QueryAndHeaderHelpers) {
  Request request;
  request.query["limit"] = "5";
  request.headers["accept"] = "text/plain";
  EXPECT_EQ(request.Query("limit"), "5");
  EXPECT_FALSE(request.Query("cursor"));
  EXPECT_EQ(request.Header("accept"), "text/plain");
  EXPECT_FALSE(request.Header("Accept"));
}

}  // namespace
}  // namespace fleetgate::http
