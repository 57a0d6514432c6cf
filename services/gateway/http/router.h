#pragma once
// Router: our own request dispatch. Pistache's Router::route indexes a per-method map without a
// lock (DESIGN.md), so we never use it. Routes are registered before serving (Handle is not
// thread-safe); Dispatch is const, lock-free and thread-safe after that.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"

namespace fleetgate::http {

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // pattern like "/api/v1/services/{service}/instances/{instance}"; literal segments win over
  // {param} segments; a {param} matches one non-empty segment. Method is an upper-case string.
  // Throws std::invalid_argument for a malformed pattern or method, a (method, pattern) pair
  // registered twice, or a pattern that differs from an existing one only in parameter names.
  void Handle(std::string method, std::string pattern, HandlerFn handler);

  // Unknown path -> 404 JSON error code "not_found"; known path, method not registered -> 405 JSON
  // error code "method_not_allowed" with an `Allow` header listing the methods; HEAD is served by
  // the GET handler with the body dropped; OPTIONS on a known path -> 204 with Allow.
  // A handler that throws -> 500 JSON "internal" (never crash). Also returns the matched pattern
  // (for metrics labels; "unmatched" when none). Fills request.path_params.
  Response Dispatch(Request& request, std::string* matched_pattern = nullptr) const;

  // Runs before the handler of every matched route (with the route's pattern); a response it
  // returns is sent instead (authorisation). Set before serving, like Handle.
  // It may note the request's credential.
  using Guard = std::function<std::optional<Response>(Request&, const std::string&)>;
  void SetGuard(Guard guard) { guard_ = std::move(guard); }

  // Runs after the handler of every matched route with its response (audit logs). Set before
  // serving, like Handle.
  using Observer = std::function<void(const Request&, const std::string& pattern, const Response&)>;
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

 private:
  struct Route;
  struct Node;

  const Route* Find(const Request& request, std::vector<std::string>* params) const;
  static const Route* Match(const Node& node, const std::vector<std::string>& segments, size_t i,
                            std::vector<std::string>* params);
  static Response Serve(const Route& route, const Request& request);

  std::unique_ptr<Node> root_;
  Guard guard_;
  Observer observer_;
};

}  // namespace fleetgate::http
