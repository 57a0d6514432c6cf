#include "webhook_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace fleetgate::testing {

WebhookSink::WebhookSink() {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listener_, 16) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (listener_ >= 0) close(listener_);
    throw std::runtime_error("webhook sink: cannot listen on loopback");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

WebhookSink::~WebhookSink() {
  stop_ = true;
  thread_.join();
  close(listener_);
}

std::vector<nlohmann::json> WebhookSink::Bodies() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bodies_;
}

void WebhookSink::Serve() {
  while (!stop_.load()) {
    pollfd ready{listener_, POLLIN, 0};
    if (poll(&ready, 1, 50) <= 0) continue;  // wakes to see stop_
    int fd = accept(listener_, nullptr, nullptr);
    if (fd < 0) continue;
    Answer(fd);
    close(fd);
  }
}

// Reads the head, then Content-Length bytes of body (bounded by a 5 s silence), answers 200.
void WebhookSink::Answer(int fd) {
  std::string request;
  size_t body_at = std::string::npos;
  size_t length = 0;
  char buffer[4096];
  for (;;) {
    if (body_at != std::string::npos && request.size() >= body_at + length) break;
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, 5000) <= 0) return;
    ssize_t got = read(fd, buffer, sizeof buffer);
    if (got <= 0) return;
    request.append(buffer, static_cast<size_t>(got));
    if (body_at == std::string::npos && (body_at = request.find("\r\n\r\n")) != std::string::npos) {
      body_at += 4;
      std::string head = request.substr(0, body_at);
      for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t at = head.find("content-length:");
      length = at == std::string::npos ? 0 : std::strtoul(head.c_str() + at + 15, nullptr, 10);
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    bodies_.push_back(nlohmann::json::parse(request.substr(body_at, length), nullptr, false));
  }
  const char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  ssize_t ignored = write(fd, kOk, sizeof kOk - 1);
  (void)ignored;
}

}  // namespace fleetgate::testing
