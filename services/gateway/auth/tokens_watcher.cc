#include "auth/tokens_watcher.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "auth/tokens_file.h"

namespace fleetgate::auth {
namespace {

bool Slurp(const std::string& path, std::string* content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *content = buffer.str();
  return !in.bad();
}

Result<std::shared_ptr<const CredentialSet>> Build(const std::string& tokens_file,
                                                   const std::string& content,
                                                   const std::string& admin_token) {
  auto parsed = ParseTokens(content);
  if (!parsed.ok()) {
    Error error = parsed.error();
    error.message = tokens_file + ": " + error.Describe();
    return error;
  }
  for (const auto& warning : parsed.value().warnings) {
    spdlog::warn("{}: {}", tokens_file, warning);
  }
  std::vector<Credential> credentials = std::move(parsed.value().credentials);
  if (!admin_token.empty()) credentials.push_back(AdminTokenCredential(admin_token));
  return std::shared_ptr<const CredentialSet>(
      std::make_shared<CredentialSet>(std::move(credentials)));
}

}  // namespace

Result<std::shared_ptr<const CredentialSet>> LoadCredentials(const std::string& tokens_file,
                                                             const std::string& admin_token) {
  if (tokens_file.empty()) {
    std::vector<Credential> credentials;
    if (!admin_token.empty()) credentials.push_back(AdminTokenCredential(admin_token));
    return std::shared_ptr<const CredentialSet>(
        std::make_shared<CredentialSet>(std::move(credentials)));
  }
  std::string content;
  if (!Slurp(tokens_file, &content)) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot read " + tokens_file, "auth.tokens_file");
  }
  return Build(tokens_file, content, admin_token);
}

TokensWatcher::TokensWatcher(std::string tokens_file, std::string admin_token,
                             Authenticator& authenticator, AuthMetrics& metrics,
                             std::shared_ptr<const Clock> clock, std::chrono::milliseconds interval)
    : tokens_file_(std::move(tokens_file)),
      admin_token_(std::move(admin_token)),
      authenticator_(authenticator),
      metrics_(metrics),
      worker_("tokens-file", std::move(clock), interval, [this](TimePoint) { Poll(); }) {
  bool ok = false;
  content_sha256_ = Sha256(ReadFile(&ok));
  metrics_.SetCredentials(authenticator_.credentials()->size());
}

TokensWatcher::~TokensWatcher() { Stop(); }

void TokensWatcher::Start() { worker_.Start(); }
void TokensWatcher::Stop() { worker_.Stop(); }

std::string TokensWatcher::ReadFile(bool* ok) const {
  std::string content;
  *ok = Slurp(tokens_file_, &content);
  return content;
}

bool TokensWatcher::Poll() {
  bool ok = false;
  const std::string content = ReadFile(&ok);
  if (!ok) {
    // Between the removal and the creation of a rotated file: try again on the next round.
    spdlog::warn("{}: cannot read the tokens file; the previous credentials stay in force",
                 tokens_file_);
    return false;
  }
  const Digest digest = Sha256(content);
  if (ConstantTimeEquals(digest, content_sha256_)) return false;
  content_sha256_ = digest;
  auto built = Build(tokens_file_, content, admin_token_);
  if (!built.ok()) {
    metrics_.Reload(false);
    spdlog::error(
        "the changed tokens file is not valid, the previous credentials stay in force: "
        "{}",
        built.error().message);
    return false;
  }
  metrics_.Reload(true);
  metrics_.SetCredentials(built.value()->size());
  authenticator_.Replace(std::move(built).value());
  spdlog::info("{}: {} credentials in force", tokens_file_, authenticator_.credentials()->size());
  return true;
}

}  // namespace fleetgate::auth
