// ReportView::Decode on wire bytes built by hand: every refusal, and the merge rules, each checked
// against protobuf's own parser (the decoder must be exactly as strict, and read the same).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ingest/report_view.h"
#include "wire_bytes.h"

namespace fleetgate::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using namespace wire;  // NOLINT: the wire builders read as a notation here

const std::string kSource = Bytes(1, Bytes(1, "billing") + Bytes(2, "i-1"));

std::string Counter(std::string_view body) { return Bytes(2, Bytes(2, body)); }

// protobuf refuses `bytes`, and so does Decode.
void ExpectRefused(const std::string& bytes, const std::string& what) {
  EXPECT_FALSE(ProtobufAccepts(bytes)) << what << ": protobuf accepts it";
  ReportView view;
  EXPECT_FALSE(view.Decode(bytes)) << what;
}

// protobuf accepts `bytes`, and Decode reads the same.
void ExpectAccepted(const std::string& bytes, const std::string& what) {
  EXPECT_TRUE(ProtobufAccepts(bytes)) << what << ": protobuf refuses it";
  EXPECT_EQ(AgainstProtobuf(bytes), "") << what;
}

TEST(ReportDecoderTest, ReadsABatch) {
  const std::string bytes =
      Bytes(1, Bytes(1, "billing") + Bytes(2, "i-1") + Bytes(3, "1.2") + Label(4, "env", "prod")) +
      Counter(Bytes(1, "jobs_total") + Label(2, "code", "200") + Label(2, "b", "") +
              Double(3, 2.5)) +
      Bytes(2, Bytes(5, Number(1, 3) + Bytes(2, "disk") + Bytes(3, Bytes(1, "db") + Number(2, 1)) +
                            Number(4, 30))) +
      Bytes(2, "") + Number(3, 77);
  ReportView view;
  ASSERT_TRUE(view.Decode(bytes));
  EXPECT_EQ(view.source().service, "billing");
  EXPECT_EQ(view.source().instance, "i-1");
  EXPECT_EQ(view.source().version, "1.2");
  EXPECT_THAT(view.source().labels, ElementsAre(Pair("env", "prod")));
  EXPECT_EQ(view.batch_id(), 77u);
  ASSERT_EQ(view.events().size(), 3u);
  const EventView& counter = view.events()[0];
  EXPECT_EQ(counter.kind, v1::Event::kCounter);
  EXPECT_EQ(counter.name, "jobs_total");
  EXPECT_EQ(counter.value, 2.5);
  EXPECT_THAT(view.labels(counter), ElementsAre(Pair("b", ""), Pair("code", "200")));
  const HealthView& health = view.events()[1].health;
  EXPECT_EQ(view.events()[1].kind, v1::Event::kHealth);
  EXPECT_EQ(health.status, 3);
  EXPECT_EQ(health.detail, "disk");
  EXPECT_EQ(health.ttl_seconds, 30u);
  ASSERT_EQ(view.checks(health).size(), 1u);
  EXPECT_EQ(view.checks(health)[0].name, "db");
  EXPECT_EQ(view.events()[2].kind, v1::Event::KIND_NOT_SET);
  EXPECT_EQ(AgainstProtobuf(bytes), "");
}

