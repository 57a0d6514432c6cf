#pragma once
// Shell-style globs for service names: `*` matches any run of characters (also none), `?` one
// character; everything else matches itself. Pure functions.

#include <string_view>

namespace fleetgate::auth {

bool GlobMatch(std::string_view glob, std::string_view text);

}  // namespace fleetgate::auth
