#include "otlp/names.h"

#include <gtest/gtest.h>

namespace fleetgate::otlp {
namespace {

TEST(NamesTest, MonotonicSumsEndInTotalAfterTheirUnit) {
  EXPECT_EQ(MetricName("http.server.requests", "{request}", NameKind::kCounter),
            "http_server_requests_total");
  EXPECT_EQ(MetricName("io.read", "By", NameKind::kCounter), "io_read_bytes_total");
  EXPECT_EQ(MetricName("orders_total", "", NameKind::kCounter), "orders_total");
}

TEST(NamesTest, UnitsBecomeSuffixesOnce) {
  EXPECT_EQ(MetricName("http.server.duration", "ms", NameKind::kOther),
            "http_server_duration_milliseconds");
  EXPECT_EQ(MetricName("latency_seconds", "s", NameKind::kOther), "latency_seconds");
  EXPECT_EQ(MetricName("throughput", "By/s", NameKind::kGauge), "throughput_bytes_per_second");
  EXPECT_EQ(MetricName("queue", "{item}", NameKind::kGauge), "queue");
}

TEST(NamesTest, UnitOneIsARatioOnlyForGauges) {
  EXPECT_EQ(MetricName("cpu.utilization", "1", NameKind::kGauge), "cpu_utilization_ratio");
  EXPECT_EQ(MetricName("events", "1", NameKind::kCounter), "events_total");
}

TEST(NamesTest, InvalidCharactersBecomeOneUnderscore) {
  EXPECT_EQ(MetricName("a..b-c d", "", NameKind::kGauge), "a_b_c_d");
  EXPECT_EQ(MetricName("2xx.count", "", NameKind::kGauge), "_2xx_count");
  EXPECT_EQ(MetricName("ns:metric", "", NameKind::kGauge), "ns:metric");
}

TEST(NamesTest, LabelNamesAreSanitised) {
  EXPECT_EQ(LabelName("http.method"), "http_method");
  EXPECT_EQ(LabelName("0day"), "key_0day");
  EXPECT_EQ(LabelName("_private"), "key_private");
  EXPECT_EQ(LabelName("a:b"), "a_b");
  EXPECT_EQ(LabelName(""), "");
}

}  // namespace
}  // namespace fleetgate::otlp
