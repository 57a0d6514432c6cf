#pragma once
// A strict reader of the text format 0.0.4 for tests: samples keyed by name and sorted labels, so
// two renderings can be compared by meaning rather than by bytes.

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fleetgate::metrics {

struct ParsedExposition {
  std::map<std::string, std::string> help;   // by family name, unescaped
  std::map<std::string, std::string> types;  // by family name
  // "name{a=x,b=y}" (labels sorted, values unescaped) -> value
  std::map<std::string, double> samples;
  std::string error;  // the first problem found; empty when the text is well-formed
};

namespace parser_detail {

inline bool ParseNumber(const std::string& text, double& out) {
  if (text == "NaN" || text == "Nan") return out = std::nan(""), true;
  if (text == "+Inf") return out = std::numeric_limits<double>::infinity(), true;
  if (text == "-Inf") return out = -std::numeric_limits<double>::infinity(), true;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

inline std::string Unescape(const std::string& text, size_t& i, char end_char, bool& ok) {
  std::string out;
  for (; i < text.size() && text[i] != end_char; ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) break;
    if (text[i] == 'n') {
      out += '\n';
    } else if (text[i] == '\\' || text[i] == '"') {
      out += text[i];
    } else {
      ok = false;
    }
  }
  return out;
}

inline std::string ParseSample(const std::string& line, ParsedExposition& parsed) {
  size_t i = line.find_first_of("{ ");
  if (i == std::string::npos || i == 0) return "no name";
  std::string name = line.substr(0, i);
  std::vector<std::pair<std::string, std::string>> labels;
  if (line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t eq = line.find("=\"", i);
      if (eq == std::string::npos) return "bad label";
      std::string label = line.substr(i, eq - i);
      i = eq + 2;
      bool ok = true;
      std::string value = Unescape(line, i, '"', ok);
      if (!ok || i >= line.size()) return "bad label value";
      labels.emplace_back(label, value);
      ++i;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return "unterminated labels";
    ++i;
  }
  if (i >= line.size() || line[i] != ' ') return "no value";
  std::istringstream rest(line.substr(i + 1));
  std::string value_text, timestamp;
  rest >> value_text >> timestamp;
  double value = 0;
  if (!ParseNumber(value_text, value)) return "bad value " + value_text;
  std::sort(labels.begin(), labels.end());
  std::string key = name + "{";
  for (const auto& [label, label_value] : labels) key += label + "=" + label_value + "\x1f";
  key += "}";
  if (!parsed.samples.emplace(key, value).second) return "duplicate series " + key;
  return "";
}

}  // namespace parser_detail

inline ParsedExposition ParseExposition(const std::string& text) {
  ParsedExposition parsed;
  std::istringstream lines(text);
  std::string line;
  while (parsed.error.empty() && std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      size_t space = line.find(' ', 7);
      if (space == std::string::npos) {
        parsed.error = "bad comment: " + line;
        continue;
      }
      std::string name = line.substr(7, space - 7);
      bool ok = true;
      size_t start = space + 1;
      std::string body = parser_detail::Unescape(line, start, '\0', ok);
      auto& target = line[2] == 'H' ? parsed.help : parsed.types;
      if (!target.emplace(name, body).second) parsed.error = "second header line: " + line;
      continue;
    }
    if (line[0] == '#') continue;
    std::string problem = parser_detail::ParseSample(line, parsed);
    if (!problem.empty()) parsed.error = problem + ": " + line;
  }
  return parsed;
}

// Empty when both have the same series with values equal to 15 significant digits (prometheus-cpp
// writes 16 digits, not always enough to read the same double back); else the first difference.
inline std::string CompareSamples(const std::map<std::string, double>& actual,
                                  const std::map<std::string, double>& expected) {
  if (actual.size() != expected.size()) {
    return std::to_string(actual.size()) + " samples, expected " + std::to_string(expected.size());
  }
  for (const auto& [series, value] : expected) {
    auto it = actual.find(series);
    if (it == actual.end()) return "missing " + series;
    const double got = it->second;
    const bool same = std::isnan(value)
                          ? std::isnan(got)
                          : got == value || std::fabs(got - value) <= 1e-15 * std::fabs(value);
    if (!same) return series + " is " + std::to_string(got) + ", expected " + std::to_string(value);
  }
  return "";
}

}  // namespace fleetgate::metrics
