#include "alerts/alertmanager_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/registry.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/time_format.h"
#include "http/http_server.h"
#include "http/router.h"

namespace fleetgate::alerts {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

template <typename Condition>
bool Eventually(Condition condition, milliseconds deadline = milliseconds(10000)) {
  auto until = steady_clock::now() + deadline;
  while (steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return condition();
}

// An Alertmanager stand-in on 127.0.0.1:0: records accepted bodies of POST
// <prefix>/api/v2/alerts, and can fail, reject, or hold requests until released.
class FakeAlertmanager {
 public:
  explicit FakeAlertmanager(const std::string& prefix = "") {
    auto router = std::make_shared<http::Router>();
    router->Handle("POST", prefix + "/api/v2/alerts",
                   [this](const http::Request& request) { return Handle(request); });
    http::ServerOptions options;
    options.address = "127.0.0.1:0";
    options.threads = 2;
    server_ = std::make_unique<http::HttpServer>(options, router, nullptr);
    server_->Start();
  }
  ~FakeAlertmanager() {
    Release();
    server_->Shutdown();
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void FailNext(int times, int status) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_next_ = times;
    fail_status_ = status;
  }
  void AnswerAlways(int status) {
    std::lock_guard<std::mutex> lock(mu_);
    always_ = status;
  }
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
    released_.notify_all();
  }
  std::vector<nlohmann::json> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }
  int requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  int held() {
    std::lock_guard<std::mutex> lock(mu_);
    return held_;
  }

 private:
  http::Response Handle(const http::Request& request) {
    std::unique_lock<std::mutex> lock(mu_);
    ++requests_;
    ++held_;
    released_.wait(lock, [this] { return !hold_; });
    --held_;
    if (always_ != 0) return http::JsonError(always_, "bad_data", "rejected by the test");
    if (fail_next_ > 0) {
      --fail_next_;
      return http::JsonError(fail_status_, "unavailable", "failing on purpose");
    }
    bodies_.push_back(nlohmann::json::parse(request.body));
    return http::Json(200, nlohmann::json::object());
  }

  std::unique_ptr<http::HttpServer> server_;
  std::mutex mu_;
  std::condition_variable released_;
  std::vector<nlohmann::json> bodies_;
  int requests_ = 0;
  int held_ = 0;
  int fail_next_ = 0;
  int fail_status_ = 503;
  int always_ = 0;
  bool hold_ = false;
};

