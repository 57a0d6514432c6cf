#include "events/sse_hub.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "support/sanitizer.h"

namespace fleetgate::events {
namespace {

using std::chrono::milliseconds;

// One end of a socket pair is handed to the hub, the test reads the other.
struct Client {
  int fd = -1;
  std::string received;
  bool closed = false;

  ~Client() {
    if (fd >= 0) close(fd);
  }

  // Reads what has arrived, waiting up to `wait` for something.
  void ReadFor(milliseconds wait) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return;
    char buffer[65536];
    while (true) {
      ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) {
        received.append(buffer, static_cast<size_t>(n));
      } else {
        if (n == 0) closed = true;
        return;
      }
    }
  }

  std::vector<uint64_t> Ids() const {
    std::vector<uint64_t> ids;
    size_t pos = 0;
    while ((pos = received.find("id: ", pos)) != std::string::npos) {
      ids.push_back(std::stoull(received.substr(pos + 4)));
      pos += 4;
    }
    return ids;
  }

  // Reads until `done` holds or the deadline passes.
  template <typename Done>
  bool ReadUntil(Done done, milliseconds deadline = milliseconds(10000)) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (!done() && !closed && std::chrono::steady_clock::now() < until)
      ReadFor(milliseconds(50));
    return done();
  }
};

// Returns the hub's end; `client` gets the other.
int Connect(Client& client, int sndbuf = 0) {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  if (sndbuf > 0) {
    setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof sndbuf);
  }
  client.fd = fds[1];
  return fds[0];
}

int Threads() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return 0;
}

class SseHubTest : public ::testing::Test {
 protected:
  HubOptions Options() {
    HubOptions options;
    options.ring_events = 100;
    options.subscriber_buffer_bytes = 64 * 1024;
    options.max_subscribers = 2000;
    return options;
  }
};

TEST_F(SseHubTest, WritesTheHeadThenEveryEventInOrder) {
  SseHub hub(Options());
  Client client;
  ASSERT_TRUE(hub.Subscribe(Connect(client), "HEAD\r\n\r\n", std::nullopt));
  for (int i = 0; i < 50; ++i) hub.Publish("transition", "{\"n\":" + std::to_string(i) + "}");
  ASSERT_TRUE(client.ReadUntil([&] { return client.Ids().size() == 50; }));
  EXPECT_EQ(client.received.rfind("HEAD\r\n\r\nretry: 2000\n\n", 0), 0u);
  std::vector<uint64_t> ids = client.Ids();
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], i + 1);
}

TEST_F(SseHubTest, ReplaysWhatAReconnectingClientMissedThenGoesLive) {
  SseHub hub(Options());
  for (int i = 0; i < 5; ++i) hub.Publish("transition", "{}");
  Client client;
  ASSERT_TRUE(hub.Subscribe(Connect(client), "", uint64_t{2}));
  hub.Publish("alert", "{}");
  ASSERT_TRUE(client.ReadUntil([&] { return client.Ids().size() == 4; }));
  EXPECT_EQ(client.Ids(), (std::vector<uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ(client.received.find("event: reset"), std::string::npos);
}

TEST_F(SseHubTest, TellsAClientThatMissedMoreThanTheRingHoldsToReload) {
  HubOptions options = Options();
  options.ring_events = 2;
  SseHub hub(options);
  for (int i = 0; i < 5; ++i) hub.Publish("transition", "{}");
  Client client;
  ASSERT_TRUE(hub.Subscribe(Connect(client), "", uint64_t{1}));
  ASSERT_TRUE(client.ReadUntil([&] { return client.Ids().size() == 2; }));
  EXPECT_NE(client.received.find("event: reset"), std::string::npos);
  EXPECT_EQ(client.Ids(), (std::vector<uint64_t>{4, 5}));
}

TEST_F(SseHubTest, DropsASlowSubscriberWithoutHoldingUpTheOthers) {
  HubOptions options = Options();
  options.subscriber_buffer_bytes = 16 * 1024;
  SseHub hub(options);
  Client slow, fast;
  ASSERT_TRUE(hub.Subscribe(Connect(slow, 4096), "", std::nullopt));
  ASSERT_TRUE(hub.Subscribe(Connect(fast), "", std::nullopt));
  const std::string data = "{\"detail\":\"" + std::string(1000, 'x') + "\"}";
  for (size_t i = 1; i <= 300; ++i) {
    hub.Publish("transition", data);
    ASSERT_TRUE(fast.ReadUntil([&] { return fast.Ids().size() == i; }));  // keeps up
  }
  ASSERT_TRUE(fast.ReadUntil([&] { return fast.Ids().size() == 300; }));
  EXPECT_FALSE(fast.closed);
  EXPECT_EQ(hub.Stats().dropped, 1u);
  EXPECT_EQ(hub.Stats().subscribers, 1u);
  // The slow one finds its stream ended once it reads what was sent before the drop.
  EXPECT_TRUE(slow.ReadUntil([&] { return slow.closed; }));
  EXPECT_LT(slow.Ids().size(), 300u);
}

TEST_F(SseHubTest, AThousandIdleSubscribersCostBoundedMemoryAndNoThreads) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 2200 && limit.rlim_max >= 2200) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < 2200) GTEST_SKIP() << "needs 2200 descriptors";
  SseHub hub(Options());
  const int threads_before = Threads();
  std::vector<Client> clients(1000);
  std::vector<int> hub_ends;
  for (Client& client : clients) hub_ends.push_back(Connect(client));
  const long held_before = testing::HeldKiB();
  for (int fd : hub_ends) ASSERT_TRUE(hub.Subscribe(fd, "", std::nullopt));
  for (int i = 0; i < 20; ++i) hub.Publish("transition", std::string(200, 'x'));
  // Every subscriber has all of it in its socket: nothing stays buffered in the gateway.
  ASSERT_TRUE(clients.back().ReadUntil([&] { return clients.back().Ids().size() == 20; }));
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (hub.Stats().buffered_bytes > 0 && std::chrono::steady_clock::now() < until) {
    hub.Publish("transition", "{}");  // a pass of the hub thread refreshes the statistics
  }
  HubStats stats = hub.Stats();
  EXPECT_EQ(stats.subscribers, 1000u);
  EXPECT_EQ(stats.buffered_bytes, 0u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(Threads(), threads_before);
  // Per subscriber at most a burst's flush threshold (16 KiB) was ever held; what stays is
  // its bookkeeping, the buffer's capacity being released once written. (Resident set, or the
  // live heap under ASan: support/sanitizer.h.)
  EXPECT_LT(testing::HeldKiB() - held_before, 16 * 1000);
}

TEST_F(SseHubTest, RefusesSubscribersBeyondTheLimit) {
  HubOptions options = Options();
  options.max_subscribers = 1;
  SseHub hub(options);
  Client first, second;
  ASSERT_TRUE(hub.Subscribe(Connect(first), "", std::nullopt));
  EXPECT_TRUE(hub.Full());
  EXPECT_FALSE(hub.Subscribe(Connect(second), "", std::nullopt));
  EXPECT_TRUE(second.ReadUntil([&] { return second.closed; }));
}

TEST_F(SseHubTest, ForgetsASubscriberThatHungUp) {
  SseHub hub(Options());
  auto client = std::make_unique<Client>();
  ASSERT_TRUE(hub.Subscribe(Connect(*client), "", std::nullopt));
  client.reset();
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (hub.Stats().subscribers > 0 && std::chrono::steady_clock::now() < until) {
    hub.Publish("transition", "{}");
  }
  EXPECT_EQ(hub.Stats().subscribers, 0u);
}

}  // namespace
}  // namespace fleetgate::events
