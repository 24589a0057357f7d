#!/usr/bin/env bash
# Developer convenience: configure and build a private build directory through a shared ccache,
# so several checkouts/build dirs on one machine reuse each other's objects.
# Usage: scripts/dev-build.sh DIR [ninja targets...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$1"; shift
export CCACHE_DIR="${CCACHE_DIR:-/work/.ccache}" CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    -DNIMBUS_PYTHON="$root/.venv/bin/python" \
    -DNIMBUS_SQS_QUERY_WHEEL="$(ls "$root"/.cache/botocore-sqs-query/*.whl)" >/dev/null
fi
ninja -C "$dir" -j2 "$@"
