#include "events/event_log.h"

#include <gtest/gtest.h>

namespace fleetgate::events {
namespace {

TEST(EventLogTest, GivesIdsThatOnlyGrow) {
  EventLog log(3);
  EXPECT_EQ(log.Append("transition", "{}").id, 1u);
  EXPECT_EQ(log.Append("alert", "{}").id, 2u);
  EXPECT_EQ(log.last_id(), 2u);
}

TEST(EventLogTest, ReplaysTheEventsAfterTheGivenId) {
  EventLog log(10);
  for (int i = 0; i < 5; ++i) log.Append("transition", std::to_string(i));
  Replay replay = log.Since(2);
  EXPECT_FALSE(replay.gap);
  ASSERT_EQ(replay.events.size(), 3u);
  EXPECT_EQ(replay.events.front().id, 3u);
  EXPECT_EQ(replay.events.back().id, 5u);
  EXPECT_TRUE(log.Since(5).events.empty());
}

TEST(EventLogTest, KeepsOnlyTheNewestEventsAndReportsTheGap) {
  EventLog log(3);
  for (int i = 0; i < 6; ++i) log.Append("transition", "{}");
  EXPECT_EQ(log.size(), 3u);
  Replay replay = log.Since(1);
  EXPECT_TRUE(replay.gap);
  ASSERT_EQ(replay.events.size(), 3u);
  EXPECT_EQ(replay.events.front().id, 4u);
  EXPECT_FALSE(log.Since(3).gap);
}

TEST(EventLogTest, TreatsAnIdFromAnEarlierRunAsAGap) {
  EventLog log(3);
  log.Append("transition", "{}");
  Replay replay = log.Since(900);
  EXPECT_TRUE(replay.gap);
  EXPECT_TRUE(replay.events.empty());
}

TEST(EventLogTest, FormatsOneSseFrameWithoutRawNewlinesInData) {
  Event event{7, "transition", "{\"a\":\"x\ny\"}"};
  EXPECT_EQ(FormatSse(event), "id: 7\nevent: transition\ndata: {\"a\":\"x y\"}\n\n");
}

}  // namespace
}  // namespace fleetgate::events
