// PostgreSQL restarted under load, with the real binary: a gateway leads on a real PostgreSQL
// while reporters keep reporting health transitions and metrics; the server is stopped (fast
// shutdown) and started again on the same port and data directory. Meanwhile reports are
// still accepted and the outage shows in readiness and the storage metrics; afterwards the
// gateway recovers by itself: it takes the leader lock again, turns Ready and writes history
// again, with every transition committed before the stop and every one accepted during it.
// With two replicas, exactly one leads after the restart.

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "ha_fixture.h"

namespace fleetgate::testing {
namespace {

using json = nlohmann::json;

// What the reporters were told: the status each instance last had accepted, and how many
// transitions that makes (a refused report changes nothing).
struct Accepted {
  std::mutex mu;
  std::map<int, v1::HealthStatus> last;
  size_t transitions = 0;
  int outage_metric_reports = 0;
  int outage_metric_refusals = 0;
};

class PostgresRestartTest : public HighAvailabilityTest {
 protected:
  void ReportHealth(v1::Reporter::Stub& stub, int round) {
    for (int i = 0; i < kInstances; ++i) {
      if (!ReportOne({&stub}, i, round)) continue;
      std::lock_guard<std::mutex> lock(accepted_.mu);
      auto [it, first] = accepted_.last.try_emplace(i, StatusOf(round));
      if (first || it->second != StatusOf(round)) ++accepted_.transitions;
      it->second = StatusOf(round);
    }
  }

  // A metric-only report; counted when it is sent while PostgreSQL is known to be down.
  void ReportMetric(v1::Reporter::Stub& stub) {
    const bool during_outage = outage_.load();
    v1::ReportResponse response;
    const bool ok =
        Report(stub, Batch("jobs", "w-1", {CounterEvent("jobs_done_total", 1)}), &response).ok() &&
        response.accepted() == 1;
    if (!during_outage || !outage_.load()) return;
    std::lock_guard<std::mutex> lock(accepted_.mu);
    ++accepted_.outage_metric_reports;
    if (!ok) ++accepted_.outage_metric_refusals;
  }

  Accepted accepted_;
  std::atomic<bool> outage_{false};
};

TEST_F(PostgresRestartTest, TheGatewayRecoversByItselfAndKeepsAcceptingReports) {
  auto gateway = StartGateway();
  ASSERT_TRUE(Eventually([&] { return IsReady(*gateway); })) << gateway->Log();
  auto stub = ReporterStub(gateway->grpc_target());

  // Rounds 0..4, all committed (visible over REST) before the server stops.
  for (int round = 0; round < 5; ++round) ReportHealth(*stub, round);
  ASSERT_EQ(accepted_.transitions, static_cast<size_t>(5 * kInstances));
  ASSERT_TRUE(Eventually([&] { return History(*gateway).size() == accepted_.transitions; }))
      << History(*gateway).dump();
  const json before = History(*gateway);
  const double connection_errors_before =
      MetricSum(*gateway, "fleetgate_storage_postgres_connection_errors_total");

  // Reporters keep going at a reporter's pace until told to stop.
  std::atomic<bool> stop{false};
  std::atomic<int> rounds{5};
  std::thread reporter([&] {
    while (!stop.load()) {
      ReportHealth(*stub, rounds.load());
      ReportMetric(*stub);
      ++rounds;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  ASSERT_TRUE(Eventually([&] { return rounds.load() > 8; }));

  server_.Stop();
  outage_ = true;
  // The outage shows: not Ready (storage and leader checks), the leader gauge 0, connection
  // errors counted, history queued; and reports, metrics included, are still accepted.
  int status = 0;
  EXPECT_TRUE(Eventually([&] {
    json body = Ready(*gateway, &status);
    return status == 503 && body.value("reason", "") == "leader_lock_lost";
  })) << gateway->Log();
  EXPECT_TRUE(Eventually([&] {
    json body = Ready(*gateway, &status);
    return body["checks"]["storage"].value("status", "") == "failing" &&
           body["checks"]["leader"].value("status", "") == "failing";
  })) << Ready(*gateway, &status).dump();
  EXPECT_TRUE(Eventually([&] { return MetricSum(*gateway, "fleetgate_leader") == 0; }));
  EXPECT_TRUE(Eventually([&] {
    return MetricSum(*gateway, "fleetgate_storage_postgres_connection_errors_total") >
           connection_errors_before;
  }));
  EXPECT_TRUE(Eventually([&] { return MetricSum(*gateway, "fleetgate_storage_queue_depth") > 0; }));
  const double done_before = MetricSum(*gateway, "jobs_done_total");
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> lock(accepted_.mu);
    return accepted_.outage_metric_reports >= 20;
  }));
  EXPECT_GT(MetricSum(*gateway, "jobs_done_total"),
            done_before);  // /metrics moves during the outage
  outage_ = false;

  const auto restarted_at = std::chrono::steady_clock::now();
  server_.Start();
  const bool recovered = Eventually([&] { return IsReady(*gateway); }, std::chrono::seconds(60));
  std::cout << "[ MEASURED ] gateway Ready again "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - restarted_at)
                   .count()
            << " ms after PostgreSQL accepted connections again" << std::endl;
  ASSERT_TRUE(recovered) << gateway->Log();
  EXPECT_EQ(MetricSum(*gateway, "fleetgate_leader"), 1);
  const int seen = rounds.load();
  EXPECT_TRUE(Eventually([&] { return rounds.load() > seen + 3; }));
  stop = true;
  reporter.join();
  {
    std::lock_guard<std::mutex> lock(accepted_.mu);
    EXPECT_EQ(accepted_.outage_metric_refusals, 0) << "of " << accepted_.outage_metric_reports;
  }

