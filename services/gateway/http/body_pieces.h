#pragma once
// Wrappers of a BodyPieces producer for the wire: HTTP/1.1 chunked framing, and gzip (RFC 1952)
// compression as the pieces come, so a streamed body is never whole in memory. Each wrapper is
// used by one response on one thread at a time, like the producer it wraps.

#include "http/message.h"

namespace fleetgate::http {

// Each non-empty piece as one chunk ("<hex size>\r\n<bytes>\r\n"), then the last chunk "0\r\n\r\n".
BodyPieces ChunkedPieces(BodyPieces pieces);

// The pieces deflated into one gzip member; a piece may compress to nothing until more follows.
BodyPieces GzipPieces(BodyPieces pieces);

}  // namespace fleetgate::http
