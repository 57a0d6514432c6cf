#pragma once
// The per-key checks the key table attaches to its entries: each is a callable
// (key name, value) that throws ConfigError saying why a value is refused. Internal to the config
// library. Pure; thread-safe.

#include <climits>
#include <string>
#include <vector>

#include "config/value_codec.h"

namespace fleetgate::config {

// Values the gateway hands to APIs taking an int (gRPC channel arguments, thread counts).
constexpr size_t kIntMax = INT_MAX;

struct AnyValue {
  template <typename T>
  void operator()(const std::string&, const T&) const {}
};

// An integer in [min, max]; 0 below a minimum of 1 reads "must be greater than zero".
struct Between {
  size_t min;
  size_t max;
  void operator()(const std::string& key, size_t value) const;
};

// A duration longer than zero (or, with allow_zero, not negative) and at most `max`.
struct DurationIn {
  bool allow_zero = false;
  milliseconds max = milliseconds::max();
  void operator()(const std::string& key, milliseconds value) const;
};

// host:port, port 0-65535 ("[v6]:port" and ":port" too), as the gRPC and HTTP servers parse it.
struct HostPort {
  void operator()(const std::string& key, const std::string& value) const;
};

struct NotEmpty {
  void operator()(const std::string& key, const std::string& value) const;
};

struct OneOf {
  std::vector<std::string> allowed;
  void operator()(const std::string& key, const std::string& value) const;
};

// Finite, strictly increasing, 1 to 64 bounds.
struct Buckets {
  void operator()(const std::string& key, const std::vector<double>& bounds) const;
  void operator()(const std::string& key, const BucketsPerMetric& per_metric) const;
};

// http:// or https:// base URLs, each once (a trailing '/' does not make a URL different).
struct HttpUrls {
  void operator()(const std::string& key, const std::vector<std::string>& urls) const;
};

// Checks between keys (one key bounded by another); throws ConfigError naming the first key.
void ValidateAcrossKeys(const Config& config);

}  // namespace fleetgate::config
