#include "config/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "config/config_keys.h"

namespace fleetgate::config {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/fleetgate-config-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  std::string WriteFile(const std::string& text) {
    std::string path = dir_ + "/fleetgate.yaml";
    std::ofstream(path) << text;
    return path;
  }

  Sources WithEnv(std::map<std::string, std::string> env) {
    Sources sources;
    sources.env = std::move(env);
    return sources;
  }

  std::string ErrorOf(const Sources& sources) {
    try {
      Load(sources);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }

  std::string dir_;
};

TEST_F(LoaderTest, DefaultsNeedNoFile) {
  Config config = Load(Sources{});
  EXPECT_EQ(config.grpc.address, "0.0.0.0:50051");
  EXPECT_EQ(config.http.address, "0.0.0.0:8080");
  EXPECT_EQ(config.storage.database, "./data/fleetgate.db");
  EXPECT_EQ(config.grpc.max_message_bytes, 4u * 1024 * 1024);
  EXPECT_EQ(config.limits.max_series_total, 100000u);
  EXPECT_EQ(config.metrics.series_ttl, minutes(15));
}

TEST_F(LoaderTest, FileThenEnvThenFlagsOverride) {
  Sources sources = WithEnv(
      {{"FLEETGATE_HTTP_ADDRESS", "127.0.0.1:9000"}, {"FLEETGATE_LIMITS_MAX_SERIES_TOTAL", "500"}});
  sources.file = WriteFile(
      "http:\n  address: 127.0.0.1:1\n  threads: 8\nlimits:\n  max_series_total: 10\n"
      "metrics:\n  series_ttl: 5m\n  buckets:\n    latency_seconds: [0.1, 1, 10]\n");
  sources.flags = {{"limits.max_series_total", "700"}};
  Config config = Load(sources);
  EXPECT_EQ(config.http.threads, 8u);                // file
  EXPECT_EQ(config.http.address, "127.0.0.1:9000");  // env over file
  EXPECT_EQ(config.limits.max_series_total, 700u);   // flag over env
  EXPECT_EQ(config.metrics.series_ttl, minutes(5));
  EXPECT_EQ(config.metrics.buckets.at("latency_seconds"), (std::vector<double>{0.1, 1, 10}));
}

TEST_F(LoaderTest, UnknownKeyNamesTheKey) {
  Sources sources;
  sources.file = WriteFile("grpc:\n  adress: 1\n");
  EXPECT_THAT(ErrorOf(sources), HasSubstr("grpc.adress: unknown key (did you mean grpc.address?)"));
}

TEST_F(LoaderTest, BadValuesNameTheKeyAndWhy) {
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_HEALTH_DEFAULT_TTL", "soon"}})),
              HasSubstr("health.default_ttl: must be a duration"));
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_GRPC_MAX_MESSAGE_BYTES", "-4"}})),
              HasSubstr("grpc.max_message_bytes: must be a non-negative integer"));
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_LOG_FORMAT", "xml"}})),
              HasSubstr("log.format: must be text or json"));
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_HTTP_ADDRESS", "localhost"}})),
              HasSubstr("http.address: must be host:port"));
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_LIMITS_MAX_SERIES_TOTAL", "0"}})),
              HasSubstr("limits.max_series_total: must be greater than zero"));
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_METRICS_DEFAULT_BUCKETS", "1,0.5"}})),
              HasSubstr("strictly increasing"));
}

TEST_F(LoaderTest, AlertingListsComeFromYamlOrCommaSeparatedText) {
  Sources sources = WithEnv({{"FLEETGATE_ALERTING_RULE_FILES", "/etc/a.yaml,,/etc/b.yaml"}});
  sources.file = WriteFile(
      "alerting:\n  alertmanagers: [http://am-0:9093, https://am-1/prefix]\n"
      "  evaluation_interval: 5s\n");
  Config config = Load(sources);
  EXPECT_EQ(config.alerting.alertmanagers,
            (std::vector<std::string>{"http://am-0:9093", "https://am-1/prefix"}));
  EXPECT_EQ(config.alerting.rule_files, (std::vector<std::string>{"/etc/a.yaml", "/etc/b.yaml"}));
  EXPECT_EQ(config.alerting.evaluation_interval, seconds(5));
  EXPECT_EQ(config.alerting.resend_delay, minutes(1));
  Sources again;
  again.file = WriteFile(RenderYaml(config));
  EXPECT_EQ(Load(again).alerting.alertmanagers, config.alerting.alertmanagers);
}

