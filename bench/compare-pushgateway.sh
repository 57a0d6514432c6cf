#!/usr/bin/env bash
# Kept for old command lines: the Pushgateway comparison is now part of bench/compare-peers.sh.
# This runs it with fleetgate and Pushgateway only; every argument is passed on.
exec "$(dirname "${BASH_SOURCE[0]}")/compare-peers.sh" --peers "fleetgate pushgateway" "$@"
