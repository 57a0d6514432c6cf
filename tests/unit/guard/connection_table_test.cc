#include "guard/connection_table.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <prometheus/registry.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace fleetgate::guard {
namespace {

using Clock = std::chrono::steady_clock;

// A real loopback TCP connection: the client end, and a duplicate of the accepted end handed to
// the table as the acceptor does.
struct Loopback {
  int client = -1;
  int server = -1;
  ~Loopback() {
    if (client >= 0) close(client);
    if (server >= 0) close(server);
  }
};

class ConnectionTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener_, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(listen(listener_, 8), 0);
    socklen_t length = sizeof address_;
    ASSERT_EQ(getsockname(listener_, reinterpret_cast<sockaddr*>(&address_), &length), 0);
  }
  void TearDown() override { close(listener_); }

  // Connects, accepts, and adds a duplicate of the accepted socket to the table.
  void Open(Loopback& connection) {
    connection.client = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect(connection.client, reinterpret_cast<sockaddr*>(&address_), sizeof address_),
              0);
    connection.server = accept(listener_, nullptr, nullptr);
    ASSERT_GE(connection.server, 0);
    table_.Add(dup(connection.server), "127.0.0.1", Clock::now());
  }

  // Sends `bytes` from the client and reads them on the server, as gRPC would.
  static void Send(const Loopback& connection, size_t bytes) {
    const std::string chunk(16 * 1024, 'x');
    std::vector<char> sink(chunk.size());
    for (size_t left = bytes; left > 0;) {
      const size_t n = std::min(left, chunk.size());
      ASSERT_EQ(write(connection.client, chunk.data(), n), static_cast<ssize_t>(n));
      for (size_t got = 0; got < n;) {
        const ssize_t r = read(connection.server, sink.data(), n - got);
        ASSERT_GT(r, 0);
        got += static_cast<size_t>(r);
      }
      left -= n;
    }
  }

  // True when the client sees its connection ended by the server (shut down, not just idle).
  static bool EndedByServer(const Loopback& connection) {
    pollfd fd{connection.client, POLLIN, 0};
    if (poll(&fd, 1, 1000) != 1) return false;
    char byte;
    return read(connection.client, &byte, 1) == 0;
  }

  prometheus::Registry registry_;
  GuardMetrics metrics_{registry_};
  ConnectionTable table_{metrics_};
  int listener_ = -1;
  sockaddr_in address_{};
};

TEST_F(ConnectionTableTest, ShedsTheConnectionReceivingTheMost) {
  Loopback light, heavy;
  Open(light);
  Open(heavy);
  Send(light, ConnectionTable::kShedFloorBytes + 1024);
  Send(heavy, 4 * ConnectionTable::kShedFloorBytes);
  table_.Refresh(Clock::now());
  ASSERT_TRUE(table_.ShedHeaviest("memory"));
  EXPECT_TRUE(EndedByServer(heavy));
  // The next shed takes the lighter one, which is over the floor too; then nothing is left.
  ASSERT_TRUE(table_.ShedHeaviest("memory"));
  EXPECT_TRUE(EndedByServer(light));
  EXPECT_FALSE(table_.ShedHeaviest("memory"));
}

// Memory the allocator keeps after a flood was shed must not shed every normal caller after it:
// a connection under one flow-control window is never a candidate.
TEST_F(ConnectionTableTest, SparesConnectionsBelowTheFloor) {
  Loopback normal, idle;
  Open(normal);
  Open(idle);
  Send(normal, 600);  // one small unary Report with its preface and SETTINGS
  table_.Refresh(Clock::now());
  EXPECT_FALSE(table_.ShedHeaviest("memory"));
  EXPECT_FALSE(table_.ShedHeaviest("slow"));
  pollfd fd{normal.client, POLLIN, 0};
  EXPECT_EQ(poll(&fd, 1, 0), 0) << "the normal connection must stay open";
  EXPECT_EQ(table_.size(), 2u);
}

TEST_F(ConnectionTableTest, ShedAllOverFloorTakesEveryHeavyConnectionAndSparesTheRest) {
  Loopback first, second, normal;
  Open(first);
  Open(second);
  Open(normal);
  Send(first, 2 * ConnectionTable::kShedFloorBytes);
  Send(second, ConnectionTable::kShedFloorBytes);
  Send(normal, 600);
  table_.Refresh(Clock::now());
  EXPECT_EQ(table_.ShedAllOverFloor("memory"), 2u);
  EXPECT_TRUE(EndedByServer(first));
  EXPECT_TRUE(EndedByServer(second));
  pollfd fd{normal.client, POLLIN, 0};
  EXPECT_EQ(poll(&fd, 1, 0), 0) << "the normal connection must stay open";
  EXPECT_EQ(table_.ShedAllOverFloor("memory"), 0u);  // each is shed once
}

TEST_F(ConnectionTableTest, RefreshForgetsClosedConnections) {
  Loopback kept, gone;
  Open(kept);
  Open(gone);
  close(gone.client);
  gone.client = -1;
  close(gone.server);
  gone.server = -1;
  // The peer's FIN moves our duplicate out of ESTABLISHED; poll until the kernel has it.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (table_.size() > 1 && Clock::now() < deadline) table_.Refresh(Clock::now());
  EXPECT_EQ(table_.size(), 1u);
}

}  // namespace
}  // namespace fleetgate::guard
