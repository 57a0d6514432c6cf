// HttpServer under concurrent odd traffic and a slow reader of a ~10 MB response.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <thread>
#include <vector>

#include "http/request_head.h"
#include "unit/http/server_fixture.h"

namespace fleetgate::http::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kLargeBody = 10'000'000;  // about what /metrics is with 100k series
constexpr size_t kFirstRead = 65'536;      // what the slow reader takes before it stalls
constexpr int kSmallRcvbuf = 16'384;

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds_of = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

// Polls `done` until it holds or the deadline passes.
template <typename Predicate>
bool WaitUntil(Predicate done, Deadline deadline) {
  while (!done()) {
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

// What the test router answers for `method` on `path`.
int ExpectedStatus(const std::string& method, const std::string& path) {
  bool item = path == "/items/1" || path == "/items/x%20y";
  bool health = path == "/health";
  if (!IsKnownMethod(method)) return 501;
  if (!item && !health) return 404;
  if (method == "GET" || method == "HEAD") return 200;
  if (method == "OPTIONS") return 204;
  if (method == "DELETE" && item) return 204;
  return 405;
}

TEST_F(HttpServerTest, ConcurrentOddMethodsOnManyPathsAreAllAnswered) {
  ServerOptions options;
  options.threads = 2;
  StartServer(options);
  const std::vector<std::string> methods = {"GET", "PATCH", "DELETE", "OPTIONS", "PUT",
                                            "FOO", "HEAD",  "POST",   "BREW",    "TRACE"};
  const std::vector<std::string> paths = {
      "/health", "/items/1", "/items/x%20y", "/nope", "/items/", "/items/1/2", "/"};
  std::atomic<int> wrong{0};
  std::atomic<int> answered{0};
  auto worker = [&](int seed, bool only_get) {
    auto client = std::make_unique<TestClient>(port());
    for (int i = 0; i < 60; ++i) {
      std::string method = only_get ? "GET" : methods[(seed * 7 + i) % methods.size()];
      const std::string& path = paths[(seed + i * 3) % paths.size()];
      auto response = client->Roundtrip(MakeRequest(method, path));
      if (!response || response->status != ExpectedStatus(method, path)) ++wrong;
      if (response) ++answered;
      // The server closes the connection after an unparseable request; start a new one.
      if (!response || response->Header("connection") == "close") {
        client = std::make_unique<TestClient>(port());
      }
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) threads.emplace_back(worker, t, t % 3 == 0);
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(answered.load(), 8 * 60);
  TestClient after(port());
  EXPECT_EQ(after.Roundtrip(MakeRequest("GET", "/health"))->status, 200);
}

// A client with a tiny receive buffer reads 64 KiB of a ~10 MB response and stalls. Pistache's own
// transport would spin a worker on EAGAIN here (~100% of a core) and starve other connections on
// it; with one worker thread that would also block the second client below.
TEST_F(HttpServerTest, SlowReaderOfLargeResponseNeitherSpinsNorBlocksOthers) {
  large_body_ = std::make_shared<std::string>(PatternText(kLargeBody));
  ServerOptions options;
  options.threads = 1;
  StartServer(options);

  TestClient slow(port(), /*rcvbuf=*/kSmallRcvbuf);
  ASSERT_TRUE(slow.Send(MakeRequest("GET", "/large")));
  std::string received;
  while (received.size() < kFirstRead) {
    std::string some = slow.ReadSome(kFirstRead - received.size(), In(seconds(10)));
    ASSERT_FALSE(some.empty()) << "no data after " << received.size() << " bytes";
    received += some;
  }
  // The rest does not fit in the socket buffers: the writer thread holds it.
  ASSERT_TRUE(WaitUntil([&] { return server_->pending_writes() == 1; }, In(seconds(10))));

  // The stall window: the slow client reads nothing while another client is served; the process
  // CPU time over the window shows whether anything spins.
  TestClient other(port());
  double cpu_start = ProcessCpuSeconds();
  auto window_start = SteadyClock::now();
  for (int i = 0; i < 10; ++i) {
    auto sent = SteadyClock::now();
    auto response = other.Roundtrip(MakeRequest("GET", "/health"), seconds(5));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_LT(SteadyClock::now() - sent, seconds(1)) << "other client waited";
    // Spaces the probes over the measured window; nothing is awaited here.
    std::this_thread::sleep_until(window_start + milliseconds(100 * (i + 1)));
  }
  double cpu = ProcessCpuSeconds() - cpu_start;
  double wall = std::chrono::duration<double>(SteadyClock::now() - window_start).count();
  EXPECT_LT(cpu, 0.5 * wall) << "CPU " << cpu << " s over " << wall << " s of stall";

  // Now the slow reader drains the rest and gets every byte, in order.
  size_t head_end = received.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  const size_t total = head_end + 4 + kLargeBody;
  while (received.size() < total) {
    std::string some = slow.ReadSome(total - received.size(), In(seconds(30)));
    ASSERT_FALSE(some.empty()) << "stopped after " << received.size() << " of " << total;
    received += some;
  }
  EXPECT_EQ(received.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_TRUE(received.compare(head_end + 4, std::string::npos, *large_body_) == 0) << "differs";
  EXPECT_TRUE(WaitUntil([&] { return server_->pending_writes() == 0; }, In(seconds(10))));
}

TEST_F(HttpServerTest, ReaderThatNeverReadsIsCutOffAfterWriteTimeout) {
  large_body_ = std::make_shared<std::string>(PatternText(kLargeBody));
  ServerOptions options;
  options.write_timeout = milliseconds(300);
  StartServer(options);
  TestClient stalled(port(), /*rcvbuf=*/kSmallRcvbuf);
  ASSERT_TRUE(stalled.Send(MakeRequest("GET", "/large")));
  ASSERT_TRUE(WaitUntil([&] { return server_->pending_writes() == 1; }, In(seconds(10))));
  EXPECT_TRUE(WaitUntil([&] { return server_->pending_writes() == 0; }, In(seconds(10))));
  EXPECT_TRUE(stalled.WaitForEof(In(seconds(10))));
  TestClient other(port());
  EXPECT_EQ(other.Roundtrip(MakeRequest("GET", "/health"))->status, 200);
}

TEST_F(HttpServerTest, ShutdownWithAStalledReaderReturnsAndClosesIt) {
  large_body_ = std::make_shared<std::string>(PatternText(kLargeBody));
  StartServer();
  TestClient stalled(port(), /*rcvbuf=*/kSmallRcvbuf);
  ASSERT_TRUE(stalled.Send(MakeRequest("GET", "/large")));
  ASSERT_TRUE(WaitUntil([&] { return server_->pending_writes() == 1; }, In(seconds(10))));
  server_->Shutdown();
  EXPECT_EQ(server_->pending_writes(), 0u);
  EXPECT_TRUE(stalled.WaitForEof(In(seconds(10))));
  EXPECT_THROW(server_->Start(), std::logic_error);
}

}  // namespace
}  // namespace fleetgate::http::testing
