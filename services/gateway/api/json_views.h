#pragma once
// JSON renderings of the fleet for the REST API (field names are part of the API contract in
// docs/api.md). Pure functions, thread-safe.

#include <nlohmann/json.hpp>

#include "health/instance.h"
#include "http/message.h"

namespace fleetgate::api {

nlohmann::json InstanceJson(const health::Instance& instance);
nlohmann::json CountsJson(const std::map<health::Status, size_t>& counts);
nlohmann::json ServiceSummaryJson(const health::ServiceSummary& summary);

// A history page: {"transitions": [...], "next_cursor": "..." or null on the last page}.
http::Response PageJson(nlohmann::json transitions, const std::string& next_cursor);

}  // namespace fleetgate::api
