#include "otlp/attributes.h"

#include <gtest/gtest.h>

namespace fleetgate::otlp {
namespace {

using opentelemetry::proto::resource::v1::Resource;

void Add(Attributes& attributes, const std::string& key, const std::string& value) {
  auto* attribute = attributes.Add();
  attribute->set_key(key);
  attribute->mutable_value()->set_string_value(value);
}

TEST(AttributesTest, ReporterComesFromServiceAttributes) {
  Resource resource;
  Add(*resource.mutable_attributes(), "service.name", "checkout");
  Add(*resource.mutable_attributes(), "host.name", "host-1");
  Add(*resource.mutable_attributes(), "service.version", "1.2");
  Add(*resource.mutable_attributes(), "deployment.environment", "prod");
  Reporter reporter = ReporterOf(resource, {"deployment.environment"});
  EXPECT_EQ(reporter.service, "checkout");
  EXPECT_EQ(reporter.instance, "host-1");
  EXPECT_EQ(reporter.version, "1.2");
  EXPECT_EQ(reporter.labels, (std::vector<Label>{{"deployment_environment", "prod"}}));
  Add(*resource.mutable_attributes(), "service.instance.id", "pod-7");
  EXPECT_EQ(ReporterOf(resource, {}).instance, "pod-7");
}

TEST(AttributesTest, MissingServiceNameIsUnknownService) {
  Resource resource;
  Reporter reporter = ReporterOf(resource, {});
  EXPECT_EQ(reporter.service, "unknown_service");
  EXPECT_EQ(reporter.instance, "");
}

TEST(AttributesTest, ValuesOfEveryTypeBecomeText) {
  opentelemetry::proto::common::v1::AnyValue value;
  value.set_int_value(-3);
  EXPECT_EQ(ValueText(value), "-3");
  value.set_bool_value(true);
  EXPECT_EQ(ValueText(value), "true");
  value.set_double_value(0.25);
  EXPECT_EQ(ValueText(value), "0.25");
  value.set_bytes_value("hi");
  EXPECT_EQ(ValueText(value), "aGk=");
  value.mutable_array_value()->add_values()->set_string_value("a");
  value.mutable_array_value()->add_values()->set_int_value(1);
  EXPECT_EQ(ValueText(value), "[\"a\",1]");
}

TEST(AttributesTest, LabelsAreSortedJoinedOnClashAndReservedNamesExported) {
  Attributes attributes;
  Add(attributes, "http.method", "GET");
  Add(attributes, "http_method", "POST");
  Add(attributes, "service", "x");
  Add(attributes, "le", "y");
  Add(attributes, "region", "eu");
  std::vector<Label> out;
  ToLabels(attributes, {{"region", "us"}, {"zone", "a"}}, out);
  EXPECT_EQ(out, (std::vector<Label>{{"exported_le", "y"},
                                     {"exported_service", "x"},
                                     {"http_method", "GET;POST"},
                                     {"region", "eu"},
                                     {"zone", "a"}}));
}

}  // namespace
}  // namespace fleetgate::otlp
