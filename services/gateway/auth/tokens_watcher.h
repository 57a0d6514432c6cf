#pragma once
// TokensWatcher: keeps an Authenticator's credentials equal to the tokens file (plus
// `http.admin_token`). It polls the file's content on a PeriodicWorker, so a rotated Kubernetes
// Secret (a symlink swap) takes effect without a restart. A new file that does not parse keeps
// the credentials in force, is logged with the reason and counted
// (fleetgate_auth_reloads_total{result="failure"}). Start/Stop from one thread; Poll is
// serialised by the worker (tests call it directly).

#include <chrono>
#include <memory>
#include <string>

#include "auth/auth_metrics.h"
#include "auth/authenticator.h"
#include "core/periodic_worker.h"

namespace fleetgate::auth {

// Reads and parses a tokens file, adds the admin token (when not empty), logs the warnings.
Result<std::shared_ptr<const CredentialSet>> LoadCredentials(const std::string& tokens_file,
                                                             const std::string& admin_token);

class TokensWatcher {
 public:
  // `authenticator` must already hold the credentials of the file as it is now.
  TokensWatcher(std::string tokens_file, std::string admin_token, Authenticator& authenticator,
                AuthMetrics& metrics, std::shared_ptr<const Clock> clock,
                std::chrono::milliseconds interval);
  ~TokensWatcher();

  void Start();
  void Stop();
  // One check: re-reads the file and, when its content changed, replaces the credentials (or
  // keeps them and counts a failure). True when new credentials are in force.
  bool Poll();

 private:
  std::string ReadFile(bool* ok) const;

  const std::string tokens_file_;
  const std::string admin_token_;
  Authenticator& authenticator_;
  AuthMetrics& metrics_;
  Digest content_sha256_{};  // of the content last tried, good or bad; only Poll touches it
  PeriodicWorker worker_;
};

}  // namespace fleetgate::auth