  // History writes resumed: every accepted transition is committed, the ones before the stop
  // among them, and the registry holds each instance's last accepted status.
  EXPECT_TRUE(Eventually([&] { return History(*gateway).size() == accepted_.transitions; }))
      << History(*gateway).size() << " of " << accepted_.transitions;
  std::multiset<std::string> have;
  for (const json& row : History(*gateway)) have.insert(row.dump());
  for (const json& row : before) EXPECT_EQ(have.count(row.dump()), 1u) << row.dump();
  for (const auto& [i, last] : accepted_.last) {
    EXPECT_EQ(InstanceStatus(*gateway, i), v1::HealthStatus_Name(last).substr(14)) << "i-" << i;
  }
  EXPECT_TRUE(gateway->Running());
  EXPECT_NE(gateway->Log().find("leadership lost"), std::string::npos);
}

// Two replicas through the same restart: afterwards exactly one leads (Ready, fleetgate_leader
// 1) and the other is a standby that refuses reports, whichever took the lock first; the old
// leader, if it lost the race, turns standby by itself.
TEST_F(PostgresRestartTest, TwoReplicasElectOneLeaderAgain) {
  auto first = StartGateway();
  ASSERT_TRUE(Eventually([&] { return IsReady(*first); })) << first->Log();
  auto second = StartGateway();
  int status = 0;
  ASSERT_TRUE(Eventually([&] { return Ready(*second, &status).value("reason", "") == "standby"; }));
  auto stub = ReporterStub(first->grpc_target());
  for (int round = 0; round < 3; ++round) ReportHealth(*stub, round);
  ASSERT_TRUE(Eventually([&] { return History(*first).size() == accepted_.transitions; }));
  const json before = History(*first);

  server_.Stop();
  EXPECT_TRUE(
      Eventually([&] { return Ready(*first, &status).value("reason", "") == "leader_lock_lost"; }));
  server_.Start();

  GatewayProcess* leader = nullptr;
  ASSERT_TRUE(Eventually(
      [&] {
        leader = IsReady(*first) ? first.get() : IsReady(*second) ? second.get() : nullptr;
        return leader != nullptr;
      },
      std::chrono::seconds(60)))
      << first->Log() << second->Log();
  GatewayProcess& standby = leader == first.get() ? *second : *first;
  EXPECT_TRUE(Eventually([&] {
    return Ready(standby, &status).value("reason", "") == "standby" && status == 503;
  })) << standby.Log();
  EXPECT_EQ(MetricSum(*leader, "fleetgate_leader"), 1);
  EXPECT_EQ(MetricSum(standby, "fleetgate_leader"), 0);
  EXPECT_FALSE(IsReady(standby));
  auto standby_stub = ReporterStub(standby.grpc_target());
  v1::ReportResponse response;
  EXPECT_EQ(Report(*standby_stub, Batch("checkout", "i-0", {HealthEvent(StatusOf(3))}), &response)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  auto leader_stub = ReporterStub(leader->grpc_target());
  EXPECT_TRUE(ReportOne({leader_stub.get()}, 0, 3));
  std::multiset<std::string> have;
  for (const json& row : History(*leader)) have.insert(row.dump());
  for (const json& row : before) EXPECT_EQ(have.count(row.dump()), 1u) << row.dump();
  std::cout << "[ MEASURED ] after the restart the "
            << (leader == first.get() ? "old leader" : "old standby") << " leads" << std::endl;
}

}  // namespace
}  // namespace fleetgate::testing
