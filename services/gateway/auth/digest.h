#pragma once
// SHA-256, constant-time comparison and base64 for credentials (OpenSSL libcrypto). Pure
// functions; thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleetgate::auth {

using Digest = std::array<uint8_t, 32>;

Digest Sha256(std::string_view data);
// Lower-case hex of a digest.
std::string ToHex(const Digest& digest);
// 64 hex digits (either case) to a digest; nullopt otherwise.
std::optional<Digest> ParseHexDigest(std::string_view hex);
// Compares in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
bool ConstantTimeEquals(const Digest& a, const Digest& b);
// Standard base64 (with padding) to bytes; nullopt when malformed.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace fleetgate::auth
