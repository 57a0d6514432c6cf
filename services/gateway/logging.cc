#include "logging.h"

#include <grpc/support/log.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/log_fields.h"
#include "core/time_format.h"

namespace fleetgate {
namespace {

// The level as log.level spells it ("warn", not spdlog's "warning").
std::string LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default: {
      auto name = spdlog::level::to_string_view(level);
      return std::string(name.data(), name.size());
    }
  }
}

std::string TimeOf(const spdlog::details::log_msg& msg) {
  return FormatRfc3339(std::chrono::time_point_cast<TimePoint::duration>(msg.time));
}

void Append(const std::string& text, spdlog::memory_buf_t& dest) {
  dest.append(text.data(), text.data() + text.size());
}

// One JSON object per line: {"time","level","msg"} and each structured field as its own key
// (a field never replaces those three).
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::json line = {
        {"time", TimeOf(msg)},
        {"level", LevelName(msg.level)},
        {"msg", std::string(msg.payload.data(), msg.payload.size())},
    };
    if (const LogFieldList* fields = LogFields::Current()) {
      for (const auto& [key, value] : *fields) {
        if (!line.contains(key)) line[key] = value;
      }
    }
    Append(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", dest);
  }
  std::unique_ptr<formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// "<time> <level> <msg> key=value ...", values quoted when they hold blanks or quotes.
class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string level = LevelName(msg.level);
    level.resize(std::max<size_t>(level.size(), 5), ' ');
    std::string text = TimeOf(msg) + " " + level + " ";
    text.append(msg.payload.data(), msg.payload.size());
    if (const LogFieldList* fields = LogFields::Current()) {
      for (const auto& [key, value] : *fields) {
        const bool quote = value.empty() || value.find_first_of(" \t\"=") != std::string::npos;
        text += " " + key + "=" + (quote ? nlohmann::json(value).dump() : value);
      }
    }
    Append(text + "\n", dest);
  }
  std::unique_ptr<formatter> clone() const override { return std::make_unique<TextFormatter>(); }
};

// gRPC's own messages go through the same logger, so JSON logs stay one object per line.
void LogFromGrpc(gpr_log_func_args* args) {
  spdlog::level::level_enum level = spdlog::level::info;
  if (args->severity == GPR_LOG_SEVERITY_ERROR) level = spdlog::level::err;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) level = spdlog::level::debug;
  spdlog::log(level, "grpc: {}", args->message);
}

bool IsChange(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

void AuditChange(const http::Request& request, const std::string& pattern,
                 const http::Response& response) {
  if (!IsChange(request.method) || pattern.rfind("/api/", 0) != 0) return;
  if (response.status < 200 || response.status >= 300) return;
  const std::string what = request.method + " " + request.path;
  const std::string credential = request.credential.empty() ? "-" : request.credential;
  LogFieldList list{{"audit", "change"},
                    {"what", what},
                    {"credential", credential},
                    {"peer", request.peer},
                    {"status", std::to_string(response.status)}};
  // The route's subject as keys of their own: service, instance, and a rule's name as "rule".
  for (const auto& [name, value] : request.path_params) {
    list.emplace_back(name == "name" ? "rule" : name, value);
  }
  LogFields fields(std::move(list));
  spdlog::info("audit: {} by credential \"{}\" from {}", what, credential, request.peer);
}

void ConfigureLogging(const std::string& level, const std::string& format) {
  auto logger = std::make_shared<spdlog::logger>("fleetgate",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_formatter(std::make_unique<TextFormatter>());
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  gpr_set_log_function(LogFromGrpc);
}

}  // namespace fleetgate
