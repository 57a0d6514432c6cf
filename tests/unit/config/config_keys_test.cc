// The key table: every key documented, its default rendering and parsing back, secrets redacted,
// validators refusing bad values, unknown variables answered with a did-you-mean.

#include "config/config_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "config/loader.h"

namespace fleetgate::config {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(const Sources& sources) {
  try {
    Load(sources);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

Sources Env(std::map<std::string, std::string> env) {
  Sources sources;
  sources.env = std::move(env);
  return sources;
}

TEST(ConfigKeysTest, EveryKeyIsDeclaredOnceWithATypeAndAOneLineDoc) {
  std::set<std::string> names;
  for (const auto& key : AllKeys()) {
    EXPECT_TRUE(names.insert(key.name()).second) << key.name() << " declared twice";
    EXPECT_FALSE(key.type.empty()) << key.name();
    EXPECT_FALSE(key.help.empty()) << key.name();
    EXPECT_EQ(key.help.find('\n'), std::string::npos) << key.name();
    EXPECT_TRUE(key.validate) << key.name();
    EXPECT_EQ(FindKey(key.name()), &key);
  }
}

TEST(ConfigKeysTest, EveryDefaultRendersAndParsesBackToItself) {
  for (const auto& key : AllKeys()) {
    Config config;
    key.from_yaml(config, YAML::Load(key.DefaultText()));
    EXPECT_EQ(key.Text(config), key.DefaultText()) << key.name();
    EXPECT_NO_THROW(key.validate(config)) << key.name();
  }
  EXPECT_NO_THROW(Validate(Config{}));
}

// Scalars from their text, maps from their YAML flow text (lists are comma-separated text).
TEST(ConfigKeysTest, ScalarAndMapDefaultsParseBackFromTheirVariableToo) {
  size_t maps = 0;
  for (const auto& key : AllKeys()) {
    YAML::Node node = YAML::Load(key.DefaultText());
    if (!node.IsScalar() && !node.IsMap()) continue;
    maps += node.IsMap() ? 1 : 0;
    Config config;
    key.from_text(config, node.IsScalar() ? node.Scalar() : key.DefaultText());
    EXPECT_EQ(key.Text(config), key.DefaultText()) << key.name();
  }
  EXPECT_GE(maps, 3u);  // ingest.rate_limit, metrics.buckets, health.service_policies
}

TEST(ConfigKeysTest, SecretsArePrintedRedacted) {
  EXPECT_TRUE(FindKey("http.admin_token")->secret);
  for (const auto& key : AllKeys()) {
    // A token or password is secret; the path of a file holding one is not.
    const bool is_file = key.key.size() > 5 && key.key.compare(key.key.size() - 5, 5, "_file") == 0;
    bool looks_secret = !is_file && (key.key.find("token") != std::string::npos ||
                                     key.key.find("password") != std::string::npos);
    // A database URL may carry a password.
    if (key.name() == "storage.postgres.url") looks_secret = true;
    EXPECT_EQ(key.secret, looks_secret) << key.name();
  }
  Config config = Load(Env({{"FLEETGATE_HTTP_ADMIN_TOKEN", "s3cret-value"}}));
  std::string printed = RenderYaml(config);
  EXPECT_THAT(printed, ::testing::Not(HasSubstr("s3cret-value")));
  EXPECT_THAT(printed, HasSubstr("admin_token: <redacted>"));
  EXPECT_THAT(RenderYaml(Config{}), HasSubstr("admin_token: \"\""));
}

TEST(ConfigKeysTest, ValidatorsRefuseBadValuesNamingTheKey) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"FLEETGATE_GRPC_ADDRESS", "50051", "grpc.address: must be host:port"},
      {"FLEETGATE_HTTP_ADDRESS", "host:99999", "http.address: has no valid port"},
      {"FLEETGATE_HTTP_THREADS", "0", "http.threads: must be greater than zero"},
      {"FLEETGATE_HTTP_THREADS", "4294967296", "http.threads: must be at most 2147483647"},
      {"FLEETGATE_GRPC_MAX_MESSAGE_BYTES", "3000000000", "must be at most 2147483647"},
      {"FLEETGATE_GRPC_KEEPALIVE_MIN_PING_INTERVAL", "30d", "must be at most"},
      {"FLEETGATE_STORAGE_DATABASE", "", "storage.database: must not be empty"},
      {"FLEETGATE_STORAGE_SYNCHRONOUS", "off", "storage.synchronous: must be normal or full"},
      {"FLEETGATE_STORAGE_FLUSH_INTERVAL", "0s", "must be longer than zero"},
      {"FLEETGATE_LIMITS_MAX_LABELS_PER_SERIES", "1", "must be at least 2"},
      {"FLEETGATE_METRICS_DEFAULT_BUCKETS", "1,1", "strictly increasing"},
      {"FLEETGATE_ALERTING_ALERTMANAGERS", "http://", "must be http:// or https:// URLs"},
      {"FLEETGATE_ALERTING_ALERTMANAGERS", "http://am:9093,http://am:9093/",
       "alerting.alertmanagers: lists the same URL twice"},
      {"FLEETGATE_ALERTING_NOTIFICATION_MAX_ATTEMPTS", "0", "must be greater than zero"},
      {"FLEETGATE_LOG_LEVEL", "loud", "log.level: must be trace, debug, info, warn, error or off"},
      {"FLEETGATE_SHUTDOWN_DRAIN_TIMEOUT", "1m", "must not exceed shutdown.timeout"},
      {"FLEETGATE_STORAGE_DURABLE_ACK", "maybe", "storage.durable_ack: must be true or false"},
  };
  for (const auto& [variable, value, message] : cases) {
    EXPECT_THAT(ErrorOf(Env({{variable, value}})), HasSubstr(message)) << variable << "=" << value;
  }
}