// A bound loopback socket; with Listen() the kernel accepts connections that nobody answers.
class RawSocket {
 public:
  RawSocket() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t length = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~RawSocket() { close(fd_); }
  void Listen() { listen(fd_, 16); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

// A port where nothing listens: connections are refused.
std::string ClosedPortBase() { return RawSocket().base(); }

AlertmanagerAlert MakeAlert(const std::string& instance) {
  AlertmanagerAlert alert;
  alert.labels = {{"alertname", "InstanceDown"}, {"instance", instance}};
  alert.annotations = {{"summary", instance + " is down"}};
  alert.starts_at = *ParseRfc3339("2026-03-01T10:00:00.250Z");
  return alert;
}

std::vector<AlertmanagerAlert> MakeAlerts(int count, int first = 0) {
  std::vector<AlertmanagerAlert> alerts;
  for (int i = first; i < first + count; ++i) alerts.push_back(MakeAlert("i-" + std::to_string(i)));
  return alerts;
}

// The instances of one posted body, in order.
std::vector<std::string> Instances(const nlohmann::json& body) {
  std::vector<std::string> instances;
  for (const auto& alert : body) instances.push_back(alert["labels"]["instance"]);
  return instances;
}

class AlertmanagerClientTest : public ::testing::Test {
 protected:
  AlertmanagerClientOptions Options(std::vector<std::string> urls) {
    AlertmanagerClientOptions options;
    options.urls = std::move(urls);
    options.timeout = milliseconds(5000);
    options.initial_backoff = milliseconds(5);
    options.max_backoff = milliseconds(20);
    return options;
  }

  // The value of a counter or gauge, or a histogram's sample count; -1 when absent.
  double Metric(const std::string& name, const std::string& alertmanager,
                const std::string& result = "") {
    for (const auto& family : registry_.Collect()) {
      if (family.name != name) continue;
      for (const auto& metric : family.metric) {
        std::map<std::string, std::string> labels;
        for (const auto& label : metric.label) labels[label.name] = label.value;
        if (labels["alertmanager"] != alertmanager || labels["result"] != result) continue;
        if (family.type == prometheus::MetricType::Histogram) {
          return static_cast<double>(metric.histogram.sample_count);
        }
        return family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                              : metric.gauge.value;
      }
    }
    return -1;
  }
  double Notifications(const std::string& alertmanager, const std::string& result) {
    return Metric("fleetgate_notifications_total", alertmanager, result);
  }

  prometheus::Registry registry_;
};

TEST_F(AlertmanagerClientTest, PostsAlertsAsV2JsonArrayUnderThePathPrefix) {
  FakeAlertmanager am("/prefix");
  std::string url = am.base() + "/prefix/";
  AlertmanagerClient client(Options({url}), registry_);
  AlertmanagerAlert resolved = MakeAlert("i-1");
  resolved.ends_at = *ParseRfc3339("2026-03-01T10:05:00Z");
  resolved.generator_url = "http://fleetgate:8080/api/v1/rules/InstanceDown";
  client.Send({resolved, MakeAlert("i-2")});
  ASSERT_TRUE(client.FlushFor(milliseconds(10000)));

  ASSERT_EQ(am.bodies().size(), 1u);
  nlohmann::json expected = nlohmann::json::parse(R"([
    {"labels": {"alertname": "InstanceDown", "instance": "i-1"},
     "annotations": {"summary": "i-1 is down"},
     "startsAt": "2026-03-01T10:00:00.250Z", "endsAt": "2026-03-01T10:05:00.000Z",
     "generatorURL": "http://fleetgate:8080/api/v1/rules/InstanceDown"},
    {"labels": {"alertname": "InstanceDown", "instance": "i-2"},
     "annotations": {"summary": "i-2 is down"},
     "startsAt": "2026-03-01T10:00:00.250Z"}])");
  EXPECT_EQ(am.bodies()[0], expected);
  EXPECT_EQ(Notifications(url, "sent"), 2);
  EXPECT_EQ(Notifications(url, "error"), 0);
  EXPECT_EQ(Notifications(url, "dropped"), 0);
  EXPECT_EQ(Metric("fleetgate_notification_latency_seconds", url), 1);
  EXPECT_EQ(Metric("fleetgate_notification_queue_length", url), 0);
}

TEST_F(AlertmanagerClientTest, EmptyLabelSetsAreJsonObjects) {
  AlertmanagerAlert alert;
  nlohmann::json payload = AlertmanagerPayload({alert});
  EXPECT_TRUE(payload[0]["labels"].is_object());
  EXPECT_TRUE(payload[0]["annotations"].is_object());
}

TEST_F(AlertmanagerClientTest, InitialisesEveryResultAtZero) {
  std::string url = ClosedPortBase();
  AlertmanagerClient client(Options({url}), registry_);
  for (const char* result : {"sent", "error", "dropped"}) {
    EXPECT_EQ(Notifications(url, result), 0) << result;
  }
  EXPECT_EQ(Metric("fleetgate_notification_queue_length", url), 0);
}

TEST_F(AlertmanagerClientTest, SplitsIntoBatchesOfAtMostMaxBatchInOrder) {
  FakeAlertmanager am;
  AlertmanagerClientOptions options = Options({am.base()});
  options.max_batch = 3;
  AlertmanagerClient client(options, registry_);
  client.Send(MakeAlerts(7));
  ASSERT_TRUE(client.FlushFor(milliseconds(10000)));

  std::vector<nlohmann::json> bodies = am.bodies();
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_EQ(Instances(bodies[0]), (std::vector<std::string>{"i-0", "i-1", "i-2"}));
  EXPECT_EQ(Instances(bodies[1]), (std::vector<std::string>{"i-3", "i-4", "i-5"}));
  EXPECT_EQ(Instances(bodies[2]), (std::vector<std::string>{"i-6"}));
  EXPECT_EQ(Notifications(am.base(), "sent"), 7);
  EXPECT_EQ(Metric("fleetgate_notification_latency_seconds", am.base()), 3);
}

TEST_F(AlertmanagerClientTest, RetriesUnavailableAndTooManyRequestsUntilAccepted) {
  for (int status : {503, 429, 500}) {
    prometheus::Registry registry;
    FakeAlertmanager am;
    am.FailNext(2, status);
    AlertmanagerClient client(Options({am.base()}), registry);
    client.Send(MakeAlerts(2));
    ASSERT_TRUE(client.FlushFor(milliseconds(10000)));
    EXPECT_EQ(am.requests(), 3) << status;
    EXPECT_EQ(am.bodies().size(), 1u) << status;
  }
}

TEST_F(AlertmanagerClientTest, CountsErrorsOfEachFailedAttemptAndTheFinalSend) {
  FakeAlertmanager am;
  am.FailNext(2, 503);
  AlertmanagerClient client(Options({am.base()}), registry_);
  client.Send(MakeAlerts(2));
  ASSERT_TRUE(client.FlushFor(milliseconds(10000)));
  EXPECT_EQ(Notifications(am.base(), "error"), 4);
  EXPECT_EQ(Notifications(am.base(), "sent"), 2);
  EXPECT_EQ(Notifications(am.base(), "dropped"), 0);
  EXPECT_EQ(Metric("fleetgate_notification_latency_seconds", am.base()), 3);
}

TEST_F(AlertmanagerClientTest, GivesUpAfterMaxAttempts) {
  FakeAlertmanager am;
  am.AnswerAlways(503);
  AlertmanagerClientOptions options = Options({am.base()});
  options.max_attempts = 3;
  AlertmanagerClient client(options, registry_);
  client.Send(MakeAlerts(1));
  ASSERT_TRUE(client.FlushFor(milliseconds(10000)));
  EXPECT_EQ(am.requests(), 3);
  EXPECT_EQ(Notifications(am.base(), "error"), 3);
  EXPECT_EQ(Notifications(am.base(), "dropped"), 1);
  EXPECT_EQ(Notifications(am.base(), "sent"), 0);
}

TEST_F(AlertmanagerClientTest, DropsABatchRejectedWith400WithoutRetrying) {
  FakeAlertmanager am;
  am.AnswerAlways(400);
  AlertmanagerClient client(Options({am.base()}), registry_);
  client.Send(MakeAlerts(2));
  ASSERT_TRUE(client.FlushFor(milliseconds(10000)));
  EXPECT_EQ(am.requests(), 1);
  EXPECT_EQ(Notifications(am.base(), "error"), 2);
  EXPECT_EQ(Notifications(am.base(), "dropped"), 2);
}

TEST_F(AlertmanagerClientTest, FullQueueDropsTheOldestAlerts) {
  FakeAlertmanager am;
  am.Hold();
  AlertmanagerClientOptions options = Options({am.base()});
  options.queue_capacity = 3;
  AlertmanagerClient client(options, registry_);
  client.Send(MakeAlerts(1, 100));
  ASSERT_TRUE(Eventually([&] { return am.held() == 1; }));  // the worker is busy posting i-100

  client.Send(MakeAlerts(5));
  EXPECT_EQ(Metric("fleetgate_notification_queue_length", am.base()), 3);
  EXPECT_EQ(Notifications(am.base(), "dropped"), 2);
  am.Release();
  ASSERT_TRUE(client.FlushFor(milliseconds(10000)));

  std::vector<nlohmann::json> bodies = am.bodies();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(Instances(bodies[0]), (std::vector<std::string>{"i-100"}));
  EXPECT_EQ(Instances(bodies[1]), (std::vector<std::string>{"i-2", "i-3", "i-4"}));
  EXPECT_EQ(Metric("fleetgate_notification_queue_length", am.base()), 0);
}

TEST_F(AlertmanagerClientTest, DeadAlertmanagersDoNotDelayALiveOne) {
  FakeAlertmanager live;
  RawSocket silent;  // accepts connections, never answers
  silent.Listen();
  std::string refused = ClosedPortBase();
  AlertmanagerClientOptions options = Options({refused, silent.base(), live.base()});
  options.timeout = milliseconds(20000);
  options.initial_backoff = milliseconds(20000);
  options.max_backoff = milliseconds(20000);
  AlertmanagerClient client(options, registry_);

  auto start = steady_clock::now();
  client.Send(MakeAlerts(1));
  // Sent once the client has the live one's answer, not when the body arrived: Stop() aborts a
  // POST still waiting for its answer, and that batch counts as dropped.
  ASSERT_TRUE(Eventually([&] { return Notifications(live.base(), "sent") == 1; }));
  EXPECT_LT(steady_clock::now() - start, milliseconds(3000));
  EXPECT_EQ(live.bodies().size(), 1u);
  EXPECT_TRUE(Eventually([&] { return Notifications(refused, "error") == 1; }));

  start = steady_clock::now();
  client.Stop();  // one worker waits out a backoff, one is inside a POST
  EXPECT_LT(steady_clock::now() - start, milliseconds(3000));
  EXPECT_EQ(Notifications(refused, "dropped"), 1);
  EXPECT_EQ(Notifications(silent.base(), "dropped"), 1);
  EXPECT_EQ(Notifications(live.base(), "sent"), 1);
}

TEST_F(AlertmanagerClientTest, StopDuringBackoffReturnsPromptly) {
  std::string refused = ClosedPortBase();
  AlertmanagerClientOptions options = Options({refused});
  options.initial_backoff = milliseconds(30000);
  options.max_backoff = milliseconds(30000);
  AlertmanagerClient client(options, registry_);
  client.Send(MakeAlerts(2));
  ASSERT_TRUE(Eventually([&] { return Notifications(refused, "error") == 2; }));

  auto start = steady_clock::now();
  client.Stop();
  EXPECT_LT(steady_clock::now() - start, milliseconds(1000));
  EXPECT_EQ(Notifications(refused, "dropped"), 2);
}

TEST_F(AlertmanagerClientTest, SendAfterStopCountsTheAlertsAsDropped) {
  FakeAlertmanager am;
  AlertmanagerClient client(Options({am.base()}), registry_);
  client.Stop();
  client.Send(MakeAlerts(3));
  EXPECT_TRUE(client.FlushFor(milliseconds(100)));
  EXPECT_EQ(Notifications(am.base(), "dropped"), 3);
  EXPECT_EQ(am.requests(), 0);
}

// URLs, timeout, queue capacity and attempts are validated by config (tests/unit/config).
TEST_F(AlertmanagerClientTest, RejectsAZeroBatchSize) {
  AlertmanagerClientOptions no_batch = Options({"http://am:9093"});
  no_batch.max_batch = 0;
  EXPECT_THROW(AlertmanagerClient(std::move(no_batch), registry_), std::invalid_argument);
}

}  // namespace
}  // namespace fleetgate::alerts
