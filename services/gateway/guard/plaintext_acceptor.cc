#include "guard/plaintext_acceptor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/server_posix.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/backoff.h"

namespace fleetgate::guard {
namespace {

std::string PeerAddress(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text, sizeof text);
  } else if (address.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text,
              sizeof text);
  }
  return text;
}

int ListenOn(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("not host:port: " + address);
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = address.substr(colon + 1);
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found) != 0) {
    throw std::runtime_error("cannot resolve " + address);
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const bool ok =
      fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0;
  freeaddrinfo(found);
  if (!ok) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot listen on " + address + ": " + why);
  }
  return fd;
}

int LocalPort(int fd) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
  return local.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(local).sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in&>(local).sin_port);
}

}  // namespace

PlaintextAcceptor::PlaintextAcceptor(AcceptorLimits limits, ConnectionTable& table,
                                     GuardMetrics& metrics)
    : limits_(limits), table_(table), metrics_(metrics) {}

PlaintextAcceptor::~PlaintextAcceptor() {
  Stop();
  if (stop_fd_ >= 0) close(stop_fd_);
  if (reserve_fd_ >= 0) close(reserve_fd_);
}

int PlaintextAcceptor::Bind(const std::string& address) {
  listen_fd_ = ListenOn(address);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return LocalPort(listen_fd_);
}

void PlaintextAcceptor::Start(grpc::Server* server) {
  server_ = server;
  thread_ = std::thread([this] { Loop(); });
}

void PlaintextAcceptor::Stop() {
  if (!thread_.joinable()) return;
  uint64_t one = 1;
  if (write(stop_fd_, &one, sizeof one) < 0) spdlog::warn("acceptor stop: {}", strerror(errno));
  thread_.join();
  close(listen_fd_);
  listen_fd_ = -1;
}

bool PlaintextAcceptor::WaitReadable(int timeout_ms) {
  pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
  // While backing off, only the stop descriptor is watched.
  const nfds_t count = timeout_ms >= 0 ? 1 : 2;
  int ready = poll(fds, count, timeout_ms);
  return !(ready > 0 && (fds[0].revents & POLLIN));
}

void PlaintextAcceptor::Loop() {
  Backoff backoff(std::chrono::milliseconds(10), std::chrono::seconds(1));
  while (WaitReadable(-1)) {
    AcceptOne();
    if (accepting_.load()) {
      backoff.Reset();
    } else if (!WaitReadable(static_cast<int>(backoff.Next().count()))) {
      return;
    }
  }
}

void PlaintextAcceptor::AcceptOne() {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length,
                   SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      OnDescriptorsExhausted(errno);
    }
    // EAGAIN, ECONNABORTED, EINTR: nothing pending. Holding the reserve again proves a free
    // descriptor, so the port accepts again.
    if (!accepting_.load() && reserve_fd_ < 0)
      reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (!accepting_.load() && reserve_fd_ >= 0 && !accepting_.exchange(true)) {
      spdlog::info("gRPC port accepting connections again");
    }
    return;
  }
  const std::string peer = PeerAddress(address);
  if (limits_.max_connections > 0 && table_.size() >= limits_.max_connections) {
    return Refuse(fd, "connection_limit");
  }
  if (limits_.max_connections_per_peer > 0 &&
      table_.CountFrom(peer) >= limits_.max_connections_per_peer) {
    return Refuse(fd, "peer_limit");
  }
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) {
    OnDescriptorsExhausted(errno);
    return Refuse(fd, "descriptors");
  }
  if (!accepting_.exchange(true)) spdlog::info("gRPC port accepting connections again");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  table_.Add(copy, peer, std::chrono::steady_clock::now());
  grpc::AddInsecureChannelFromFd(server_, fd);
}

void PlaintextAcceptor::Refuse(int fd, const char* reason) {
  close(fd);
  metrics_.Refused(reason);
}

// Without a free descriptor the pending connection can be neither accepted nor refused, and a
// level-triggered poll would spin on it: give the reserve back, accept-and-close, keep the
// reserve again, and log the first time only.
void PlaintextAcceptor::OnDescriptorsExhausted(int error) {
  if (accepting_.exchange(false)) {
    spdlog::error(
        "gRPC port: out of descriptors ({}) with {} connections open; refusing new connections "
        "until descriptors are free (see guard.max_connections)",
        std::strerror(error), table_.size());
  }
  if (reserve_fd_ >= 0) {
    close(reserve_fd_);
    reserve_fd_ = -1;
  }
  int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) Refuse(fd, "descriptors");
  reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

}  // namespace fleetgate::guard
