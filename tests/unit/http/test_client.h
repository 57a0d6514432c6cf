#pragma once
// A tiny blocking HTTP/1.1 client over raw POSIX sockets for the server tests: every read has a
// deadline, so a broken server fails a test instead of hanging it. One client per thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace fleetgate::http::testing {

using Deadline = std::chrono::steady_clock::time_point;

inline Deadline In(std::chrono::milliseconds ms) { return std::chrono::steady_clock::now() + ms; }

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  std::optional<std::string> Header(const std::string& lower_name) const;
};

class TestClient {
 public:
  // Connects to 127.0.0.1:port; a non-zero `rcvbuf` sets SO_RCVBUF before connecting.
  explicit TestClient(uint16_t port, int rcvbuf = 0);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // Reads one response (Content-Length framed, chunked, or until EOF); nullopt on
  // EOF/timeout/garbage.
  std::optional<RawResponse> ReadResponse(Deadline deadline, bool head_request = false);
  // Sends a request and reads its response.
  std::optional<RawResponse> Roundtrip(
      const std::string& request, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads up to `max` bytes that arrive before the deadline ("" on timeout or EOF).
  std::string ReadSome(size_t max, Deadline deadline);
  // Whether the server closes the connection before the deadline (data read meanwhile is dropped).
  bool WaitForEof(Deadline deadline);
  // Chunks of chunked bodies read so far, the last (empty) chunk included.
  size_t chunks() const { return chunks_; }

 private:
  // Fills buffer_ until it holds `size` bytes; false on EOF or timeout.
  bool Fill(size_t size, Deadline deadline);
  bool FillUntil(const std::string& marker, Deadline deadline, size_t* position);
  // 1 = data, 0 = EOF, -1 = timeout/error.
  int ReadMore(Deadline deadline);
  // Decodes a chunked body onto `body`; false on timeout, EOF or bad framing.
  bool ReadChunked(Deadline deadline, std::string* body);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
  size_t chunks_ = 0;
};

// "GET /x HTTP/1.1\r\nHost: test\r\n<extra>\r\n" with a Content-Length when `body` is not empty.
std::string MakeRequest(const std::string& method, const std::string& target,
                        const std::string& extra_headers = "", const std::string& body = "");

// gunzips `data`; nullopt when it is not valid gzip.
std::optional<std::string> Gunzip(const std::string& data);

}  // namespace fleetgate::http::testing
