// The HTTP/1.x request head parser over arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto head = fleetgate::http::ParseRequestHead(bytes);
  if (head) fleetgate::http::IsKnownMethod(head->method);
  fleetgate::http::IsKnownMethod(fleetgate::http::MethodToken(bytes));
  return 0;
}