TEST(ConfigKeysTest, ABooleanReadsTheWordsYamlAndHelmUsersWrite) {
  EXPECT_FALSE(Load(Env({})).storage.durable_ack);
  for (const char* yes : {"true", "on", "yes", "1", "TRUE"}) {
    EXPECT_TRUE(Load(Env({{"FLEETGATE_STORAGE_DURABLE_ACK", yes}})).storage.durable_ack) << yes;
  }
  for (const char* no : {"false", "off", "no", "0"}) {
    EXPECT_FALSE(Load(Env({{"FLEETGATE_STORAGE_DURABLE_ACK", no}})).storage.durable_ack) << no;
  }
  Sources flags;
  flags.flags = {{"storage.durable_ack", "on"}};
  EXPECT_TRUE(Load(flags).storage.durable_ack);
}

TEST(ConfigKeysTest, AnUnknownVariableIsAnErrorWithADidYouMean) {
  EXPECT_EQ(ErrorOf(Env({{"FLEETGATE_HTTP_TREADS", "4"}})),
            "FLEETGATE_HTTP_TREADS: unknown variable (did you mean FLEETGATE_HTTP_THREADS?)");
  EXPECT_THAT(ErrorOf(Env({{"FLEETGATE_LOG_LEVLE", "debug"}})),
              HasSubstr("did you mean FLEETGATE_LOG_LEVEL?"));
  EXPECT_EQ(ErrorOf(Env({{"FLEETGATE_SOMETHING_ELSE_ENTIRELY", "1"}})),
            "FLEETGATE_SOMETHING_ELSE_ENTIRELY: unknown variable");
}

TEST(ConfigKeysTest, AnUnknownFileKeyIsAnErrorWithADidYouMean) {
  EXPECT_EQ(ClosestMatch("grpc.adress", {"grpc.address", "http.address"}), "grpc.address");
  EXPECT_EQ(ClosestMatch("zzz", {"grpc.address"}), "");
}

TEST(ConfigKeysTest, TheGatewayIgnoresTheClientsVariables) {
  std::map<std::string, std::string> env;
  for (const auto& variable : ForeignVariables()) env[variable.name] = "127.0.0.1:1";
  env["NOT_FLEETGATE_AT_ALL"] = "x";
  EXPECT_EQ(RenderYaml(Load(Env(env))), RenderYaml(Config{}));
  for (const auto& variable : ForeignVariables()) {
    for (const auto& key : AllKeys()) EXPECT_NE(key.env(), variable.name);
  }
}

TEST(ConfigKeysTest, TheGatewayIgnoresKubernetesServiceLinksButNoKeyLooksLikeOne) {
  std::map<std::string, std::string> env = {
      {"FLEETGATE_SERVICE_HOST", "10.0.0.1"},
      {"FLEETGATE_SERVICE_PORT", "50051"},
      {"FLEETGATE_SERVICE_PORT_HTTP", "8080"},
      {"FLEETGATE_PORT", "tcp://10.0.0.1:50051"},
      {"FLEETGATE_PORT_8080_TCP", "tcp://10.0.0.1:8080"},
      {"FLEETGATE_PORT_8080_TCP_ADDR", "10.0.0.1"},
      {"FLEETGATE_ALERTMANAGER_SERVICE_HOST", "10.0.0.2"},
  };
  EXPECT_EQ(RenderYaml(Load(Env(env))), RenderYaml(Config{}));
  for (const auto& key : AllKeys()) EXPECT_FALSE(IsForeignVariable(key.env())) << key.env();
  EXPECT_FALSE(IsForeignVariable("FLEETGATE_HTTP_TREADS"));
}

}  // namespace
}  // namespace fleetgate::config
