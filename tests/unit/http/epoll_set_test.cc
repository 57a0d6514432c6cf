#include "http/epoll_set.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace fleetgate::http {
namespace {

struct SocketPair {
  int a = -1;
  int b = -1;
  SocketPair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, &a), 0); }
  ~SocketPair() {
    close(a);
    close(b);
  }
};

TEST(EpollSetTest, ReportsReadySocketsAndConsumesAWake) {
  EpollSet set("test");
  SocketPair pair;
  ASSERT_TRUE(set.Add(pair.a, EPOLLIN));
  ASSERT_EQ(write(pair.b, "x", 1), 1);
  set.Wake();
  set.Wake();  // two wakes before a Wait are one
  epoll_event events[4];
  bool woken = false;
  ASSERT_EQ(set.Wait(events, 4, 1000, &woken), 1);
  EXPECT_TRUE(woken);
  EXPECT_EQ(events[0].data.fd, pair.a);
  // The wake was consumed; the socket stays readable (level-triggered) until it is read.
  ASSERT_EQ(set.Wait(events, 4, 0, &woken), 1);
  EXPECT_FALSE(woken);
  char byte;
  ASSERT_EQ(read(pair.a, &byte, 1), 1);
  EXPECT_EQ(set.Wait(events, 4, 0, &woken), 0);
  EXPECT_FALSE(woken);
}

TEST(EpollSetTest, ModifyAndRemoveChangeWhatIsReported) {
  EpollSet set("test");
  SocketPair pair;
  ASSERT_TRUE(set.Add(pair.a, EPOLLIN));
  epoll_event events[4];
  bool woken = false;
  EXPECT_EQ(set.Wait(events, 4, 0, &woken), 0);  // nothing to read yet
  set.Modify(pair.a, EPOLLIN | EPOLLOUT);        // an empty send buffer is writable
  ASSERT_EQ(set.Wait(events, 4, 0, &woken), 1);
  EXPECT_TRUE(events[0].events & EPOLLOUT);
  set.Remove(pair.a);
  EXPECT_EQ(set.Wait(events, 4, 0, &woken), 0);
  EXPECT_FALSE(set.Add(-1, EPOLLIN));
}

TEST(EpollSetTest, WakeFromAnotherThreadEndsAnUnboundedWait) {
  EpollSet set("test");
  std::thread waker([&set] { set.Wake(); });
  epoll_event events[4];
  bool woken = false;
  EXPECT_EQ(set.Wait(events, 4, -1, &woken), 0);
  EXPECT_TRUE(woken);
  waker.join();
}

}  // namespace
}  // namespace fleetgate::http
