#include "config/validators.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/duration.h"

namespace fleetgate::config {
namespace {

std::string Quoted(const std::string& value) { return "(got \"" + value + "\")"; }

std::string WithoutTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

bool HasHttpScheme(const std::string& url) {
  for (const std::string scheme : {"http://", "https://"}) {
    if (url.size() > scheme.size() && url.compare(0, scheme.size(), scheme) == 0) return true;
  }
  return false;
}

}  // namespace

void Between::operator()(const std::string& key, size_t value) const {
  if (value < min) {
    throw ConfigError(
        key, min == 1 ? "must be greater than zero" : "must be at least " + std::to_string(min));
  }
  if (value > max) throw ConfigError(key, "must be at most " + std::to_string(max));
}

void DurationIn::operator()(const std::string& key, milliseconds value) const {
  if (allow_zero && value.count() < 0) throw ConfigError(key, "must not be negative");
  if (!allow_zero && value.count() <= 0) throw ConfigError(key, "must be longer than zero");
  if (value > max) throw ConfigError(key, "must be at most " + FormatDuration(max));
}

void HostPort::operator()(const std::string& key, const std::string& address) const {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) throw ConfigError(key, "must be host:port " + Quoted(address));
  std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    throw ConfigError(key, "has no valid port " + Quoted(address));
  }
}

void NotEmpty::operator()(const std::string& key, const std::string& value) const {
  if (value.empty()) throw ConfigError(key, "must not be empty");
}

void OneOf::operator()(const std::string& key, const std::string& value) const {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::string list;
  for (size_t i = 0; i < allowed.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
  }
  throw ConfigError(key, "must be " + list + " " + Quoted(value));
}

void Buckets::operator()(const std::string& key, const std::vector<double>& bounds) const {
  if (bounds.empty()) throw ConfigError(key, "needs at least one bucket bound");
  if (bounds.size() > 64) throw ConfigError(key, "has more than 64 bucket bounds");
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) throw ConfigError(key, "bucket bounds must be finite");
    if (i > 0 && bounds[i] <= bounds[i - 1]) {
      throw ConfigError(key, "bucket bounds must be strictly increasing");
    }
  }
}

void Buckets::operator()(const std::string& key, const BucketsPerMetric& per_metric) const {
  for (const auto& [name, bounds] : per_metric) (*this)(key + "." + name, bounds);
}

void HttpUrls::operator()(const std::string& key, const std::vector<std::string>& urls) const {
  std::set<std::string> seen;
  for (const std::string& url : urls) {
    if (!HasHttpScheme(WithoutTrailingSlashes(url))) {
      throw ConfigError(key, "must be http:// or https:// URLs " + Quoted(url));
    }
    if (!seen.insert(WithoutTrailingSlashes(url)).second) {
      throw ConfigError(key, "lists the same URL twice " + Quoted(url));
    }
  }
}

void ValidateAcrossKeys(const Config& c) {
  if (c.shutdown.drain_timeout > c.shutdown.timeout) {
    throw ConfigError("shutdown.drain_timeout", "must not exceed shutdown.timeout");
  }
  if (c.health.default_ttl > c.health.max_ttl) {
    throw ConfigError("health.default_ttl", "must not exceed health.max_ttl");
  }
  if (c.storage.backend == "postgres" && c.storage.postgres_url.empty()) {
    throw ConfigError("storage.postgres.url", "is required with storage.backend postgres");
  }
  if (c.tls.reload_interval < std::chrono::seconds(1)) {
    throw ConfigError("tls.reload_interval", "must be at least 1s");
  }
  if (c.tls.cert_file.empty() != c.tls.key_file.empty()) {
    throw ConfigError("tls.key_file", "tls.cert_file and tls.key_file go together");
  }
  if (c.tls.client_auth != "none" && c.tls.client_ca_file.empty()) {
    throw ConfigError("tls.client_ca_file", "needed when tls.client_auth is " + c.tls.client_auth);
  }
}

}  // namespace fleetgate::config
