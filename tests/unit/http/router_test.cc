#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace fleetgate::http {
namespace {

Request MakeRequest(std::string method, std::string path) {
  Request request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

std::string ErrorCode(const Response& response) {
  return nlohmann::json::parse(response.body)["error"]["code"].get<std::string>();
}

std::string Header(const Response& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Echo("GET", "/api/v1/services");
    Echo("GET", "/api/v1/services/{service}");
    Echo("GET", "/api/v1/services/{service}/instances/{instance}");
    Echo("DELETE", "/api/v1/services/{service}/instances/{instance}");
    Echo("GET", "/api/v1/rules/export");
    Echo("GET", "/api/v1/rules/{name}");
    Echo("PUT", "/api/v1/rules/{name}");
    Echo("GET", "/a/literal/x");
    Echo("GET", "/a/{p}/y");
    router_.Handle("GET", "/boom",
                   [](const Request&) -> Response { throw std::runtime_error("handler bug"); });
  }

  // Answers with the pattern and the parameters it saw.
  void Echo(const std::string& method, const std::string& pattern) {
    router_.Handle(method, pattern, [pattern](const Request& request) {
      nlohmann::json params = request.path_params;
      return Json(200, {{"pattern", pattern}, {"params", params}, {"method", request.method}});
    });
  }

  Response Dispatch(const std::string& method, const std::string& path,
                    std::string* pattern = nullptr) {
    Request request = MakeRequest(method, path);
    return router_.Dispatch(request, pattern);
  }

  Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoute) {
  std::string pattern;
  Response response = Dispatch("GET", "/api/v1/services", &pattern);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(pattern, "/api/v1/services");
  EXPECT_EQ(response.content_type, "application/json");
}

TEST_F(RouterTest, ExtractsPathParameters) {
  Response response = Dispatch("GET", "/api/v1/services/payments/instances/pod-7");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["pattern"], "/api/v1/services/{service}/instances/{instance}");
  EXPECT_EQ(body["params"]["service"], "payments");
  EXPECT_EQ(body["params"]["instance"], "pod-7");
}

TEST_F(RouterTest, LiteralSegmentWinsOverParameter) {
  auto body = nlohmann::json::parse(Dispatch("GET", "/api/v1/rules/export").body);
  EXPECT_EQ(body["pattern"], "/api/v1/rules/export");
  body = nlohmann::json::parse(Dispatch("GET", "/api/v1/rules/high-latency").body);
  EXPECT_EQ(body["pattern"], "/api/v1/rules/{name}");
  EXPECT_EQ(body["params"]["name"], "high-latency");
}

TEST_F(RouterTest, BacktracksToParameterWhenLiteralBranchFails) {
  auto body = nlohmann::json::parse(Dispatch("GET", "/a/literal/y").body);
  EXPECT_EQ(body["pattern"], "/a/{p}/y");
  EXPECT_EQ(body["params"]["p"], "literal");
}

TEST_F(RouterTest, UnknownPathIs404NotFound) {
  std::string pattern;
  Response response = Dispatch("GET", "/nope", &pattern);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
  EXPECT_EQ(pattern, "unmatched");
}

TEST_F(RouterTest, ParameterNeedsANonEmptySegment) {
  EXPECT_EQ(Dispatch("GET", "/api/v1/services/").status, 404);
  EXPECT_EQ(Dispatch("GET", "/api/v1/services//instances/x").status, 404);
  EXPECT_EQ(Dispatch("GET", "/api/v1/services/a/b").status, 404);
}

TEST_F(RouterTest, WrongMethodIs405WithAllowHeader) {
  std::string pattern;
  Response response = Dispatch("POST", "/api/v1/services/a/instances/b", &pattern);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(ErrorCode(response), "method_not_allowed");
  EXPECT_EQ(Header(response, "Allow"), "DELETE, GET, HEAD, OPTIONS");
  EXPECT_EQ(pattern, "/api/v1/services/{service}/instances/{instance}");
}

TEST_F(RouterTest, UnknownMethodTokenIs405) {
  EXPECT_EQ(Dispatch("FOO", "/api/v1/services").status, 405);
}

TEST_F(RouterTest, HeadIsServedByGetWithoutBody) {
  Response response = Dispatch("HEAD", "/api/v1/services/x");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(response.content_type, "application/json");
}

TEST_F(RouterTest, OptionsOnKnownPathIs204WithAllow) {
  Response response = Dispatch("OPTIONS", "/api/v1/rules/r1");
  EXPECT_EQ(response.status, 204);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(Header(response, "Allow"), "GET, HEAD, OPTIONS, PUT");
  EXPECT_EQ(Dispatch("OPTIONS", "/unknown").status, 404);
}

TEST_F(RouterTest, ThrowingHandlerIs500Internal) {
  Response response = Dispatch("GET", "/boom");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(ErrorCode(response), "internal");
}

TEST_F(RouterTest, DecodesRawPathSegmentsSoEncodedSlashStaysInParameter) {
  Request request = MakeRequest("GET", "/api/v1/services/a/b");
  request.raw_path = "/api/v1/services/a%2Fb";
  Response response = router_.Dispatch(request);
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(request.path_params.at("service"), "a/b");
}

TEST_F(RouterTest, MatchesLiteralsAgainstDecodedSegments) {
  Request request = MakeRequest("GET", "/api/v1/rules/export");
  request.raw_path = "/api/v1/rules/%65xport";
  auto body = nlohmann::json::parse(router_.Dispatch(request).body);
  EXPECT_EQ(body["pattern"], "/api/v1/rules/export");
}

TEST(RouterRegistrationTest, RejectsMalformedPatternsAndDuplicates) {
  Router router;
  auto ok = [](const Request&) { return Response{}; };
  EXPECT_THROW(router.Handle("GET", "no-slash", ok), std::invalid_argument);
  EXPECT_THROW(router.Handle("GET", "/a/{", ok), std::invalid_argument);
  EXPECT_THROW(router.Handle("GET", "/a/{}", ok), std::invalid_argument);
  EXPECT_THROW(router.Handle("GET", "/a/x{y}", ok), std::invalid_argument);
  EXPECT_THROW(router.Handle("GET", "/a/{x}/{x}", ok), std::invalid_argument);
  EXPECT_THROW(router.Handle("get", "/a", ok), std::invalid_argument);
  EXPECT_THROW(router.Handle("GET", "/a", nullptr), std::invalid_argument);
  router.Handle("GET", "/a/{x}", ok);
  EXPECT_THROW(router.Handle("GET", "/a/{x}", ok), std::invalid_argument);
  EXPECT_THROW(router.Handle("PUT", "/a/{y}", ok), std::invalid_argument);
  EXPECT_NO_THROW(router.Handle("PUT", "/a/{x}", ok));
}

}  // namespace
}  // namespace fleetgate::http