TEST(ReportDecoderTest, RefusesInvalidUtf8InEveryStringField) {
  const std::string bad = "caf\xC3";  // a truncated two-byte sequence
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"source.service", Bytes(1, Bytes(1, bad))},
      {"source.instance", Bytes(1, Bytes(2, bad))},
      {"source.version", Bytes(1, Bytes(3, bad))},
      {"source label name", Bytes(1, Label(4, bad, "x"))},
      {"source label value", Bytes(1, Label(4, "env", bad))},
      {"counter name", Counter(Bytes(1, bad))},
      {"counter label name", Counter(Label(2, bad, "x"))},
      {"counter label value", Counter(Label(2, "k", bad))},
      {"gauge name", Bytes(2, Bytes(3, Bytes(1, bad)))},
      {"gauge label name", Bytes(2, Bytes(3, Label(2, bad, "v")))},
      {"gauge label value", Bytes(2, Bytes(3, Label(2, "k", bad)))},
      {"observation name", Bytes(2, Bytes(4, Bytes(1, bad)))},
      {"observation label name", Bytes(2, Bytes(4, Label(2, bad, "v")))},
      {"observation label value", Bytes(2, Bytes(4, Label(2, "k", bad)))},
      {"health detail", Bytes(2, Bytes(5, Bytes(2, bad)))},
      {"check name", Bytes(2, Bytes(5, Bytes(3, Bytes(1, bad))))},
      {"check detail", Bytes(2, Bytes(5, Bytes(3, Bytes(3, bad))))},
      // A value later overwritten is still checked, as protobuf checks every occurrence.
      {"an overwritten service", Bytes(1, Bytes(1, bad) + Bytes(1, "ok"))},
      {"a surrogate", Bytes(1, Bytes(1, "\xED\xA0\x80"))},
      {"an overlong form", Bytes(1, Bytes(1, "\xC0\xAF"))},
      {"above U+10FFFF", Bytes(1, Bytes(1, "\xF4\x90\x80\x80"))},
  };
  for (const auto& [what, bytes] : cases) ExpectRefused(kSource + bytes, what);
}

TEST(ReportDecoderTest, RefusesTruncatedAndOverlongEncodings) {
  const std::string counter = Counter(Bytes(1, "jobs_total"));
  ExpectRefused(kSource + counter.substr(0, counter.size() - 1), "a truncated event");
  ExpectRefused(Tag(1, 2) + Varint(5) + "bil", "a length beyond the end");
  ExpectRefused(Bytes(1, Tag(1, 2) + Varint(9) + "billing") + Number(3, 1),
                "a string beyond its message but within the request");
  ExpectRefused(Tag(3, 0) + std::string(10, '\x80') + '\x01', "an eleven-byte varint");
  ExpectRefused(Tag(3, 0) + "\x80\x80", "a truncated varint");
  ExpectRefused(std::string("\x98\x80\x80\x80\x80\x00", 6) + Varint(1), "a six-byte tag");
  ExpectRefused(Tag(1, 2) + std::string("\x80\x80\x80\x80\x80\x00", 6),
                "a six-byte length (protobuf reads at most five)");
  ExpectRefused(Tag(1, 2) + std::string("\x80\x80\x80\x80\x08", 5), "a length of 2 GiB");
  ExpectRefused(Counter(Tag(3, 1) + "\x00\x00\x00"), "a truncated double");
  ExpectRefused(Tag(9, 5) + "\x01\x02", "a truncated fixed32 unknown field");
}

TEST(ReportDecoderTest, AcceptsTheLongestEncodingsProtobufAccepts) {
  ExpectAccepted(kSource + Tag(3, 0) + std::string(9, '\xFF') + '\x7F',
                 "a ten-byte varint, bits beyond 64 dropped");
  ExpectAccepted(
      std::string("\x8A\x80\x80\x80\x00", 5) + Varint(kSource.size() - 2) + kSource.substr(2),
      "a five-byte tag");
  ExpectAccepted(Tag(1, 2) + std::string("\x80\x80\x80\x80\x00", 5), "a five-byte length of zero");
  ExpectAccepted(kSource + Bytes(2, Bytes(5, Tag(4, 0) + std::string(9, '\xFF') + '\x01')),
                 "a ttl above 32 bits keeps its low bits");
  ExpectAccepted(kSource + Bytes(2, Bytes(5, Number(1, uint64_t(-2)))), "a negative status");
}

