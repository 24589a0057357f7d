#!/usr/bin/env bash
# Sets up, builds and runs Nimbus in the foreground on 0.0.0.0:4566 (embedded SQLite store).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
exec "$ROOT/build/nimbus" start "$@"
