#include "ui/ui_routes.h"

#include <string>

#include "ui/assets.h"

namespace fleetgate::ui {

const char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

namespace {

std::string ContentType(std::string_view name) {
  if (name.size() >= 5 && name.substr(name.size() - 5) == ".html")
    return "text/html; charset=utf-8";
  if (name.size() >= 3 && name.substr(name.size() - 3) == ".js") {
    return "text/javascript; charset=utf-8";
  }
  if (name.size() >= 4 && name.substr(name.size() - 4) == ".css") return "text/css; charset=utf-8";
  return "application/octet-stream";
}

http::Response Serve(const Asset& asset) {
  http::Response response;
  response.content_type = ContentType(asset.name);
  response.body = std::string(asset.bytes);
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  // The assets change only with the binary; revalidate on each load so an upgrade shows at once.
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

}  // namespace

void AddUiRoutes(http::Router& router) {
  for (const Asset& asset : Assets()) {
    std::string path = asset.name == "index.html" ? "/" : "/ui/" + std::string(asset.name);
    router.Handle("GET", path, [&asset](const http::Request&) { return Serve(asset); });
  }
}

}  // namespace fleetgate::ui
