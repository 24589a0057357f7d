#!/usr/bin/env bash
# Installs whatever is missing (Debian packages, pinned Python packages, npm packages) and builds
# Nimbus into build/. Idempotent: a second run only rebuilds what changed.
#   scripts/setup.sh          server build dependencies only
#   scripts/setup.sh --tests  also the real AWS clients the test suites drive
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WITH_TESTS=0
[[ "${1:-}" == "--tests" ]] && WITH_TESTS=1

# The SQS query-protocol serialization names and legacy error codes are gone from the (JSON)
# SQS model of current botocore; 1.34.89 is the last release with the query model.
SQS_QUERY_BOTOCORE=1.34.89

BUILD_PKGS=(build-essential cmake ninja-build pkg-config python3 python3-venv python3-pip
  libboost1.81-all-dev rapidjson-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev
  libhiredis-dev libzip-dev libyaml-dev libexpat1-dev zlib1g-dev libgtest-dev libgmock-dev)
# redis-server and docker-compose: the compose example stacks, run by tests/e2e (docker-compose
# only validates the compose files: no Docker engine runs here).
TEST_PKGS=(awscli python3-boto3 curl procps redis-server docker-compose)

log() { echo "[setup] $*" >&2; }

install_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_apt "${BUILD_PKGS[@]}"
if ((WITH_TESTS)); then
  install_apt "${TEST_PKGS[@]}"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    install_apt nodejs npm
  fi
fi

# Python: a venv with the pinned botocore (models) and, for tests, boto3, AWS CLI v1 and pytest.
VENV="$ROOT/.venv"
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating $VENV"
  /usr/bin/python3 -m venv "$VENV"
fi
REQ="$ROOT/tests/requirements.txt"
STAMP="$VENV/.requirements.sha"
if [[ ! -f "$STAMP" ]] || [[ "$(sha256sum "$REQ" | cut -d' ' -f1)" != "$(cat "$STAMP")" ]]; then
  log "pip install -r tests/requirements.txt"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ"
  sha256sum "$REQ" | cut -d' ' -f1 >"$STAMP"
fi
WHEEL_DIR="$ROOT/.cache/botocore-sqs-query"
if ! ls "$WHEEL_DIR"/botocore-${SQS_QUERY_BOTOCORE}-*.whl >/dev/null 2>&1; then
  log "pip download botocore==$SQS_QUERY_BOTOCORE (SQS query overlay)"
  "$VENV/bin/pip" download -q --disable-pip-version-check --no-deps \
    "botocore==$SQS_QUERY_BOTOCORE" -d "$WHEEL_DIR"
fi

if ((WITH_TESTS)) && [[ -f "$ROOT/tests/js/package-lock.json" ]]; then
  if [[ ! -d "$ROOT/tests/js/node_modules" ]] ||
     [[ "$ROOT/tests/js/package-lock.json" -nt "$ROOT/tests/js/node_modules/.package-lock.json" ]]; then
    log "npm ci (tests/js)"
    (cd "$ROOT/tests/js" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

BUILD="$ROOT/build"
if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DNIMBUS_PYTHON="$VENV/bin/python" \
    -DNIMBUS_SQS_QUERY_WHEEL="$(ls "$WHEEL_DIR"/botocore-${SQS_QUERY_BOTOCORE}-*.whl)" \
    ${NIMBUS_CMAKE_ARGS:-} >/dev/null
fi
log "building"
cmake --build "$BUILD" -- -j"$(nproc)" | grep -vE '^\[[0-9]+/[0-9]+\] ' || true
test -x "$BUILD/nimbus"

# ---- Lambda execution suite fixtures (tests/integration/lambda/fixtures) -----------------------
# What the official-runtime-client fixtures need, ahead of the tests: the Go module
# github.com/aws/aws-lambda-go (go.mod/go.sum in go_fn/; v1.47.0 still builds with Debian
# bookworm's Go 1.19), npm aws-lambda-ric (a native addon that node-gyp builds from the curl and
# aws-lambda-cpp sources it ships: about 2-3 minutes once) and PyPI awslambdaric, vendored for the
# machine's python3 into .cache/. Each step is skipped or cached on re-runs.
if ((WITH_TESTS)); then
  LAMBDA_FIXTURES="$ROOT/tests/integration/lambda/fixtures"
  command -v go >/dev/null || install_apt golang-go
  install_apt g++ make cmake autoconf automake libtool curl
  log "go mod download + go build (lambda go_fn fixture)"
  (cd "$LAMBDA_FIXTURES/go_fn" && go mod download &&
    CGO_ENABLED=0 go build -buildvcs=false -o /dev/null .)
  # The e2e functional-test stack's Go Lambda (aws-lambda-go + AWS SDK for Go v2).
  log "go mod download (compose/examples/functional-test publisher)"
  (cd "$ROOT/compose/examples/functional-test/functions/publisher" && go mod download)

  NODE_RIC_DIR="$LAMBDA_FIXTURES/node_ric_fn"
  if [[ ! -f "$NODE_RIC_DIR/node_modules/aws-lambda-ric/dist/rapid-client.node" ]] ||
     [[ "$NODE_RIC_DIR/package-lock.json" -nt "$NODE_RIC_DIR/node_modules/.package-lock.json" ]]; then
    # node-gyp compiles against the local node headers (no download from outside).
    NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
    if [[ ! -f "$NODE_PREFIX/include/node/node.h" ]] && dpkg-query -W nodejs >/dev/null 2>&1; then
      install_apt libnode-dev
    fi
    log "npm ci (lambda node_ric_fn fixture: builds the aws-lambda-ric addon)"
    (cd "$NODE_RIC_DIR" && npm_config_nodedir="$NODE_PREFIX" \
      npm ci --no-audit --no-fund --loglevel=error)
  fi

  AWSLAMBDARIC_VERSION=4.2.2
  PY_TAG="$(python3 -c 'import sys; print("cp%d%d" % sys.version_info[:2])')"
  AWSLAMBDARIC_DIR="$ROOT/.cache/lambda-fixtures/awslambdaric-$AWSLAMBDARIC_VERSION-$PY_TAG"
  if [[ ! -f "$AWSLAMBDARIC_DIR/.complete" ]]; then
    log "pip install --target .cache/lambda-fixtures awslambdaric==$AWSLAMBDARIC_VERSION ($PY_TAG)"
    rm -rf "$AWSLAMBDARIC_DIR"
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore \
      --no-compile --only-binary=:all: \
      --target "$AWSLAMBDARIC_DIR" "awslambdaric==$AWSLAMBDARIC_VERSION"
    touch "$AWSLAMBDARIC_DIR/.complete"
  fi
fi
