// High availability on PostgreSQL with the real binary: two gateways on one real PostgreSQL,
// one leader (Ready) and one standby (503, reason standby); kill -9 of the leader while a
// reporter keeps reporting; the standby takes over with every committed transition and the
// last states. The takeover time is measured and printed, not asserted tightly.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "ha_fixture.h"

namespace fleetgate::testing {
namespace {

using json = nlohmann::json;

// storage.durable_ack on PostgreSQL: the writer commits only every 30 s, so every transition
// in the history after kill -9 was committed by its acknowledgement (with the key off, this
// finds none of the 48).
TEST_F(HighAvailabilityTest, DurableAckKeepsEveryAcknowledgedTransitionThroughKillNine) {
  auto gateway = StartGateway(
      {{"FLEETGATE_STORAGE_DURABLE_ACK", "true"}, {"FLEETGATE_STORAGE_FLUSH_INTERVAL", "30s"}});
  ASSERT_TRUE(Eventually([&] { return IsReady(*gateway); }));
  auto stub = ReporterStub(gateway->grpc_target());
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) ASSERT_TRUE(ReportRound({stub.get()}, round));
  ASSERT_EQ(gateway->Stop(SIGKILL), 128 + SIGKILL);
  gateway = StartGateway();
  ASSERT_TRUE(Eventually([&] { return IsReady(*gateway); }, std::chrono::seconds(30)));
  EXPECT_EQ(History(*gateway).size(), static_cast<size_t>(kRounds * kInstances));
}

TEST_F(HighAvailabilityTest, TheStandbyTakesOverAfterTheLeaderIsKilled) {
  auto first = StartGateway();
  ASSERT_TRUE(Eventually([&] { return IsReady(*first); })) << first->Log();
  auto second = StartGateway();
  int status = 0;
  ASSERT_TRUE(Eventually([&] {
    json body = Ready(*second, &status);
    return status == 503 && body.value("reason", "") == "standby";
  })) << second->Log();
  EXPECT_TRUE(IsReady(*first));

  auto leader_stub = ReporterStub(first->grpc_target());
  auto standby_stub = ReporterStub(second->grpc_target());
  v1::ReportResponse response;
  EXPECT_EQ(Report(*standby_stub, Batch("checkout", "i-0", {HealthEvent(StatusOf(0))}), &response)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);

  // Rounds 0..9 on the leader, then wait until all of them are committed (visible over REST).
  const int committed_rounds = 10;
  for (int round = 0; round < committed_rounds; ++round) {
    ASSERT_TRUE(ReportRound({leader_stub.get()}, round));
  }
  // One transition per round per instance: round 0's is the first sighting.
  const size_t committed = kInstances * committed_rounds;
  ASSERT_TRUE(Eventually([&] { return History(*first).size() == committed; }))
      << History(*first).dump();
  json before = History(*first);

  // A reporter keeps reporting to whichever gateway accepts while the leader is killed.
  std::atomic<bool> stop{false};
  std::atomic<int> rounds_after{0};
  std::thread reporter([&] {
    for (int round = committed_rounds; !stop.load(); ++round) {
      if (ReportRound({leader_stub.get(), standby_stub.get()}, round)) ++rounds_after;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a reporter's pace
    }
  });
  const auto killed_at = std::chrono::steady_clock::now();
  first->Stop(SIGKILL);
  ASSERT_FALSE(first->Running());
  bool took_over = Eventually([&] { return IsReady(*second); }, std::chrono::seconds(60));
  const auto took = std::chrono::steady_clock::now() - killed_at;
  std::cout << "[ MEASURED ] standby Ready "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
            << " ms after kill -9 of the leader" << std::endl;
  ASSERT_TRUE(took_over) << second->Log();

  // Reports keep landing on the new leader.
  const int seen = rounds_after.load();
  EXPECT_TRUE(Eventually([&] { return rounds_after.load() > seen + 2; })) << second->Log();
  stop = true;
  reporter.join();

  // Every transition the old leader had committed is in the new leader's history.
  json after = History(*second);
  std::multiset<std::string> have;
  for (const json& row : after) have.insert(row.dump());
  for (const json& row : before) EXPECT_EQ(have.count(row.dump()), 1u) << row.dump();
  // And the registry holds every instance, with a status the reporter sent.
  for (int i = 0; i < kInstances; ++i) {
    std::string state = InstanceStatus(*second, i);
    EXPECT_TRUE(state == "SERVING" || state == "NOT_SERVING") << "i-" << i << ": " << state;
  }
  EXPECT_NE(second->Log().find("leadership acquired"), std::string::npos);
}

}  // namespace
}  // namespace fleetgate::testing
