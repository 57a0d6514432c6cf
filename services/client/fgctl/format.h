#pragma once
// How fgctl prints values for people: numbers as people read them (7, 0.25, 1500000; never 7.0 or
// 7e+00), counts with their noun ("1 instance", "2 instances"), shares as percentages, and JSON
// fields as table cells. Pure functions; thread-safe.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace fleetgate::fgctl {

// 7, -3, 0.25, 1500000, 0.000001; a nonzero value too small for six decimals in %g (1e-09);
// beyond 1e15 in %g (1e+20); NaN, +Inf, -Inf as Prometheus writes them.
std::string FormatNumber(double value);

// "1 instance", "2 instances", "0 services".
std::string CountOf(size_t n, const std::string& noun);

// A share in [0, 1] as "99.871%" (three decimals); "-" when it is not a number (null).
std::string Percent(const nlohmann::json& share);

// A JSON field as a table cell: strings bare, empty strings and null as "-", numbers by
// FormatNumber, other values dumped.
std::string Cell(const nlohmann::json& value);

// A sample value sent as text in Prometheus' envelope ("1.5e+02", "NaN") as a number people read
// ("150"); text that is not a number is returned as a cell.
std::string SampleValue(const nlohmann::json& value);

}  // namespace fleetgate::fgctl
