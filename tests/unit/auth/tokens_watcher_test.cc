#include "auth/tokens_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "auth_fixture.h"

namespace fleetgate::auth {
namespace {

class TokensWatcherTest : public ::testing::Test {
 protected:
  TokensWatcherTest()
      : path_(std::filesystem::temp_directory_path() /
              ("fleetgate-tokens-" + std::to_string(::getpid()) + ".yaml")) {
    Write(testing::SampleTokensFile());
    auto loaded = LoadCredentials(path_.string(), "legacy-admin");
    EXPECT_TRUE(loaded.ok());
    authenticator_ = std::make_unique<Authenticator>(AuthPolicy{true, true, true}, loaded.value());
    watcher_ = std::make_unique<TokensWatcher>(path_.string(), "legacy-admin", *authenticator_,
                                               metrics_, std::make_shared<ManualClock>(TimePoint{}),
                                               std::chrono::seconds(5));
  }
  ~TokensWatcherTest() override { std::filesystem::remove(path_); }

  void Write(const std::string& text) {
    // Written beside and renamed over, as a Secret volume swaps its files.
    const auto temp = path_.string() + ".new";
    std::ofstream(temp) << text;
    std::filesystem::rename(temp, path_);
  }

  bool Knows(const std::string& token) {
    return authenticator_->FromAuthorization("Bearer " + token).ok();
  }

  double Reloads(const std::string& result) {
    for (const auto& family : registry_.Collect()) {
      if (family.name != "fleetgate_auth_reloads_total") continue;
      for (const auto& metric : family.metric) {
        if (metric.label[0].value == result) return metric.counter.value;
      }
    }
    return 0;
  }

  std::filesystem::path path_;
  prometheus::Registry registry_;
  AuthMetrics metrics_{registry_};
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<TokensWatcher> watcher_;
};

TEST_F(TokensWatcherTest, LoadsTheFileAndTheAdminToken) {
  EXPECT_TRUE(Knows("checkout-secret"));
  EXPECT_TRUE(Knows("legacy-admin"));
  EXPECT_EQ(authenticator_->credentials()->size(), 6u);
}

TEST_F(TokensWatcherTest, DoesNothingWhileTheFileIsUnchanged) {
  EXPECT_FALSE(watcher_->Poll());
  EXPECT_EQ(Reloads("success"), 0);
}

TEST_F(TokensWatcherTest, TakesAChangedFile) {
  Write("tokens:\n  - {name: fresh, token: fresh-secret, roles: [viewer]}\n");
  EXPECT_TRUE(watcher_->Poll());
  EXPECT_TRUE(Knows("fresh-secret"));
  EXPECT_FALSE(Knows("checkout-secret"));
  EXPECT_TRUE(Knows("legacy-admin"));
  EXPECT_EQ(Reloads("success"), 1);
}

TEST_F(TokensWatcherTest, KeepsThePreviousCredentialsWhenTheNewFileIsBroken) {
  Write("tokens:\n  - {name: broken, sha256: nothex, roles: [viewer]}\n");
  EXPECT_FALSE(watcher_->Poll());
  EXPECT_TRUE(Knows("checkout-secret"));
  EXPECT_EQ(Reloads("failure"), 1);
  EXPECT_FALSE(watcher_->Poll());  // the same broken content is not counted twice
  EXPECT_EQ(Reloads("failure"), 1);
  Write("tokens:\n  - {name: fixed, token: fixed-secret, roles: [viewer]}\n");
  EXPECT_TRUE(watcher_->Poll());
  EXPECT_TRUE(Knows("fixed-secret"));
}

TEST_F(TokensWatcherTest, KeepsThePreviousCredentialsWhenTheFileIsGone) {
  std::filesystem::remove(path_);
  EXPECT_FALSE(watcher_->Poll());
  EXPECT_TRUE(Knows("checkout-secret"));
}

TEST(LoadCredentialsTest, RefusesAMissingFileAtStartUp) {
  auto loaded = LoadCredentials("/nonexistent/tokens.yaml", "");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().field, "auth.tokens_file");
}

TEST(LoadCredentialsTest, WithoutAFileHoldsOnlyTheAdminToken) {
  auto loaded = LoadCredentials("", "legacy-admin");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.value()->size(), 1u);
}

}  // namespace
}  // namespace fleetgate::auth
