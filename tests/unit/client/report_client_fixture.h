#pragma once
// Shared setup of the ReportClient tests: an in-process gateway and options with short intervals.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "client/report_client.h"
#include "support/in_process_gateway.h"

namespace fleetgate::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Polls `condition` until true or the deadline passes.
template <typename Condition>
bool Eventually(Condition condition, milliseconds deadline = seconds(10)) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return condition();
}

class ReportClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(gateway_.Start()); }

  // Flushes only when asked (a long interval) unless a test changes it.
  ReporterOptions Options() const {
    ReporterOptions options;
    options.target = gateway_.target();
    options.service = "billing";
    options.instance = "i-1";
    options.version = "1.2.3";
    options.flush_interval = seconds(3600);
    options.heartbeat_interval = seconds(3600);
    options.initial_backoff = milliseconds(10);
    options.max_backoff = milliseconds(100);
    return options;
  }

  static constexpr milliseconds kFlushTimeout = seconds(10);
  InProcessGateway gateway_;
};

}  // namespace fleetgate::testing
