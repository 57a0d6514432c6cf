#include "client/event_buffer.h"

#include <gtest/gtest.h>

namespace fleetgate::client {
namespace {

using Events = google::protobuf::RepeatedPtrField<v1::Event>;

TEST(EventBufferTest, SumsCounterDeltasPerSeries) {
  EventBuffer buffer(100);
  buffer.AddCounter("requests_total", {{"code", "200"}}, 1);
  buffer.AddCounter("requests_total", {{"code", "200"}}, 2.5);
  buffer.AddCounter("requests_total", {{"code", "500"}}, 1);
  EXPECT_EQ(buffer.pending(), 2u);
  Events events;
  ASSERT_EQ(buffer.TakeBatch(10, &events), 2u);
  EXPECT_EQ(events[0].counter().labels().at("code"), "200");
  EXPECT_EQ(events[0].counter().delta(), 3.5);
  EXPECT_EQ(events[1].counter().delta(), 1);
  EXPECT_TRUE(buffer.empty());
}

TEST(EventBufferTest, KeepsTheLastGaugeValue) {
  EventBuffer buffer(100);
  buffer.SetGauge("inflight", {}, 3);
  buffer.SetGauge("inflight", {}, 7);
  Events events;
  ASSERT_EQ(buffer.TakeBatch(10, &events), 1u);
  EXPECT_EQ(events[0].gauge().value(), 7);
}

TEST(EventBufferTest, KeepsObservationsOneByOneInOrder) {
  EventBuffer buffer(100);
  for (double value : {0.1, 0.2, 0.1}) buffer.AddObservation("latency_seconds", {}, value);
  Events events;
  ASSERT_EQ(buffer.TakeBatch(10, &events), 3u);
  EXPECT_EQ(events[0].observation().value(), 0.1);
  EXPECT_EQ(events[2].observation().value(), 0.1);
}

TEST(EventBufferTest, TakesAtMostMaxAndHealthLast) {
  EventBuffer buffer(100);
  buffer.SetHealth(v1::HealthEvent());
  for (int i = 0; i < 5; ++i) buffer.AddObservation("latency_seconds", {}, i);
  Events first;
  EXPECT_EQ(buffer.TakeBatch(4, &first), 4u);
  Events second;
  EXPECT_EQ(buffer.TakeBatch(4, &second), 2u);
  EXPECT_TRUE(second[1].has_health());
  EXPECT_EQ(buffer.in_flight(), 6u);
}

TEST(EventBufferTest, RefusesNewSlotsBeyondTheBoundIncludingInFlight) {
  EventBuffer buffer(3);
  EXPECT_TRUE(buffer.AddObservation("latency_seconds", {}, 1));
  EXPECT_TRUE(buffer.AddCounter("requests_total", {}, 1));
  Events events;
  buffer.TakeBatch(10, &events);
  EXPECT_TRUE(buffer.SetGauge("inflight", {}, 1));
  EXPECT_FALSE(buffer.AddObservation("latency_seconds", {}, 2));
  EXPECT_TRUE(buffer.SetGauge("inflight", {}, 2)) << "an existing series needs no room";
  EXPECT_FALSE(buffer.AddCounter("requests_total", {}, 1)) << "taken: a new slot";
  buffer.Release(2);
  EXPECT_TRUE(buffer.AddCounter("requests_total", {}, 1));
}

}  // namespace
}  // namespace fleetgate::client
