#pragma once
// Shared by the storage tests: a temporary directory with a fresh database file, helpers to
// read metrics and to wait for a condition with a deadline. Not thread-safe.

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "core/clock.h"
#include "storage/database.h"
#include "storage/epoch_ms.h"
#include "storage/records.h"
#include "storage/sqlite.h"

namespace fleetgate::storage {

// A directory under $TMPDIR removed with its content at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fleetgate-XXXXXX").string();
    char* made = mkdtemp(pattern.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// True once `condition` holds; false if it still does not after `timeout`.
inline bool PollUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// The value of a counter or gauge series, or a histogram's sample count; -1 when absent.
inline double MetricValue(const prometheus::Registry& registry, const std::string& name,
                          const std::map<std::string, std::string>& labels = {}) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> found;
      for (const auto& label : metric.label) found[label.name] = label.value;
      bool match = true;
      for (const auto& [key, value] : labels) match = match && found[key] == value;
      if (!match) continue;
      if (family.type == prometheus::MetricType::Counter) return metric.counter.value;
      if (family.type == prometheus::MetricType::Gauge) return metric.gauge.value;
      if (family.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(metric.histogram.sample_count);
      }
    }
  }
  return -1;
}

inline TimePoint At(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

inline TransitionRecord MakeTransition(std::string instance, std::string to, TimePoint time,
                                       std::string service = "checkout", std::string from = "") {
  return TransitionRecord{
      std::move(service), std::move(instance), std::move(from), std::move(to), "detail", time};
}

class StorageTest : public ::testing::Test {
 protected:
  std::string DbPath() const { return (dir_.path() / "data" / "fleetgate.db").string(); }

  DatabaseOptions Options() const {
    DatabaseOptions options;
    options.path = DbPath();
    options.busy_timeout = std::chrono::milliseconds(20);
    return options;
  }

  // A connection of its own, as another process would have.
  SqliteConnection RawConnection() const { return SqliteConnection(DbPath(), /*create=*/true); }

  int64_t CountRows(const std::string& table) const {
    SqliteConnection connection = RawConnection();
    return connection.QueryInt("SELECT COUNT(*) FROM " + table);
  }

  TempDir dir_;
  prometheus::Registry registry_;
};

}  // namespace fleetgate::storage
