#include "http/message.h"

namespace fleetgate::http {
namespace {

std::optional<std::string> Find(const std::map<std::string, std::string>& map,
                                const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<std::string> Request::Query(const std::string& name) const {
  return Find(query, name);
}

std::optional<std::string> Request::Header(const std::string& lower_name) const {
  return Find(headers, lower_name);
}

Response Json(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response JsonError(int status, std::string code, std::string message) {
  nlohmann::json error = {{"code", std::move(code)}, {"message", std::move(message)}};
  return Json(status, {{"error", std::move(error)}});
}

int HttpStatus(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kResourceExhausted:
      if (error.Reason() == "payload_too_large") return 413;
      if (error.Reason() == "headers_too_large") return 431;
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      break;
  }
  return 500;
}

Response ErrorResponse(const Error& error) {
  nlohmann::json body = {{"code", std::string(error.Reason())}, {"message", error.Describe()}};
  if (!error.field.empty()) {
    body["field"] = error.field;
    body["reason"] = error.message;
  }
  Response response = Json(HttpStatus(error), {{"error", std::move(body)}});
  if (response.status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace fleetgate::http
