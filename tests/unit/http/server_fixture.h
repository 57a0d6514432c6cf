#pragma once
// A running HttpServer on 127.0.0.1:0 with a few test routes, for the server tests.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "http/http_server.h"
#include "http/router.h"
#include "unit/http/test_client.h"

namespace fleetgate::http::testing {

// Deterministic text of `size` bytes that changes along its length (so truncation, reordering or
// duplication shows up when compared).
std::string PatternText(size_t size);

// Routes: GET /health; GET|POST /echo/{name}; GET|DELETE /items/{id}; GET /text/{size};
// GET /large (`large_body`); GET /pieces/{size} (PatternText(size) in growing pieces);
// GET /boom (throws).
std::shared_ptr<Router> TestRouter(const std::shared_ptr<const std::string>& large_body);

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {});
  void TearDown() override;
  uint16_t port() const { return server_->port(); }

  prometheus::Registry registry_;
  std::shared_ptr<const std::string> large_body_ = std::make_shared<std::string>();
  std::unique_ptr<HttpServer> server_;
};

}  // namespace fleetgate::http::testing