TEST(ReportDecoderTest, RefusesWhatProtobufRefusesAmongTags) {
  ExpectRefused(kSource + Varint(0), "tag 0");
  ExpectRefused(kSource + Tag(0, 0) + Varint(1), "field number 0");
  ExpectRefused(kSource + Tag(0, 2) + Varint(0), "field number 0, length-delimited");
  ExpectRefused(kSource + Tag(9, 6), "wire type 6");
  ExpectRefused(kSource + Tag(9, 7), "wire type 7");
  ExpectRefused(kSource + Tag(9, 4), "an end group at the top");
  ExpectRefused(kSource + Counter(Tag(9, 4)), "an end group inside a message");
  ExpectRefused(kSource + Tag(9, 3) + Number(1, 1), "a group never closed");
  ExpectRefused(kSource + Tag(9, 3) + Tag(8, 4), "a group closed by another field");
  ExpectRefused(kSource + Bytes(2, Tag(9, 3)) + Tag(9, 4), "a group closed past its message");
  ExpectRefused(kSource + Tag(9, 3) + Varint(0) + Tag(9, 4), "tag 0 inside a group");
}

// A known field number with another wire type is no refusal: protobuf keeps it as an unknown
// field (and so skips it here), unless the wire type itself is malformed.
TEST(ReportDecoderTest, SkipsAKnownFieldWithAnotherWireTypeAsProtobufDoes) {
  ExpectAccepted(kSource + Number(2, 5) + Tag(1, 5) + "abcd" + Double(3, 1.0),
                 "events as a varint, source as fixed32, batch_id as fixed64");
  ExpectAccepted(kSource + Counter(Number(1, 7) + Bytes(3, "12345678") + Tag(2, 3) + Tag(2, 4)),
                 "a counter's name as a varint, delta as bytes, labels as a group");
  ExpectAccepted(kSource + Bytes(2, Bytes(5, Bytes(1, "x") + Double(4, 9))),
                 "health status as bytes, ttl as fixed64");
  ExpectAccepted(kSource + Bytes(2, Bytes(1, Bytes(1, "seconds"))),
                 "a timestamp's seconds as bytes");
  ExpectRefused(kSource + Bytes(2, Bytes(1, Tag(1, 0) + "\x80")), "a timestamp's truncated varint");
}

TEST(ReportDecoderTest, SkipsUnknownFieldsOfEveryWireType) {
  const std::string unknown = Number(15, 1) + Double(16, 2) + Bytes(17, "\xFF\xFE") + Tag(18, 5) +
                              "abcd" + Tag(19, 3) + Number(1, 5) + Tag(20, 3) + Tag(20, 4) +
                              Tag(19, 4) + Number(536870911, 9);
  ExpectAccepted(unknown + kSource + unknown + Counter(unknown + Bytes(1, "a_total")) +
                     Bytes(2, unknown + Bytes(5, unknown + Bytes(3, unknown))) + unknown,
                 "unknown fields everywhere, bytes that are not UTF-8 among them");
  ExpectAccepted(kSource + Counter(Bytes(2, unknown + Bytes(1, "k") + unknown)),
                 "unknown fields inside a label entry");
}

