#pragma once
// Shared by the evaluator and rule catalog tests: the alerting components over a real metric store,
// health registry and SQLite database in a temp directory, a ManualClock, and a notifier that
// records what it is handed. Not thread-safe.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <memory>
#include <mutex>
#include <vector>

#include "../storage/storage_fixture.h"
#include "alerts/rule_catalog.h"
#include "alerts/rule_evaluator.h"
#include "storage/history_reader.h"
#include "storage/history_writer.h"
#include "storage/rule_store.h"

namespace fleetgate::alerts {

class RecordingNotifier final : public AlertNotifier {
 public:
  void Send(std::vector<AlertmanagerAlert> alerts) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& alert : alerts) sent_.push_back(std::move(alert));
  }
  std::vector<AlertmanagerAlert> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(sent_, {});
  }

 private:
  std::mutex mu_;
  std::vector<AlertmanagerAlert> sent_;
};

inline Rule ParseOrDie(const nlohmann::json& json) {
  Result<Rule> parsed = ParseRule(json);
  if (!parsed.ok()) {
    ADD_FAILURE() << parsed.error().Describe();
    return Rule{};
  }
  return parsed.value();
}

class AlertingFixture : public testing::Test {
 protected:
  static constexpr std::chrono::seconds kInterval{15};

  AlertingFixture() { Open(); }

  // (Re)opens the database and every component on it, as a restart of the gateway does.
  void Open() {
    evaluator_.reset();
    rules_.reset();
    rule_store_.reset();
    reader_.reset();
    writer_.reset();
    database_.reset();
    self_ = std::make_unique<prometheus::Registry>();
    storage::DatabaseOptions options;
    options.path = (dir_.path() / "fleetgate.db").string();
    database_ = std::make_unique<storage::Database>(options);
    storage::HistoryWriterOptions writer_options;
    writer_options.queue_capacity = 100000;
    writer_options.batch_rows = 1000;
    writer_options.max_transaction_rows = 50000;
    writer_options.flush_interval = std::chrono::seconds(1);
    writer_ = std::make_unique<storage::HistoryWriter>(*database_, writer_options, clock_, *self_);
    reader_ = std::make_unique<storage::HistoryReader>(*database_, *self_);
    rule_store_ = std::make_unique<storage::RuleStore>(*database_, *self_);
    rules_ = std::make_unique<RuleCatalog>(*rule_store_, clock_);
    rules_->LoadStored();
    EvaluatorOptions evaluator_options;
    evaluator_options.interval = kInterval;
    evaluator_options.external_url = "http://fleetgate:8080";
    evaluator_ = std::make_unique<RuleEvaluator>(evaluator_options, *rules_, store_, registry_,
                                                 *writer_, &notifier_, clock_, *self_);
  }

  // One evaluation now, then the clock moves on by the interval.
  void Tick() {
    evaluator_->EvaluateOnce();
    clock_->Advance(kInterval);
  }

  std::vector<storage::AlertTransition> History() {
    writer_->Flush();
    storage::AlertHistoryQuery query;
    query.limit = 1000;
    auto page = reader_->QueryAlertHistory(query);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page.value().transitions : std::vector<storage::AlertTransition>{};
  }

  storage::TempDir dir_;
  std::shared_ptr<ManualClock> clock_ =
      std::make_shared<ManualClock>(TimePoint(std::chrono::seconds(1'700'000'000)));
  metrics::MetricStore store_{{}, clock_};
  health::HealthRegistry registry_{{}, clock_};
  RecordingNotifier notifier_;
  std::unique_ptr<prometheus::Registry> self_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::HistoryWriter> writer_;
  std::unique_ptr<storage::HistoryReader> reader_;
  std::unique_ptr<storage::RuleStore> rule_store_;
  std::unique_ptr<RuleCatalog> rules_;
  std::unique_ptr<RuleEvaluator> evaluator_;
};

}  // namespace fleetgate::alerts
