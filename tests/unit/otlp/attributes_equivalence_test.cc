// ToLabels against the plain version it replaced (fresh strings for every label, built per call),
// on random attributes: keys that need sanitising, that clash, that repeat, that are reserved or
// empty; values of every type; promoted resource labels. The output vector is reused between
// calls, as the ingest path does. Labels must be the same, in the same order.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <tuple>

#include "otlp/attributes.h"
#include "otlp/names.h"

namespace fleetgate::otlp {
namespace {

void PlainToLabels(const Attributes& attributes, const std::vector<Label>& base,
                   std::vector<Label>& out) {
  static constexpr std::array<std::string_view, 4> kReserved{"service", "instance", "le",
                                                             "quantile"};
  std::vector<std::tuple<std::string, std::string_view, std::string>> named;
  for (const auto& attribute : attributes) {
    std::string name = LabelName(attribute.key());
    if (name.empty()) continue;
    if (std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end()) {
      name.insert(0, "exported_");
    }
    named.emplace_back(std::move(name), attribute.key(), ValueText(attribute.value()));
  }
  std::sort(named.begin(), named.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  out.clear();
  for (auto& [name, key, value] : named) {
    if (!out.empty() && out.back().first == name) {
      out.back().second += ';';
      out.back().second += value;
    } else {
      out.emplace_back(std::move(name), std::move(value));
    }
  }
  const size_t own = out.size();
  for (const Label& label : base) {
    auto end = out.begin() + static_cast<std::ptrdiff_t>(own);
    auto it = std::lower_bound(out.begin(), end, label.first,
                               [](const Label& a, const std::string& b) { return a.first < b; });
    if (it == end || it->first != label.first) out.push_back(label);
  }
  std::sort(out.begin(), out.end());
}

class ToLabelsEquivalenceTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(ToLabelsEquivalenceTest, AgreesWithThePlainVersionOnRandomAttributes) {
  static const std::vector<std::string> kKeys{
      "route",       "http.method",
      "http-method", "http_method",
      "2xx",         "_private",
      "__x",         "service",
      "instance",    "le",
      "quantile",    "a__b",
      "a..b",        "",
      ".",           "k\xc3\xa9y",
      "region",      "a_very_long_attribute_key_that_does_not_fit_in_a_small_string_buffer"};
  std::mt19937 random(GetParam());
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random); };
  std::vector<Label> reused;
  for (int round = 0; round < 3000; ++round) {
    Attributes attributes;
    const size_t size = pick(4) == 0 ? pick(25) : pick(4);
    for (size_t i = 0; i < size; ++i) {
      auto* attribute = attributes.Add();
      attribute->set_key(kKeys[pick(kKeys.size())]);
      auto* value = attribute->mutable_value();
      switch (pick(6)) {
        case 0:
          value->set_int_value(static_cast<int64_t>(pick(1000)) - 500);
          break;
        case 1:
          value->set_bool_value(pick(2) == 0);
          break;
        case 2:
          value->set_double_value(static_cast<double>(pick(1000)) / 8);
          break;
        case 3:
          value->set_bytes_value(std::string(pick(5), '\x01'));
          break;
        default:
          value->set_string_value(std::string(pick(2) == 0 ? 3 : 40, 'v') +
                                  std::to_string(pick(10)));
      }
    }
    std::vector<Label> base;
    if (pick(3) == 0) base = {{"region", "eu"}, {"service_namespace", "shop"}};
    std::vector<Label> expected;
    PlainToLabels(attributes, base, expected);
    ToLabels(attributes, base, reused);
    ASSERT_EQ(reused, expected) << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, ToLabelsEquivalenceTest, ::testing::Values(1u, 2u, 3u));

}  // namespace
}  // namespace fleetgate::otlp
