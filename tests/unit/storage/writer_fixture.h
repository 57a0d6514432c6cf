#pragma once
// A database with a HistoryWriter and a HistoryReader on it, set up for tests: no automatic
// retention, no commits until asked or a batch is full, millisecond retry backoff.

#include <memory>
#include <vector>

#include "storage/history_reader.h"
#include "storage/history_writer.h"
#include "storage_fixture.h"

namespace fleetgate::storage {

// Walks every page of `query` through `fetch` (a query method of HistoryReader); fails the
// test on an error or a runaway loop. Returns the rows in page order.
template <typename Query, typename Fetch>
auto ReadAllPages(Query query, Fetch fetch, int* pages) {
  decltype(fetch(query).value().transitions) all;
  *pages = 0;
  do {
    auto page = fetch(query);
    EXPECT_TRUE(page.ok()) << page.error().message;
    if (!page.ok() || ++*pages > 1000) break;
    for (auto& row : page.value().transitions) all.push_back(std::move(row));
    query.cursor = page.value().next_cursor;
  } while (!query.cursor.empty());
  return all;
}

class WriterTest : public StorageTest {
 protected:
  void SetUp() override { database_ = std::make_unique<Database>(Options()); }

  HistoryWriterOptions WriterOptions() const {
    HistoryWriterOptions options;
    options.queue_capacity = 100000;
    options.batch_rows = 1000;
    options.max_transaction_rows = 50000;
    options.retention_interval = std::chrono::hours(1);
    options.flush_interval = std::chrono::hours(1);
    options.retention = std::chrono::milliseconds(0);
    options.max_attempts = 3;
    options.retry_backoff = std::chrono::milliseconds(1);
    options.max_retry_backoff = std::chrono::milliseconds(5);
    return options;
  }

  HistoryWriter& StartWriter(HistoryWriterOptions options) {
    writer_ = std::make_unique<HistoryWriter>(*database_, options, clock_, registry_);
    return *writer_;
  }
  HistoryWriter& StartWriter() { return StartWriter(WriterOptions()); }

  HistoryReader& Reader() {
    if (!reader_) reader_ = std::make_unique<HistoryReader>(*database_, registry_);
    return *reader_;
  }

  void WriteAll(const std::vector<TransitionRecord>& transitions) {
    HistoryWriter& writer = writer_ ? *writer_ : StartWriter();
    for (const TransitionRecord& t : transitions) ASSERT_TRUE(writer.Enqueue(t));
    writer.Flush();
  }

  double Metric(const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    return MetricValue(registry_, name, labels);
  }

  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(At(100 * 86400));
  std::unique_ptr<Database> database_;
  std::unique_ptr<HistoryWriter> writer_;
  std::unique_ptr<HistoryReader> reader_;
};

}  // namespace fleetgate::storage
