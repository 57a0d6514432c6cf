#include "unit/http/server_fixture.h"

#include <stdexcept>

namespace fleetgate::http::testing {

std::string PatternText(size_t size) {
  std::string text;
  text.reserve(size + 64);
  for (size_t line = 0; text.size() < size; ++line) {
    text += "fleetgate_test_series{instance=\"i" + std::to_string(line % 1000) + "\",n=\"" +
            std::to_string(line) + "\"} " + std::to_string(line * 7) + "\n";
  }
  text.resize(size);
  return text;
}

std::shared_ptr<Router> TestRouter(const std::shared_ptr<const std::string>& large_body) {
  auto router = std::make_shared<Router>();
  router->Handle("GET", "/health", [](const Request&) { return Json(200, {{"status", "ok"}}); });
  auto echo = [](const Request& request) {
    nlohmann::json query = request.query;
    return Json(200, {{"name", request.path_params.at("name")},
                      {"method", request.method},
                      {"path", request.path},
                      {"query", query},
                      {"header", request.Header("x-test").value_or("")},
                      {"body", request.body}});
  };
  router->Handle("GET", "/echo/{name}", echo);
  router->Handle("POST", "/echo/{name}", echo);
  router->Handle("GET", "/items/{id}", [](const Request&) { return Json(200, {{"item", 1}}); });
  router->Handle("DELETE", "/items/{id}", [](const Request&) { return Response{204, "", "", {}}; });
  router->Handle("GET", "/text/{size}", [](const Request& request) {
    return Response{200, "text/plain", PatternText(std::stoul(request.path_params.at("size"))), {}};
  });
  router->Handle("GET", "/large", [large_body](const Request&) {
    return Response{200, "text/plain; version=0.0.4", *large_body, {}};
  });
  // PatternText(size) produced in pieces of 1, 2, 3, ... bytes (an empty one among them).
  router->Handle("GET", "/pieces/{size}", [](const Request& request) {
    auto text =
        std::make_shared<std::string>(PatternText(std::stoul(request.path_params.at("size"))));
    auto offset = std::make_shared<size_t>(0);
    auto piece = std::make_shared<size_t>(0);
    Response response{200, "text/plain", "ignored", {}};
    response.pieces = [text, offset, piece](std::string& out) {
      const size_t size = std::min((*piece)++, text->size() - *offset);
      out.append(*text, *offset, size);
      *offset += size;
      return *offset < text->size();
    };
    return response;
  });
  router->Handle("GET", "/boom",
                 [](const Request&) -> Response { throw std::runtime_error("handler bug"); });
  return router;
}

void HttpServerTest::StartServer(ServerOptions options) {
  options.address = "127.0.0.1:0";
  server_ = std::make_unique<HttpServer>(options, TestRouter(large_body_), &registry_);
  server_->Start();
  ASSERT_NE(server_->port(), 0);
}

void HttpServerTest::TearDown() {
  if (server_) server_->Shutdown();
}

}  // namespace fleetgate::http::testing
