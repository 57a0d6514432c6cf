#pragma once
// The fixture of fgctl's integration tests: a real fleetgate (rules evaluated every 100 ms, history
// flushed every 100 ms) and the real fgctl run against it. Not thread-safe; one per test.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/fgctl_runner.h"
#include "gateway_process.h"

namespace fleetgate::testing {

// The whole of `text` is one line ending in a newline.
inline ::testing::AssertionResult IsOneLine(const std::string& text) {
  if (!text.empty() && text.find('\n') == text.size() - 1) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "not one line: \"" << text << "\"";
}

class FgctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayProcess::Options options;
    options.env = {{"FLEETGATE_ALERTING_EVALUATION_INTERVAL", "100ms"},
                   {"FLEETGATE_STORAGE_FLUSH_INTERVAL", "100ms"}};
    ASSERT_TRUE(gateway_.Start(options)) << gateway_.Log();
  }

  // fgctl with --server of the gateway, then `args`.
  FgctlRun Rest(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", gateway_.http_base()});
    return RunFgctl(args);
  }

  // fgctl report to the gateway as billing/<instance> (version 1.4.2), then `args`.
  FgctlRun Report(std::vector<std::string> args, const std::string& instance = "i-1") {
    args.insert(args.begin(), {"--grpc-server", gateway_.grpc_target(), "report", "--service",
                               "billing", "--instance", instance, "--version", "1.4.2"});
    return RunFgctl(args);
  }

  GatewayProcess gateway_;
};

}  // namespace fleetgate::testing
