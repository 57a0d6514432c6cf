#pragma once
// The fleet page: GET / (index.html, deep links live in the fragment: /#/services/x) and its
// script and style under /ui/, served from the embedded assets with their content types, a
// strict Content-Security-Policy (nothing but this origin; no inline script or style) and
// no-sniff.

#include "http/router.h"

namespace fleetgate::ui {

void AddUiRoutes(http::Router& router);

// The Content-Security-Policy every page response carries.
extern const char kContentSecurityPolicy[];

}  // namespace fleetgate::ui
