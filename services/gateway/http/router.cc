#include "http/router.h"

#include <set>
#include <stdexcept>
#include <string_view>

#include "http/url_codec.h"

namespace fleetgate::http {

struct Router::Route {
  std::string pattern;
  std::vector<std::string> param_names;
  std::map<std::string, HandlerFn> handlers;  // by method
};

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::unique_ptr<Route> route;  // set when a pattern ends here
};

namespace {

bool IsUpperToken(std::string_view method) {
  if (method.empty()) return false;
  for (char c : method) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

bool IsParamName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// "{name}" -> "name"; a literal -> ""; throws for anything in between.
std::string ParamName(std::string_view segment, const std::string& pattern) {
  bool braced = !segment.empty() && segment.front() == '{' && segment.back() == '}';
  if (!braced) {
    if (segment.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("malformed segment in route pattern: " + pattern);
    }
    return "";
  }
  std::string_view name = segment.substr(1, segment.size() - 2);
  if (!IsParamName(name)) throw std::invalid_argument("bad parameter name in: " + pattern);
  return std::string(name);
}

std::string AllowHeader(const std::map<std::string, HandlerFn>& handlers) {
  std::set<std::string> methods{"OPTIONS"};
  for (const auto& [method, unused] : handlers) methods.insert(method);
  if (handlers.count("GET")) methods.insert("HEAD");
  std::string allow;
  for (const auto& method : methods) allow += (allow.empty() ? "" : ", ") + method;
  return allow;
}

Response Invoke(const HandlerFn& handler, const Request& request) {
  try {
    return handler(request);
  } catch (...) {
    return JsonError(500, "internal", "internal server error");
  }
}

// Segments to match: decoded from raw_path when present, else `path` as it is.
std::vector<std::string> Segments(const Request& request) {
  bool raw = !request.raw_path.empty();
  std::vector<std::string> segments;
  for (std::string_view segment : SplitPath(raw ? request.raw_path : request.path)) {
    segments.push_back(raw ? PercentDecode(segment) : std::string(segment));
  }
  return segments;
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::Handle(std::string method, std::string pattern, HandlerFn handler) {
  if (!IsUpperToken(method)) throw std::invalid_argument("bad HTTP method: " + method);
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  if (!handler) throw std::invalid_argument("empty handler for " + pattern);
  Node* node = root_.get();
  std::vector<std::string> names;
  for (std::string_view segment : SplitPath(pattern)) {
    std::string name = ParamName(segment, pattern);
    if (name.empty()) {
      auto& child = node->literals[std::string(segment)];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
      continue;
    }
    for (const auto& seen : names) {
      if (seen == name) throw std::invalid_argument("repeated parameter in: " + pattern);
    }
    names.push_back(std::move(name));
    if (!node->param) node->param = std::make_unique<Node>();
    node = node->param.get();
  }
  if (!node->route) node->route.reset(new Route{pattern, names, {}});
  if (node->route->param_names != names) {
    throw std::invalid_argument(pattern + " conflicts with " + node->route->pattern);
  }
  if (!node->route->handlers.emplace(std::move(method), std::move(handler)).second) {
    throw std::invalid_argument("route registered twice: " + pattern);
  }
}

// Depth-first; a literal child is tried before the parameter child, with backtracking. The depth
// is bounded by the longest registered pattern, whatever the request path.
const Router::Route* Router::Match(const Node& node, const std::vector<std::string>& segments,
                                   size_t i, std::vector<std::string>* params) {
  if (i == segments.size()) return node.route.get();
  auto literal = node.literals.find(segments[i]);
  if (literal != node.literals.end()) {
    if (const Route* route = Match(*literal->second, segments, i + 1, params)) return route;
  }
  if (!node.param || segments[i].empty()) return nullptr;
  params->push_back(segments[i]);
  if (const Route* route = Match(*node.param, segments, i + 1, params)) return route;
  params->pop_back();
  return nullptr;
}

const Router::Route* Router::Find(const Request& request, std::vector<std::string>* params) const {
  return Match(*root_, Segments(request), 0, params);
}

Response Router::Dispatch(Request& request, std::string* matched_pattern) const {
  std::vector<std::string> params;
  const Route* route = Find(request, &params);
  if (matched_pattern) *matched_pattern = route ? route->pattern : "unmatched";
  if (!route) return JsonError(404, "not_found", "no resource at this path");
  request.path_params.clear();
  for (size_t i = 0; i < params.size(); ++i) {
    request.path_params[route->param_names[i]] = std::move(params[i]);
  }
  if (guard_) {
    if (auto refused = guard_(request, route->pattern)) return *std::move(refused);
  }
  Response response = Serve(*route, request);
  if (observer_) observer_(request, route->pattern, response);
  return response;
}

Response Router::Serve(const Route& route, const Request& request) {
  auto handler = route.handlers.find(request.method);
  if (handler != route.handlers.end()) return Invoke(handler->second, request);
  auto get = route.handlers.find("GET");
  if (request.method == "HEAD" && get != route.handlers.end()) {
    Response response = Invoke(get->second, request);
    response.body.clear();
    return response;
  }
  if (request.method == "OPTIONS") {
    Response response;
    response.status = 204;
    response.content_type.clear();
    response.headers.emplace_back("Allow", AllowHeader(route.handlers));
    return response;
  }
  Response response =
      JsonError(405, "method_not_allowed", "method " + request.method + " is not allowed here");
  response.headers.emplace_back("Allow", AllowHeader(route.handlers));
  return response;
}

}  // namespace fleetgate::http
