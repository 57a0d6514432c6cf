#include "http/gunzip.h"

#include <zlib.h>

namespace fleetgate::http {

Result<std::string> GzipDecompress(std::string_view data, size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {  // 16: gzip framing only
    return MakeError(ErrorCode::kInternal, "cannot start zlib");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    const size_t produced = sizeof buffer - stream.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&stream);
      return MakeError(ErrorCode::kResourceExhausted,
                       "the body inflates to more than " + std::to_string(max_bytes) + " bytes",
                       "body", "payload_too_large");
    }
    out.append(buffer, produced);
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;  // truncated input
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) {
    return MakeError(ErrorCode::kInvalidArgument, "the body is not valid gzip", "body",
                     "invalid_gzip");
  }
  return out;
}

}  // namespace fleetgate::http
