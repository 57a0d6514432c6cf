#pragma once
// The order of a series' labels: by name, bytes compared as unsigned char (std::string_view's
// order), one label per name. Pure functions, thread-safe.

#include <string_view>

#include "metrics/series_key.h"

namespace fleetgate::ingest {

// <0, 0 or >0 as std::string_view::compare; most names differ in their first byte, compared
// inline before anything calls memcmp.
inline int CompareNames(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) {
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]) ? -1 : 1;
  }
  return a.compare(b);
}

// Sorts [first, last) by name and keeps one label per name: the last of its name in the input
// order (a protobuf map's rule for a repeated key). Returns the new end. Allocates only beyond
// eight labels.
metrics::LabelView* SortUniqueLabels(metrics::LabelView* first, metrics::LabelView* last);

}  // namespace fleetgate::ingest
