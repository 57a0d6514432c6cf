// Alert rule JSON (POST /api/v1/rules bodies): parse, validate, and when valid, the canonical
// JSON must parse back to the same canonical JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alerts/rule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  auto rule = fleetgate::alerts::ParseRule(json);
  if (!rule.ok()) return 0;
  const nlohmann::json canonical = fleetgate::alerts::RuleToJson(rule.value());
  auto again = fleetgate::alerts::ParseRule(canonical);
  if (!again.ok() || fleetgate::alerts::RuleToJson(again.value()) != canonical) std::abort();
  return 0;
}
