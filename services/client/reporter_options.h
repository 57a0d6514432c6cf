#pragma once
// Configuration, health vocabulary and counters of a fleetgate::client::ReportClient. Plain values.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fleetgate {

using Labels = std::map<std::string, std::string>;

struct ReporterOptions {
  std::string target = "localhost:50051";  // the gateway's gRPC address
  // Credentials (DESIGN.md "Trust"). A bearer token is sent as `authorization: Bearer <token>`;
  // with ca_file (or a client certificate) the channel is TLS, otherwise plaintext. Files are
  // PEM and read once, when the Reporter is built (it throws std::runtime_error if unreadable).
  std::string token;
  std::string ca_file;    // CA bundle the gateway's certificate must chain to; empty: system roots
  std::string cert_file;  // client certificate chain (mTLS), with key_file
  std::string key_file;
  bool tls = false;      // TLS with the system roots even without ca_file
  std::string service;   // required
  std::string instance;  // required
  std::string version;
  Labels labels;  // static labels added by the gateway to every series of this instance

  std::chrono::milliseconds flush_interval{1000};  // a batch at least this often
  size_t max_batch = 1000;              // a batch as soon as this many events are pending
  size_t max_buffered_events = 100000;  // pending + unacknowledged; beyond: dropped and counted

  std::chrono::milliseconds heartbeat_interval{10000};  // re-send the last health this often
  std::chrono::seconds heartbeat_ttl{30};  // ttl_seconds of every health event; keep > interval

  std::chrono::milliseconds initial_backoff{100};    // first reconnect delay
  std::chrono::milliseconds max_backoff{30000};      // cap of the doubling delays
  std::chrono::milliseconds shutdown_timeout{5000};  // the destructor's bounded flush
};

enum class HealthStatus { kServing, kDegraded, kNotServing };

struct HealthCheck {
  std::string name;
  HealthStatus status = HealthStatus::kServing;
  std::string detail;
};

// Event counts since the ReportClient started. An event re-sent after a retryable failure counts in
// `events_sent` each time it is written.
struct ReporterStats {
  uint64_t events_sent = 0;          // events written to the stream
  uint64_t events_acknowledged = 0;  // events in batches the gateway answered
  uint64_t events_rejected = 0;      // refused by the gateway: per event, or a whole failed batch
  uint64_t events_dropped = 0;       // given up by the client: buffer full, invalid, or shutdown
  uint64_t batches_sent = 0;         // write attempts, retries included
  uint64_t batches_failed = 0;       // attempts that ended the stream with an error
  uint64_t batches_throttled = 0;    // of those, refused over the service's quota (retried later)
  uint64_t reconnects = 0;           // streams opened after the first
  uint64_t heartbeats = 0;           // health events re-sent automatically
  std::string last_error;            // the last failed attempt's gRPC status, "" if none
};

}  // namespace fleetgate
