#include "ingest/label_order.h"

#include <algorithm>

namespace fleetgate::ingest {

metrics::LabelView* SortUniqueLabels(metrics::LabelView* first, metrics::LabelView* last) {
  const auto before = [](const metrics::LabelView& a, const metrics::LabelView& b) {
    return CompareNames(a.first, b.first) < 0;
  };
  // Stable, so that labels of one name stay in input order and the last of them can be kept.
  if (last - first > 8) {
    std::stable_sort(first, last, before);
  } else {  // insertion sort: std::stable_sort's set-up costs more than sorting two or three
    for (metrics::LabelView* i = first + (first != last); i < last; ++i) {
      const metrics::LabelView label = *i;
      metrics::LabelView* j = i;
      for (; j > first && before(label, *(j - 1)); --j) *j = *(j - 1);
      *j = label;
    }
  }
  // Keep the last of each run of one name.
  metrics::LabelView* out = first;
  for (metrics::LabelView* i = first; i < last; ++i) {
    if (i + 1 < last && i->first == (i + 1)->first) continue;
    *out++ = *i;
  }
  return out;
}

}  // namespace fleetgate::ingest
