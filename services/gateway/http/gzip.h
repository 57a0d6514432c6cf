#pragma once
// Response compression: whether a client accepts gzip, and gzip (RFC 1952) via zlib. Pure
// functions, thread-safe.

#include <string>
#include <string_view>

#include "core/error.h"

namespace fleetgate::http {

// Whether an Accept-Encoding value allows gzip (RFC 9110 §12.5.3): a "gzip" (or "x-gzip") entry
// with q > 0, or, when gzip is not listed, a "*" entry with q > 0. "gzip;q=0" refuses it.
bool AcceptsGzip(std::string_view accept_encoding);

// gzip-compresses `data`; a kInternal error if zlib fails (e.g. out of memory) or the body is
// over 2 GiB.
Result<std::string> GzipCompress(std::string_view data);

}  // namespace fleetgate::http
