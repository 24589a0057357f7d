#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each codec's target for
# FUZZ_SECONDS (default 60). Not part of CI. Findings (crash-*, leak-*) land in build-fuzz/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
if ! command -v clang++ >/dev/null; then
  apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
"$ROOT/scripts/setup.sh" >/dev/null
BUILD="$ROOT/build-fuzz"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DNIMBUS_FUZZ=ON \
  -DNIMBUS_BUILD_TESTS=OFF -DNIMBUS_PYTHON="$ROOT/.venv/bin/python" \
  -DNIMBUS_SQS_QUERY_WHEEL="$(ls "$ROOT"/.cache/botocore-sqs-query/*.whl)" >/dev/null
cmake --build "$BUILD" --target query_codec_fuzz json_codec_fuzz rest_json_codec_fuzz
status=0
for codec in query json rest_json; do
  corpus="$BUILD/corpus-$codec"
  mkdir -p "$corpus"
  cp -n "$ROOT/edge/protocol/fuzz/corpus/$codec/"* "$corpus/" 2>/dev/null || true
  echo "== $codec: ${SECONDS_EACH}s"
  (cd "$BUILD" && "./edge/protocol/${codec}_codec_fuzz" -max_total_time="$SECONDS_EACH" \
     -max_len=4096 -print_final_stats=1 "$corpus") 2>&1 | tail -12 || status=1
done
exit $status
