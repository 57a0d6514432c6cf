#pragma once
// The key of a reported series: its name, service, instance and client labels (sorted by name)
// as length-prefixed fields (varint lengths), so no label value can forge another series' key; and
// how a key turns back into the series' labels for exposition. Pure functions, thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fleetgate::metrics {

// A client label; a series' client labels are sorted by name and unique.
using LabelView = std::pair<std::string_view, std::string_view>;

// The key bytes and their hash, computed once: it picks the shard and the table slot. The hash's
// low 48 bits are the key's, its top 16 bits its name's (the family tag), so a scrape looking for
// some families reads only the hashes in the table's slots, not the series of other families.
struct SeriesKey {
  std::string bytes;
  size_t hash = 0;
};

inline constexpr int kFamilyTagShift = 48;
uint16_t FamilyTag(std::string_view name);
inline uint16_t FamilyTagOf(size_t hash) { return static_cast<uint16_t>(hash >> kFamilyTagShift); }

void BuildSeriesKey(SeriesKey& key, std::string_view name, std::string_view service,
                    std::string_view instance, const std::vector<LabelView>& labels);

// Read back from a key's bytes.
std::string_view SeriesService(std::string_view key);
// Every label of the series, sorted by name: the client labels with service and instance.
void SeriesLabels(std::string_view key, std::vector<LabelView>& out);

// `a="x",b="y"` with the values escaped.
void AppendLabelPairs(std::string& out, const std::vector<LabelView>& labels);

}  // namespace fleetgate::metrics
