#include "metrics/series_table.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>

namespace fleetgate::metrics {
namespace {

struct Value {
  int number = 0;
  std::unique_ptr<int> owned;  // entries must destroy what their values own
};

SeriesKey Key(const std::string& bytes, size_t hash) { return SeriesKey{bytes, hash}; }

TEST(SeriesTableTest, FindsWhatWasInserted) {
  SeriesTable<Value> table;
  table.Insert(Key("a", 1)).number = 10;
  table.Insert(Key("b", 2)).number = 20;
  ASSERT_NE(table.Find(Key("a", 1)), nullptr);
  EXPECT_EQ(table.Find(Key("a", 1))->number, 10);
  EXPECT_EQ(table.Find(Key("b", 2))->number, 20);
  EXPECT_EQ(table.Find(Key("c", 3)), nullptr);
  EXPECT_EQ(table.size(), 2u);
}

TEST(SeriesTableTest, TellsApartKeysWithTheSameHash) {
  SeriesTable<Value> table;
  table.Insert(Key("a", 7)).number = 1;
  table.Insert(Key("ab", 7)).number = 2;
  table.Insert(Key(std::string("a\0", 2), 7)).number = 3;
  EXPECT_EQ(table.Find(Key("a", 7))->number, 1);
  EXPECT_EQ(table.Find(Key("ab", 7))->number, 2);
  EXPECT_EQ(table.Find(Key(std::string("a\0", 2), 7))->number, 3);
  EXPECT_EQ(table.Find(Key("b", 7)), nullptr);
}

TEST(SeriesTableTest, ValuesKeepTheirAddressAsTheTableGrows) {
  SeriesTable<Value> table;
  Value* first = &table.Insert(Key("first", 0));
  for (int i = 0; i < 1000; ++i) table.Insert(Key("k" + std::to_string(i), i * 31u));
  EXPECT_EQ(table.Find(Key("first", 0)), first);
  EXPECT_EQ(table.size(), 1001u);
}

TEST(SeriesTableTest, PrefetchesChangeNothing) {
  SeriesTable<Value> table;
  table.PrefetchSlot(Key("a", 7));
  table.PrefetchEntry(Key("a", 7));
  table.Insert(Key("a", 7)).number = 1;
  table.Insert(Key("ab", 7)).number = 2;  // same hash: the probe run goes on
  for (int i = 0; i < 100; ++i) {
    table.Insert(Key("k" + std::to_string(i), i * 31u));
    table.PrefetchSlot(Key("ab", 7));
    table.PrefetchEntry(Key("ab", 7));
  }
  table.EraseIf([](std::string_view key, const Value&) { return key == "a"; });
  table.PrefetchSlot(Key("a", 7));
  table.PrefetchEntry(Key("a", 7));
  table.PrefetchEntry(Key("absent", 12345));
  EXPECT_EQ(table.Find(Key("a", 7)), nullptr);
  EXPECT_EQ(table.Find(Key("ab", 7))->number, 2);
  EXPECT_EQ(table.size(), 101u);
}

TEST(SeriesTableTest, VisitsEveryEntryWithItsKey) {
  SeriesTable<Value> table;
  for (int i = 0; i < 100; ++i) table.Insert(Key("k" + std::to_string(i), i)).number = i;
  int sum = 0;
  size_t visited = 0;
  table.ForEach([&](std::string_view key, const Value& value) {
    EXPECT_EQ(key, "k" + std::to_string(value.number));
    sum += value.number;
    ++visited;
  });
  EXPECT_EQ(visited, 100u);
  EXPECT_EQ(sum, 4950);
}

// Random inserts and erasures against std::map, with few distinct hashes and hashes that wrap
// around the slot array, so probe runs collide, cross the end and are shifted back on erasure.
TEST(SeriesTableTest, AgreesWithAMapUnderRandomInsertsAndErasures) {
  std::mt19937_64 random(42);
  SeriesTable<Value> table;
  std::map<std::string, std::pair<size_t, int>> model;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 50; ++i) {
      std::string bytes = "s" + std::to_string(random() % 400);
      size_t hash = random() % 3 == 0 ? ~size_t{0} - random() % 4 : random() % 64;
      if (model.count(bytes)) continue;
      Value& value = table.Insert(Key(bytes, hash));
      value.number = static_cast<int>(random() % 1000);
      value.owned = std::make_unique<int>(value.number);
      model[bytes] = {hash, value.number};
    }
    const int cut = static_cast<int>(random() % 1000);
    size_t erased =
        table.EraseIf([&](std::string_view, Value& value) { return value.number < cut; });
    size_t expected = 0;
    for (auto it = model.begin(); it != model.end();) {
      if (it->second.second < cut) {
        it = model.erase(it);
        ++expected;
      } else {
        ++it;
      }
    }
    ASSERT_EQ(erased, expected);
    ASSERT_EQ(table.size(), model.size());
    for (const auto& [bytes, entry] : model) {
      Value* found = table.Find(Key(bytes, entry.first));
      ASSERT_NE(found, nullptr) << bytes;
      ASSERT_EQ(found->number, entry.second);
      ASSERT_EQ(*found->owned, entry.second);
    }
  }
}

}  // namespace
}  // namespace fleetgate::metrics
