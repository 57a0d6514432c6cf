#include "client/fgctl/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace fleetgate::fgctl {
namespace {

using nlohmann::json;

TEST(FormatNumberTest, PrintsWholeNumbersWithoutDecimalsOrExponent) {
  EXPECT_EQ(FormatNumber(7), "7");
  EXPECT_EQ(FormatNumber(7.0), "7");
  EXPECT_EQ(FormatNumber(-3), "-3");
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(-0.0), "0");
}

TEST(FormatNumberTest, PrintsFractionsWithTheirDigitsAndNoTrailingZeros) {
  EXPECT_EQ(FormatNumber(0.25), "0.25");
  EXPECT_EQ(FormatNumber(-0.5), "-0.5");
  EXPECT_EQ(FormatNumber(0.1 + 0.2), "0.3");
  EXPECT_EQ(FormatNumber(123.456789), "123.456789");
  EXPECT_EQ(FormatNumber(0.000001), "0.000001");
}

TEST(FormatNumberTest, PrintsLargeCountsInFull) {
  EXPECT_EQ(FormatNumber(1500000), "1500000");
  EXPECT_EQ(FormatNumber(4294967296.0), "4294967296");
  EXPECT_EQ(FormatNumber(999999999999999.0), "999999999999999");
}

TEST(FormatNumberTest, KeepsValuesBeyondDecimalsVisible) {
  EXPECT_EQ(FormatNumber(1e-9), "1e-09");
  EXPECT_EQ(FormatNumber(1e20), "1e+20");
  EXPECT_EQ(FormatNumber(-1e300), "-1e+300");
}

TEST(FormatNumberTest, PrintsSpecialValuesAsPrometheusDoes) {
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatNumber(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(CountOfTest, NamesOneThingInTheSingularAndOthersInThePlural) {
  EXPECT_EQ(CountOf(0, "instance"), "0 instances");
  EXPECT_EQ(CountOf(1, "instance"), "1 instance");
  EXPECT_EQ(CountOf(2, "instance"), "2 instances");
  EXPECT_EQ(CountOf(1, "service"), "1 service");
  EXPECT_EQ(CountOf(1234567, "instance"), "1234567 instances");
}

TEST(PercentTest, PrintsASharePerCentWithThreeDecimals) {
  EXPECT_EQ(Percent(json(0.99871)), "99.871%");
  EXPECT_EQ(Percent(json(1)), "100.000%");
  EXPECT_EQ(Percent(json(0)), "0.000%");
  EXPECT_EQ(Percent(json()), "-");
}

TEST(CellTest, PrintsJsonFieldsAsPeopleReadThem) {
  EXPECT_EQ(Cell(json(7)), "7");
  EXPECT_EQ(Cell(json(7.0)), "7");
  EXPECT_EQ(Cell(json(0.25)), "0.25");
  EXPECT_EQ(Cell(json(1.5e6)), "1500000");
  EXPECT_EQ(Cell(json(18446744073709551615ull)), "18446744073709551615");
  EXPECT_EQ(Cell(json("SERVING")), "SERVING");
  EXPECT_EQ(Cell(json("")), "-");
  EXPECT_EQ(Cell(json()), "-");
  EXPECT_EQ(Cell(json(true)), "true");
}

// Prometheus' alerts envelope sends values as text in Go's %e format.
TEST(SampleValueTest, PrintsPrometheusSampleTextAsANumber) {
  EXPECT_EQ(SampleValue(json("7e+00")), "7");
  EXPECT_EQ(SampleValue(json("1.5e+02")), "150");
  EXPECT_EQ(SampleValue(json("2.5e-01")), "0.25");
  EXPECT_EQ(SampleValue(json("NaN")), "NaN");
  EXPECT_EQ(SampleValue(json("+Inf")), "+Inf");
  EXPECT_EQ(SampleValue(json(150)), "150");
  EXPECT_EQ(SampleValue(json("n/a")), "n/a");
  EXPECT_EQ(SampleValue(json("")), "-");
}

}  // namespace
}  // namespace fleetgate::fgctl
