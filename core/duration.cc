#include "core/duration.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <limits>

namespace fleetgate {
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};

// Longest names first so "ms" is not read as "m" followed by "s".
constexpr std::array<Unit, 7> kUnits{{{"y", 365LL * 24 * 3600 * 1000},
                                      {"w", 7LL * 24 * 3600 * 1000},
                                      {"d", 24LL * 3600 * 1000},
                                      {"h", 3600LL * 1000},
                                      {"ms", 1},
                                      {"m", 60LL * 1000},
                                      {"s", 1000}}};

// Descending order of magnitude, used to enforce "1h30m" and refuse "30m1h".
int Rank(std::string_view unit) {
  constexpr std::array<std::string_view, 7> order{"y", "w", "d", "h", "m", "s", "ms"};
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] == unit) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view s) {
  if (s == "0") return std::chrono::milliseconds(0);
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  int last_rank = -1;
  size_t pos = 0;
  while (pos < s.size()) {
    int64_t number = 0;
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (number > std::numeric_limits<int64_t>::max() / 10) return std::nullopt;
      number = number * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (s.substr(pos, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    pos += unit->name.size();
    int rank = Rank(unit->name);
    if (rank <= last_rank) return std::nullopt;
    last_rank = rank;
    if (number > (std::numeric_limits<int64_t>::max() - total) / unit->ms) return std::nullopt;
    total += number * unit->ms;
  }
  return std::chrono::milliseconds(total);
}

std::string FormatDuration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  constexpr std::array<Unit, 7> order{{{"y", 365LL * 24 * 3600 * 1000},
                                       {"w", 7LL * 24 * 3600 * 1000},
                                       {"d", 24LL * 3600 * 1000},
                                       {"h", 3600LL * 1000},
                                       {"m", 60LL * 1000},
                                       {"s", 1000},
                                       {"ms", 1}}};
  for (const auto& u : order) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms);
      out += u.name;
      ms %= u.ms;
    }
  }
  return out;
}

}  // namespace fleetgate
