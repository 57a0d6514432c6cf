#include "http/body_pieces.h"

#include <zlib.h>

#include <cstdio>
#include <memory>
#include <new>
#include <stdexcept>

namespace fleetgate::http {
namespace {

// One deflate stream with a gzip header and trailer (windowBits 15 + 16).
class GzipStream {
 public:
  GzipStream() {
    if (deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      throw std::bad_alloc();  // deflateInit2 fails only for want of memory with these arguments
    }
  }
  ~GzipStream() { deflateEnd(&stream_); }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Compresses `in` onto `out`; `finish` ends the member (trailer included).
  void Compress(const std::string& in, bool finish, std::string& out) {
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream_.avail_in = static_cast<uInt>(in.size());
    const int flush = finish ? Z_FINISH : Z_NO_FLUSH;
    for (;;) {
      const size_t start = out.size();
      const size_t room = deflateBound(&stream_, stream_.avail_in) + 64;
      out.resize(start + room);
      stream_.next_out = reinterpret_cast<Bytef*>(out.data() + start);
      stream_.avail_out = static_cast<uInt>(room);
      const int result = deflate(&stream_, flush);
      out.resize(start + room - stream_.avail_out);
      // With valid arguments deflate only reports progress (Z_OK), the end (Z_STREAM_END), or
      // Z_BUF_ERROR when there was nothing to do.
      if (result == Z_STREAM_END) return;
      if (stream_.avail_in == 0 && !finish && stream_.avail_out != 0) return;
      if (result != Z_OK && result != Z_BUF_ERROR) throw std::runtime_error("deflate failed");
    }
  }

 private:
  z_stream stream_{};
};

}  // namespace

BodyPieces ChunkedPieces(BodyPieces pieces) {
  return [pieces = std::move(pieces)](std::string& out) {
    // The piece is produced in place after room for its size line, which is then filled in
    // with leading zeros (allowed by RFC 9112), so the piece is never copied.
    constexpr size_t kSizeLine = 16 + 2;  // 16 hex digits and CRLF
    const size_t start = out.size();
    out.append(kSizeLine, '0');
    const bool more = pieces(out);
    const size_t size = out.size() - start - kSizeLine;
    if (size == 0) {
      out.resize(start);  // an empty chunk would end the body
    } else {
      char line[kSizeLine + 1];
      std::snprintf(line, sizeof line, "%016zx\r\n", size);
      out.replace(start, kSizeLine, line, kSizeLine);
      out += "\r\n";
    }
    if (!more) out += "0\r\n\r\n";
    return more;
  };
}

BodyPieces GzipPieces(BodyPieces pieces) {
  auto stream = std::make_shared<GzipStream>();
  auto plain = std::make_shared<std::string>();
  return [pieces = std::move(pieces), stream, plain](std::string& out) {
    plain->clear();
    const bool more = pieces(*plain);
    stream->Compress(*plain, !more, out);
    return more;
  };
}

}  // namespace fleetgate::http
