#pragma once
// Request decompression: a gzip (RFC 1952) body inflated under a size bound, so a small body
// cannot expand into gigabytes. Pure function, thread-safe.

#include <string>
#include <string_view>

#include "core/error.h"

namespace fleetgate::http {

// The inflated bytes; kInvalidArgument when `data` is not gzip, kResourceExhausted when the result
// would exceed `max_bytes`.
Result<std::string> GzipDecompress(std::string_view data, size_t max_bytes);

}  // namespace fleetgate::http
