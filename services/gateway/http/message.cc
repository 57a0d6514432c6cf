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

}  // namespace fleetgate::http
