#include "auth/http_guard.h"

#include "auth/audit.h"

namespace fleetgate::auth {
namespace {

bool IsRead(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace

bool IsOpenRoute(const std::string& pattern) {
  return pattern == "/health" || pattern == "/health/live" || pattern == "/health/ready";
}

bool IsReportRoute(const std::string& pattern) { return pattern == "/v1/metrics"; }

std::optional<http::Response> HttpGuard::Check(http::Request& request,
                                               const std::string& pattern) const {
  if (IsOpenRoute(pattern) || IsReportRoute(pattern)) return std::nullopt;
  const AuthPolicy& policy = authenticator_.policy();
  const bool read = IsRead(request.method);
  if (read ? !policy.reads : !policy.changes) return std::nullopt;
  auto identity = authenticator_.FromAuthorization(request.Header("authorization"));
  if (!identity.ok()) return Refuse(request, identity.error(), "-");
  const Role needed = read ? Role::kViewer : Role::kAdmin;
  if (!identity.value().Has(needed)) {
    return Refuse(
        request,
        PermissionDenied(std::string("this needs the ") + (read ? "viewer" : "admin") + " role",
                         reason::kRole),
        identity.value().name);
  }
  // The change itself is audited once it is made (see the gateway's audit observer).
  request.credential = identity.value().name;
  return std::nullopt;
}

http::Response HttpGuard::Refuse(const http::Request& request, const Error& error,
                                 const std::string& who) const {
  AuditRefusal(&metrics_,
               {"http", request.method + " " + request.path, request.peer, who, error.Reason()});
  return RefusalResponse(error);
}

http::Response RefusalResponse(const Error& error) {
  if (error.code == ErrorCode::kPermissionDenied) {
    return http::JsonError(403, "permission_denied", error.message);
  }
  http::Response response = http::JsonError(401, "unauthenticated", error.message);
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"fleetgate\"");
  response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"fleetgate\"");
  return response;
}

}  // namespace fleetgate::auth
