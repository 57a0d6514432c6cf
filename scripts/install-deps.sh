#!/usr/bin/env bash
# Installs the Debian bookworm packages fleetgate builds and tests with, only those missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config make
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libpistache-dev prometheus-cpp-dev libsqlite3-dev zlib1g-dev libcurl4-openssl-dev libpq-dev
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # style: make test checks clang-format; make tidy runs clang-tidy
  clang-format clang-tidy
  # make fuzz: libFuzzer and the sanitizer runtimes come with Debian's clang
  clang
  # test peers and tools
  prometheus prometheus-alertmanager python3 python3-grpcio python3-h2 python3-protobuf python3-yaml
  sqlite3 curl openssl
  # the fleet page's browser tests and screenshots (headless)
  chromium
  # the HA backend: the tests start a real PostgreSQL 15 server as an unprivileged user
  postgresql-15
)

# Helm for the chart tests comes from npm (package.json); Node.js and npm usually come with the
# machine image, and Debian's npm conflicts with such an install, so it is added only if absent.
command -v npm >/dev/null 2>&1 || packages+=(npm)

# The npm test peers (OpenTelemetry JS SDK, helm, puppeteer-core for the browser tests, which
# drives the Debian chromium above and never downloads a browser), exactly as package-lock.json
# pins them.
install_npm_packages() {
  (cd "$(dirname "$0")/.." && npm ci --no-audit --no-fund)
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  install_npm_packages
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo apt-get)
else
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: run as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -q
"${apt[@]}" install -y -q --no-install-recommends "${missing[@]}"
install_npm_packages