TEST_F(LoaderTest, AlertingValuesAreChecked) {
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_ALERTING_ALERTMANAGERS", "am:9093"}})),
              HasSubstr("alerting.alertmanagers: must be http:// or https:// URLs"));
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_ALERTING_EVALUATION_INTERVAL", "0s"}})),
              HasSubstr("alerting.evaluation_interval: must be longer than zero"));
  Sources sources;
  sources.file = WriteFile("alerting:\n  rule_files: /etc/a.yaml\n");
  EXPECT_THAT(ErrorOf(sources), HasSubstr("alerting.rule_files: must be a list of strings"));
}

TEST_F(LoaderTest, MalformedFileIsAnError) {
  Sources sources;
  sources.file = WriteFile("grpc: [unclosed\n");
  EXPECT_THAT(ErrorOf(sources), HasSubstr("not valid YAML"));
  sources.file = dir_ + "/missing.yaml";
  EXPECT_THAT(ErrorOf(sources), HasSubstr("cannot read"));
}

TEST_F(LoaderTest, RenderedConfigLoadsBackIdentically) {
  Sources sources;
  sources.file =
      WriteFile("metrics:\n  buckets:\n    size_bytes: [10, 100]\nhealth:\n  default_ttl: 45s\n");
  Config config = Load(sources);
  Sources again;
  again.file = WriteFile(RenderYaml(config));
  EXPECT_EQ(RenderYaml(Load(again)), RenderYaml(config));
  EXPECT_EQ(Load(again).health.default_ttl, seconds(45));
}

TEST_F(LoaderTest, EveryKeyHasAnEnvironmentName) {
  for (const auto& key : AllKeys()) {
    EXPECT_EQ(key.env().rfind("FLEETGATE_", 0), 0u);
    EXPECT_FALSE(key.help.empty()) << key.name();
  }
  // A map-valued key takes its YAML flow text from its variable, checked as in the file.
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_METRICS_BUCKETS", "x"}})),
              HasSubstr("metrics.buckets: must map metric names to lists of bucket bounds"));
  EXPECT_THAT(ErrorOf(WithEnv({{"FLEETGATE_INGEST_RATE_LIMIT", "{events_per_second: [1"}})),
              HasSubstr("ingest.rate_limit: is not YAML flow text"));
}

TEST_F(LoaderTest, MapValuedKeysTakeYamlFlowTextFromTheEnvironment) {
  Config config = Load(WithEnv(
      {{"FLEETGATE_INGEST_RATE_LIMIT",
        "{events_per_second: 100, burst: 500, overrides: {batch: {events_per_second: 9000}}}"},
       {"FLEETGATE_METRICS_BUCKETS", "{size_bytes: [10, 100]}"}}));
  EXPECT_EQ(config.ingest.rate_limit.rate.events_per_second, 100);
  EXPECT_EQ(config.ingest.rate_limit.rate.burst, 500);
  EXPECT_EQ(config.ingest.rate_limit.overrides.at("batch").events_per_second, 9000);
  EXPECT_EQ(config.metrics.buckets.at("size_bytes"), (std::vector<double>{10, 100}));
}

// DESIGN's storage.postgres.url: a group inside a section, in the file, the environment and
// --print-config alike.
TEST_F(LoaderTest, GroupedKeysNestInTheFileAndJoinWithUnderscoresInTheEnvironment) {
  ASSERT_NE(FindKey("storage.postgres.url"), nullptr);
  EXPECT_EQ(FindKey("storage.postgres.url")->env(), "FLEETGATE_STORAGE_POSTGRES_URL");
  Sources sources;
  sources.file = WriteFile("storage:\n  postgres:\n    url: postgresql://db/fleetgate\n");
  Config config = Load(sources);
  EXPECT_EQ(config.storage.postgres_url, "postgresql://db/fleetgate");
  EXPECT_EQ(Load(WithEnv({{"FLEETGATE_STORAGE_POSTGRES_URL", "postgresql://other/db"}}))
                .storage.postgres_url,
            "postgresql://other/db");
  sources.file = WriteFile("storage:\n  postgres:\n    uri: postgresql://db/fleetgate\n");
  EXPECT_THAT(ErrorOf(sources), HasSubstr("storage.postgres.uri: unknown key"));
  sources.file = WriteFile("storage:\n  postgres: postgresql://db/fleetgate\n");
  EXPECT_THAT(ErrorOf(sources), HasSubstr("storage.postgres: unknown key"));
  // Rendered nested (secret: redacted), and a rendered file loads back.
  EXPECT_THAT(RenderYaml(config), HasSubstr("postgres:\n    url: <redacted>"));
}

}  // namespace
}  // namespace fleetgate::config