TEST(ReportDecoderTest, MergesRepeatedFieldsAsProtobufDoes) {
  ReportView view;
  const std::string merged =
      Bytes(1, Bytes(1, "billing") + Label(4, "env", "prod") + Label(4, "zone", "a")) +
      Bytes(1, Bytes(2, "i-1") + Label(4, "env", "canary")) + Number(3, 1) + Number(3, 2) +
      Bytes(2, Bytes(2, Bytes(1, "a_total") + Label(2, "k", "1") + Double(3, 1)) +
                   Bytes(2, Label(2, "k", "2") + Label(2, "j", "x") + Double(3, 5)));
  ASSERT_TRUE(view.Decode(merged));
  EXPECT_EQ(view.source().service, "billing");
  EXPECT_EQ(view.source().instance, "i-1");
  EXPECT_THAT(view.source().labels, ElementsAre(Pair("env", "canary"), Pair("zone", "a")));
  EXPECT_EQ(view.batch_id(), 2u);
  ASSERT_EQ(view.events().size(), 1u);
  EXPECT_EQ(view.events()[0].name, "a_total");
  EXPECT_EQ(view.events()[0].value, 5);
  EXPECT_THAT(view.labels(view.events()[0]), ElementsAre(Pair("j", "x"), Pair("k", "2")));
  EXPECT_EQ(AgainstProtobuf(merged), "");

  // Another oneof member clears the first; the first again starts afresh.
  const std::string switched =
      kSource + Bytes(2, Bytes(2, Bytes(1, "a_total") + Label(2, "k", "1")) +
                             Bytes(5, Number(1, 1) + Bytes(3, Bytes(1, "db"))) +
                             Bytes(3, Label(2, "g", "1")));
  ASSERT_TRUE(view.Decode(switched));
  EXPECT_EQ(view.events()[0].kind, v1::Event::kGauge);
  EXPECT_EQ(view.events()[0].name, "");
  EXPECT_THAT(view.labels(view.events()[0]), ElementsAre(Pair("g", "1")));
  EXPECT_EQ(AgainstProtobuf(switched), "");
  ExpectAccepted(kSource + Bytes(2, Bytes(5, Number(1, 1) + Bytes(3, Bytes(1, "a"))) +
                                        Bytes(5, Bytes(2, "d") + Bytes(3, Bytes(1, "b")))),
                 "two health members merge, their checks appended");
  ExpectAccepted(kSource + Counter(Bytes(2, Bytes(1, "k") + Bytes(1, "j") + Bytes(2, "v"))),
                 "a label entry's key given twice");
  ExpectAccepted(kSource + Counter(Bytes(2, "")), "a label entry without key or value");
  std::string many;  // more labels than are sorted by insertion, names repeated out of order
  for (int i = 0; i < 30; ++i)
    many += Label(2, std::string(1, "qwertyuiop"[i * 7 % 10]), "v" + std::to_string(i));
  ExpectAccepted(kSource + Counter(Bytes(1, "a_total") + many), "30 labels, 10 names");
  ASSERT_TRUE(view.Decode(kSource + Counter(many)));
  EXPECT_EQ(view.labels(view.events()[0]).size(), 10u);
}

// Sub-messages and groups nest at most 100 deep, counted as protobuf counts them.
TEST(ReportDecoderTest, NestsGroupsAsDeepAsProtobufAndNoDeeper) {
  for (int groups : {95, 96, 97, 98, 99, 100, 101}) {
    std::string nested;
    for (int i = 0; i < groups; ++i) nested = Tag(9, 3) + nested + Tag(9, 4);
    EXPECT_EQ(AgainstProtobuf(kSource + nested), "") << groups << " groups at the top";
    EXPECT_EQ(AgainstProtobuf(kSource + Counter(Bytes(2, nested))), "")
        << groups << " groups in a label entry";
  }
}

// The UTF-8 check against protobuf's on every string of one and two bytes and on random longer
// ones built around the boundaries of the encoding.
TEST(ReportDecoderTest, ChecksUtf8AsProtobufDoes) {
  auto differs = [](const std::string& text) {
    return AgainstProtobuf(Bytes(1, Bytes(1, "billing") + Bytes(2, text))) != "";
  };
  for (int a = 0; a < 256; ++a) {
    ASSERT_FALSE(differs(std::string(1, static_cast<char>(a)))) << a;
    for (int b = 0; b < 256; ++b) {
      ASSERT_FALSE(differs({static_cast<char>(a), static_cast<char>(b)})) << a << " " << b;
    }
  }
  const unsigned char interesting[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                       0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                       0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF};
  std::mt19937 random(15);
  for (int round = 0; round < 200'000; ++round) {
    std::string text(3 + random() % 14, 'a');
    for (char& c : text) {
      c = static_cast<char>(random() % 4 == 0 ? random() % 256 : interesting[random() % 26]);
    }
    ASSERT_FALSE(differs(text)) << ::testing::PrintToString(text);
  }
}

}  // namespace
}  // namespace fleetgate::ingest
