#pragma once
// The fleet page's files, embedded into the binary at build time (embed_assets.cmake generates
// their definition from assets/). Immutable; thread-safe.

#include <string_view>
#include <vector>

namespace fleetgate::ui {

struct Asset {
  std::string_view name;  // "index.html", "app.js", "app.css"
  std::string_view bytes;
};

const std::vector<Asset>& Assets();

}  // namespace fleetgate::ui
