// Every configuration that start-up refuses, `fleetgate --check-config` refuses too, with the same
// exit code and the same message: each case runs the real binary both ways. (Refusals that depend
// on the machine rather than the configuration — a busy port, an unwritable or newer database —
// can only show at start-up and are covered in lifecycle_test.cc and the storage tests.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "gateway_process.h"

namespace fleetgate::testing {
namespace {

using ::testing::HasSubstr;

struct Refusal {
  std::string what;
  std::map<std::string, std::string> env;
  std::string file;  // YAML for --config; empty: none
  std::string message;
};

// The line that names the configuration error; empty when there is none.
std::string ErrorLine(const std::string& output) {
  auto at = output.find("fleetgate: configuration error: ");
  if (at == std::string::npos) return "";
  return output.substr(at, output.find('\n', at) - at);
}

class StartupRefusalTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::vector<std::string> Args(const Refusal& refusal, std::vector<std::string> args) {
    if (!refusal.file.empty()) {
      args.push_back("--config");
      args.push_back(Write("fleetgate.yaml", refusal.file));
    }
    return args;
  }

  std::vector<Refusal> Refusals() {
    const std::string rule =
        "- {name: Down, kind: health, for: 1m,\n"
        "   health: {service: billing, condition: instance_not_serving}}\n";
    const std::string first = Write("first.yaml", rule);
    const std::string second = Write("second.yaml", rule);
    const std::string bad =
        Write("bad.yaml", "- {name: Bad, kind: health, health: {condition: x}}\n");
    return {
        {"an Alertmanager URL given twice",
         {{"FLEETGATE_ALERTING_ALERTMANAGERS", "http://127.0.0.1:9/,http://127.0.0.1:9"}},
         "",
         "alerting.alertmanagers: lists the same URL twice"},
        {"an Alertmanager URL with a scheme and nothing else",
         {{"FLEETGATE_ALERTING_ALERTMANAGERS", "http://"}},
         "",
         "alerting.alertmanagers: must be http:// or https:// URLs"},
        {"a rule defined in two rule files",
         {{"FLEETGATE_ALERTING_RULE_FILES", first + "," + second}},
         "",
         "alerting.rule_files: " + second + ": rule Down is already defined in " + first},
        {"an invalid rule file", {{"FLEETGATE_ALERTING_RULE_FILES", bad}}, "", "rule 0 (Bad)"},
        {"a missing rule file",
         {{"FLEETGATE_ALERTING_RULE_FILES", dir_.path() + "/none.yaml"}},
         "",
         "cannot read the rule file"},
        {"more HTTP threads than an int holds",
         {{"FLEETGATE_HTTP_THREADS", "4294967296"}},
         "",
         "http.threads: must be at most 2147483647"},
        {"a gRPC message limit larger than an int",
         {{"FLEETGATE_GRPC_MAX_MESSAGE_BYTES", "4294967296"}},
         "",
         "grpc.max_message_bytes: must be at most 2147483647"},
        {"an HTTP address without a valid port",
         {},
         "http:\n  address: 127.0.0.1:65536\n",
         "http.address: has no valid port"},
        {"a misspelt variable",
         {{"FLEETGATE_HTTP_TREADS", "4"}},
         "",
         "FLEETGATE_HTTP_TREADS: unknown variable (did you mean FLEETGATE_HTTP_THREADS?)"},
        {"a misspelt key", {}, "http:\n  treads: 4\n", "http.treads: unknown key"},
        {"a bad value", {{"FLEETGATE_LOG_FORMAT", "xml"}}, "", "log.format: must be text or json"},
        {"a drain longer than the stop",
         {{"FLEETGATE_SHUTDOWN_DRAIN_TIMEOUT", "1m"}},
         "",
         "shutdown.drain_timeout: must not exceed shutdown.timeout"},
    };
  }

  TempDir dir_;
};

TEST_F(StartupRefusalTest, CheckConfigRefusesEachConfigurationThatStartUpRefuses) {
  for (const Refusal& refusal : Refusals()) {
    SCOPED_TRACE(refusal.what);
    // Start-up gets free ports and its own database unless the case is about an address (flags
    // would override the file), so a configuration that is not refused starts and times out.
    std::vector<std::string> start_args = {"--database", dir_.path() + "/fleetgate.db"};
    if (refusal.message.find("address") == std::string::npos) {
      start_args.insert(start_args.end(),
                        {"--grpc-address", "127.0.0.1:0", "--http-address", "127.0.0.1:0"});
    }
    auto [start_code, start_output] =
        GatewayProcess::RunToExit(Args(refusal, start_args), refusal.env);
    auto [check_code, check_output] =
        GatewayProcess::RunToExit(Args(refusal, {"--check-config"}), refusal.env);
    EXPECT_EQ(start_code, 1) << start_output;
    EXPECT_EQ(check_code, 1) << check_output;
    EXPECT_THAT(ErrorLine(start_output), HasSubstr(refusal.message)) << start_output;
    EXPECT_EQ(ErrorLine(check_output), ErrorLine(start_output));
  }
}

TEST_F(StartupRefusalTest, TheGatewayStartsWithTheClientsVariablesSet) {
  GatewayProcess gateway;
  GatewayProcess::Options options;
  options.env = {{"FLEETGATE_TARGET", "127.0.0.1:1"},
                 {"FLEETGATE_URL", "http://127.0.0.1:1"},
                 {"FLEETGATE_TOKEN", "t"},
                 {"FLEETGATE_SERVICE", "s"},
                 {"FLEETGATE_INSTANCE", "i"}};
  ASSERT_TRUE(gateway.Start(options)) << gateway.Log();
  auto [code, output] = GatewayProcess::RunToExit({"--check-config"}, options.env);
  EXPECT_EQ(code, 0) << output;
}

}  // namespace
}  // namespace fleetgate::testing
