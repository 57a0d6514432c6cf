#include "unit/http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <cerrno>

namespace fleetgate::http::testing {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<RawResponse> ParseHead(const std::string& head) {
  RawResponse response;
  if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) return std::nullopt;
  response.status = std::atoi(head.c_str() + 9);
  size_t line = head.find("\r\n");
  while (line != std::string::npos && line + 2 < head.size()) {
    size_t next = head.find("\r\n", line + 2);
    std::string field = head.substr(line + 2, next - line - 2);
    size_t colon = field.find(':');
    if (colon != std::string::npos) {
      size_t start = field.find_first_not_of(' ', colon + 1);
      response.headers[Lower(field.substr(0, colon))] =
          start == std::string::npos ? "" : field.substr(start);
    }
    line = next;
  }
  return response;
}

}  // namespace

std::optional<std::string> RawResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

TestClient::TestClient(uint16_t port, int rcvbuf) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

TestClient::~TestClient() {
  if (fd_ >= 0) close(fd_);
}

bool TestClient::Send(const std::string& bytes) {
  size_t offset = 0;
  while (offset < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + offset, bytes.size() - offset, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    offset += static_cast<size_t>(n);
  }
  return true;
}

int TestClient::ReadMore(Deadline deadline) {
  if (eof_) return 0;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return -1;
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      return 0;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return 1;
  }
}

bool TestClient::Fill(size_t size, Deadline deadline) {
  while (buffer_.size() < size) {
    if (ReadMore(deadline) != 1) return false;
  }
  return true;
}

bool TestClient::FillUntil(const std::string& marker, Deadline deadline, size_t* position) {
  while ((*position = buffer_.find(marker)) == std::string::npos) {
    if (ReadMore(deadline) != 1) return false;
  }
  return true;
}

std::optional<RawResponse> TestClient::ReadResponse(Deadline deadline, bool head_request) {
  size_t end;
  if (!FillUntil("\r\n\r\n", deadline, &end)) return std::nullopt;
  std::optional<RawResponse> response = ParseHead(buffer_.substr(0, end + 2));
  buffer_.erase(0, end + 4);
  if (!response) return std::nullopt;
  if (head_request || response->status == 204 || response->status < 200) return response;
  if (response->Header("transfer-encoding") == "chunked") {
    if (!ReadChunked(deadline, &response->body)) return std::nullopt;
    return response;
  }
  auto length = response->Header("content-length");
  if (!length) {
    while (ReadMore(deadline) == 1) {
    }
    if (!eof_) return std::nullopt;
    response->body.swap(buffer_);
    return response;
  }
  size_t size = std::stoul(*length);
  if (!Fill(size, deadline)) return std::nullopt;
  response->body = buffer_.substr(0, size);
  buffer_.erase(0, size);
  return response;
}

bool TestClient::ReadChunked(Deadline deadline, std::string* body) {
  while (true) {
    size_t end;
    if (!FillUntil("\r\n", deadline, &end)) return false;
    size_t size = 0;
    try {
      size = std::stoul(buffer_.substr(0, end), nullptr, 16);
    } catch (const std::exception&) {
      return false;
    }
    buffer_.erase(0, end + 2);
    if (!Fill(size + 2, deadline) || buffer_.compare(size, 2, "\r\n") != 0) return false;
    body->append(buffer_, 0, size);
    buffer_.erase(0, size + 2);
    ++chunks_;
    if (size == 0) return true;  // the last chunk; this server sends no trailers
  }
}

std::optional<RawResponse> TestClient::Roundtrip(const std::string& request,
                                                 std::chrono::milliseconds timeout) {
  if (!Send(request)) return std::nullopt;
  return ReadResponse(In(timeout), request.rfind("HEAD ", 0) == 0);
}

std::string TestClient::ReadSome(size_t max, Deadline deadline) {
  if (buffer_.empty()) ReadMore(deadline);
  std::string out = buffer_.substr(0, max);
  buffer_.erase(0, out.size());
  return out;
}

bool TestClient::WaitForEof(Deadline deadline) {
  while (true) {
    int result = ReadMore(deadline);
    if (result == 0) return true;
    if (result < 0) return false;
    buffer_.clear();
  }
}

std::string MakeRequest(const std::string& method, const std::string& target,
                        const std::string& extra_headers, const std::string& body) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers;
  if (!body.empty()) request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return request + "\r\n" + body;
}

std::optional<std::string> Gunzip(const std::string& data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int result = Z_OK;
  while (result == Z_OK) {
    char chunk[65536];
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - stream.avail_out);
  }
  inflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace fleetgate::http::testing
