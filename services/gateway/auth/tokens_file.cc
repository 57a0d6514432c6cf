#include "auth/tokens_file.h"

#include <yaml-cpp/yaml.h>

#include <set>

namespace fleetgate::auth {
namespace {

const std::set<std::string> kKnownFields = {
    "name", "sha256", "token", "username", "password_sha256", "client_cert", "roles", "services"};

Error Invalid(const std::string& where, const std::string& message) {
  return MakeError(ErrorCode::kInvalidArgument, message, where, "invalid_tokens_file");
}

std::string Scalar(const YAML::Node& entry, const char* key) {
  const YAML::Node node = entry[key];
  if (!node || !node.IsScalar()) return {};
  return node.as<std::string>();
}

Result<std::vector<std::string>> StringList(const YAML::Node& node, const std::string& where) {
  std::vector<std::string> out;
  if (!node) return out;
  if (!node.IsSequence()) return Invalid(where, "must be a list of strings");
  for (const auto& item : node) {
    if (!item.IsScalar() || item.as<std::string>().empty()) {
      return Invalid(where, "must be a list of non-empty strings");
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

Status ParseSecret(const YAML::Node& entry, const std::string& where, Credential& credential,
                   std::vector<std::string>& warnings) {
  int kinds = 0;
  if (entry["sha256"]) {
    ++kinds;
    auto digest = ParseHexDigest(Scalar(entry, "sha256"));
    if (!digest) return Invalid(where + ".sha256", "must be 64 hex digits (a SHA-256)");
    credential.secret_sha256 = *digest;
  }
  if (entry["token"]) {
    ++kinds;
    std::string token = Scalar(entry, "token");
    if (token.empty()) return Invalid(where + ".token", "must not be empty");
    credential.secret_sha256 = Sha256(token);
    warnings.push_back(where + " (" + credential.identity.name +
                       ") keeps its token in clear text; store `sha256:` instead");
  }
  if (entry["username"] || entry["password_sha256"]) {
    ++kinds;
    credential.kind = Credential::Kind::kBasic;
    credential.username = Scalar(entry, "username");
    if (credential.username.empty()) return Invalid(where + ".username", "must not be empty");
    auto digest = ParseHexDigest(Scalar(entry, "password_sha256"));
    if (!digest) return Invalid(where + ".password_sha256", "must be 64 hex digits (a SHA-256)");
    credential.secret_sha256 = *digest;
  }
  if (const YAML::Node cert = entry["client_cert"]) {
    ++kinds;
    credential.kind = Credential::Kind::kClientCert;
    if (!cert.IsMap())
      return Invalid(where + ".client_cert", "must be {uri_san: ...} or {common_name: ...}");
    credential.uri_san = Scalar(cert, "uri_san");
    credential.common_name = Scalar(cert, "common_name");
    if (credential.uri_san.empty() == credential.common_name.empty()) {
      return Invalid(where + ".client_cert", "needs exactly one of uri_san and common_name");
    }
  }
  if (kinds != 1) {
    return Invalid(where,
                   "needs exactly one of sha256, token, username/password_sha256 and "
                   "client_cert");
  }
  return Status::Ok();
}

Status ParseRoles(const YAML::Node& entry, const std::string& where, Identity& identity) {
  auto roles = StringList(entry["roles"], where + ".roles");
  if (!roles.ok()) return roles.error();
  if (roles.value().empty()) return Invalid(where + ".roles", "needs at least one role");
  for (const auto& text : roles.value()) {
    Role role;
    if (!ParseRole(text, &role)) {
      return Invalid(where + ".roles", "unknown role \"" + text + "\" (reporter, viewer, admin)");
    }
    identity.roles |= static_cast<uint8_t>(role);
  }
  auto services = StringList(entry["services"], where + ".services");
  if (!services.ok()) return services.error();
  identity.services = std::move(services).value();
  if (identity.Has(Role::kReporter) && identity.services.empty()) {
    return Invalid(where + ".services", "a reporter needs the services it may report as");
  }
  return Status::Ok();
}

Result<Credential> ParseEntry(const YAML::Node& entry, const std::string& where,
                              std::vector<std::string>& warnings) {
  if (!entry.IsMap()) return Invalid(where, "must be a mapping");
  for (const auto& field : entry) {
    const std::string key = field.first.as<std::string>();
    if (kKnownFields.count(key) == 0) return Invalid(where + "." + key, "unknown field");
  }
  Credential credential;
  credential.identity.name = Scalar(entry, "name");
  if (credential.identity.name.empty()) return Invalid(where + ".name", "must not be empty");
  if (auto status = ParseSecret(entry, where, credential, warnings); !status.ok()) {
    return status.error();
  }
  if (auto status = ParseRoles(entry, where, credential.identity); !status.ok()) {
    return status.error();
  }
  return credential;
}

Result<ParsedTokens> ParseDocument(const YAML::Node& root) {
  ParsedTokens parsed;
  if (!root.IsMap() || !root["tokens"] || !root["tokens"].IsSequence()) {
    return Invalid("tokens", "the file needs a top-level `tokens:` list");
  }
  std::set<std::string> names;
  std::set<std::string> secrets;
  size_t index = 0;
  for (const auto& node : root["tokens"]) {
    const std::string where = "tokens[" + std::to_string(index++) + "]";
    auto entry = ParseEntry(node, where, parsed.warnings);
    if (!entry.ok()) return entry.error();
    Credential& credential = entry.value();
    if (!names.insert(credential.identity.name).second) {
      return Invalid(where + ".name", "\"" + credential.identity.name + "\" is used twice");
    }
    if (credential.kind != Credential::Kind::kClientCert &&
        !secrets.insert(credential.username + ":" + ToHex(credential.secret_sha256)).second) {
      return Invalid(where, "the same secret is listed twice");
    }
    parsed.credentials.push_back(std::move(credential));
  }
  return parsed;
}

}  // namespace

Result<ParsedTokens> ParseTokens(std::string_view yaml_text) {
  try {
    return ParseDocument(YAML::Load(std::string(yaml_text)));
  } catch (const YAML::Exception& e) {
    // The position only: the message of a YAML error may quote the line, which may be a secret.
    return Invalid("tokens", "not valid YAML (line " + std::to_string(e.mark.line + 1) + ")");
  }
}

}  // namespace fleetgate::auth
