#!/usr/bin/env bash
# Sets up, builds and runs every test: GoogleTest unit suites and the integration suites that
# drive the built binary with real AWS clients.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh" --tests
cd "$ROOT/build"
ctest --output-on-failure --timeout 1200 "$@"
