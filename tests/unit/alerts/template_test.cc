#include "alerts/template.h"

#include <gtest/gtest.h>

namespace fleetgate::alerts {
namespace {

const LabelSet kLabels{{"service", "billing"}, {"instance", "i-1"}};

TEST(RenderTemplateTest, RendersLabelsAndValue) {
  RenderedTemplate r =
      RenderTemplate("queue of {{ $labels.service }} is {{ $value }}", kLabels, 120);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.text, "queue of billing is 120");
  EXPECT_EQ(r.error, "");
}

TEST(RenderTemplateTest, AllowsAnyWhitespaceInsideTheBraces) {
  EXPECT_EQ(RenderTemplate("{{$labels.instance}}/{{   $value\t}}", kLabels, 0.25).text, "i-1/0.25");
}

TEST(RenderTemplateTest, FormatsValuesLikePrometheus) {
  EXPECT_EQ(RenderTemplate("{{ $value }}", {}, 1e-05).text, "1e-05");
  EXPECT_EQ(RenderTemplate("{{ $value }}", {}, -3).text, "-3");
  EXPECT_EQ(RenderTemplate("{{ $value }}", {}, 0.1 + 0.2).text, "0.30000000000000004");
}

TEST(RenderTemplateTest, RendersAnUnknownLabelAsEmpty) {
  RenderedTemplate r = RenderTemplate("[{{ $labels.region }}]", kLabels, 1);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.text, "[]");
}

TEST(RenderTemplateTest, LeavesTextWithoutActionsAlone) {
  EXPECT_EQ(RenderTemplate("plain } { text", kLabels, 1).text, "plain } { text");
  EXPECT_EQ(RenderTemplate("", kLabels, 1).text, "");
}

TEST(RenderTemplateTest, FlagsAnUnclosedAction) {
  RenderedTemplate r = RenderTemplate("up {{ $value ", kLabels, 1);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text, "up {{ $value ");
  EXPECT_NE(r.error.find("unclosed"), std::string::npos);
}

TEST(RenderTemplateTest, FlagsUnsupportedActions) {
  for (const char* text : {"{{ .Labels.service }}", "{{ $labels }}", "{{ $labels.a-b }}",
                           "{{ humanize $value }}", "{{}}", "ok {{ $value }} {{ $x }}"}) {
    RenderedTemplate r = RenderTemplate(text, kLabels, 1);
    EXPECT_FALSE(r.ok) << text;
    EXPECT_EQ(r.text, text);
    EXPECT_NE(r.error.find("unsupported"), std::string::npos) << r.error;
  }
}

}  // namespace
}  // namespace fleetgate::alerts
