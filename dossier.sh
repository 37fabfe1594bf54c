#!/usr/bin/env bash
# Dossier's one entry point. It installs what is missing (and is quick when nothing is):
#
#   ./dossier.sh run     set up, build the release binary, start the portal on ./data
#   ./dossier.sh test    set up, build, run every test (Rust on SQLite + PostgreSQL, browser)
#   ./dossier.sh bench   set up, build, print the benchmark figures
#   ./dossier.sh build   set up and build only
#   ./dossier.sh lint    formatting and clippy (server and Wasm), as the tests run them
#
# The Wasm toolchain: rustup's wasm32 target where rustup has or can fetch it; otherwise
# Debian's rustc-web (Rust >= 1.96 with the standard library's source), building the Wasm
# standard library from source with RUSTC_BOOTSTRAP=1 -Zbuild-std.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

CARGO_LEPTOS_VERSION=0.3.11
MIN_RUST=1.96
CACHE=${DOSSIER_CACHE:-$HOME/.cache/dossier}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$CACHE/target}
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
LIB_ARGS=()
WASM_CARGO_ARGS=()

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'dossier.sh: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
rust_version() { "$1" --version 2>/dev/null | awk '{print $2}'; }

APT_UPDATED=
apt_install() {
  command -v apt-get >/dev/null || die "please install: $* (no apt-get here)"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  say "Installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Answers within seconds whether rustup's download server can be reached: never hang on it.
rustup_online() {
  command -v curl >/dev/null || return 1
  timeout 10 curl -fsS -o /dev/null -I https://static.rust-lang.org/rustup/release-stable.toml 2>/dev/null
}

choose_toolchain() {
  if command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
     && version_ge "$(rust_version rustc)" "$MIN_RUST"; then
    return
  fi
  if command -v rustup >/dev/null && rustup_online; then
    say "Adding the wasm32-unknown-unknown target with rustup"
    if ! version_ge "$(rust_version rustc)" "$MIN_RUST"; then timeout 900 rustup update stable; fi
    timeout 600 rustup target add wasm32-unknown-unknown && return
  fi
  # rustup cannot fetch the target here: Debian's Rust for the web, std built from source.
  if ! version_ge "$(rust_version /usr/bin/rustc)" "$MIN_RUST" || [ ! -d /usr/lib/rustlib/src/rust/library ] \
     || [ ! -e /usr/bin/rust-lld ] || ! /usr/bin/rust-lld -flavor wasm --version >/dev/null 2>&1; then
    apt_install rustc-web cargo-web rust-web-src lld-22
  fi
  export PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1
  LIB_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
  WASM_CARGO_ARGS=(-Zbuild-std=std,panic_abort)
}

ensure_tools() {
  if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (once per machine, about 10 minutes)"
    # It only orchestrates the build, so a debug build without debug info is plenty.
    CARGO_PROFILE_DEV_DEBUG=0 cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" \
      --locked --features no_downloads --debug --force
  fi
  local wb
  wb=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb" ]; then
    say "Installing wasm-bindgen-cli $wb, the version in Cargo.lock (once per machine, about 5 minutes)"
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install wasm-bindgen-cli --version "$wb" --force
  fi
  command -v npm >/dev/null || apt_install nodejs npm
  # wasm-opt (npm binaryen: Debian's is too old) and playwright-core, pinned by package-lock.json.
  if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "Installing the end2end and wasm-opt packages from npm"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export PATH="$ROOT/end2end/node_modules/.bin:$PATH"
}

ensure_chromium() {
  export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
  [ -x "$CHROMIUM_PATH" ] || apt_install chromium
}

ensure_postgres() {
  export DOSSIER_TEST_POSTGRES_URL=${DOSSIER_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && [ -d /etc/postgresql ]; then
    say "Starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || die "PostgreSQL is not answering on 127.0.0.1:5432; the tests need it."
}

# The S3 tests' real S3-compatible server: moto's, from PyPI, in a virtualenv of its own.
MOTO_VERSION=5.2.5
ensure_s3_server() {
  local venv="$CACHE/moto-$MOTO_VERSION"
  if [ ! -x "$venv/bin/moto_server" ]; then
    say "Installing moto[server] $MOTO_VERSION from PyPI (the S3 tests' server; once per machine)"
    command -v python3 >/dev/null || apt_install python3 python3-venv
    python3 -m venv "$venv" || { apt_install python3-venv && python3 -m venv "$venv"; }
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
  export DOSSIER_TEST_MOTO="$venv/bin/moto_server"
}

# The variables cargo-leptos sets for the server build: `cargo test` sets the same so that it
# reuses the release build's artifacts instead of compiling the server a second time.
leptos_env() {
  export LEPTOS_OUTPUT_NAME=dossier LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=frontend \
    LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt
}

setup() { choose_toolchain; ensure_tools; }

# What the release binary is made from: every source file (tracked or new, not ignored), the lock
# files, the tools and the checkout's own path (the site it embeds lives in ./target/site, not in
# the shared cache). Equal fingerprints, same binary: `build` then skips cargo-leptos, which
# would otherwise optimize, compress and relink the whole site again (minutes) for nothing.
build_inputs() {
  local paths=(Cargo.toml Cargo.lock .cargo app server frontend migrations public style end2end/package-lock.json)
  {
    echo "$ROOT"; rustc --version; cargo leptos --version; wasm-bindgen --version; printf '%s\n' "${LIB_ARGS[@]}"
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
      git ls-files -z -co --exclude-standard -- "${paths[@]}" | sort -z | xargs -0 sha256sum
    else
      find "${paths[@]}" -type f -print0 2>/dev/null | sort -z | xargs -0 sha256sum
    fi
  } | sha256sum | cut -d' ' -f1
}

build() {
  setup
  BIN="$CARGO_TARGET_DIR/release/dossier"
  local stamp="$BIN.inputs" inputs
  inputs=$(build_inputs)
  # A clean clone next to a warm cache has the binary and its stamp but not ./target/site: the
  # tests' build would then embed an empty site, so the site must be there too.
  if [ -x "$BIN" ] && compgen -G "$ROOT/target/site/pkg/*.wasm" >/dev/null &&
    [ "$(cat "$stamp" 2>/dev/null)" = "$inputs" ]; then
    say "The release binary is up to date (nothing changed since it was built)"
    return
  fi
  say "Building the release binary (site embedded)"
  rm -f "$stamp"
  cargo leptos build --release --precompress "${LIB_ARGS[@]}"
  echo "$inputs" > "$stamp"
}

# Lints as CI holds them: formatting, and clippy with warnings as errors for both builds of the
# app, the server's (ssr, with the tests) and the browser's (hydrate, for wasm32), checked apart
# because feature unification could hide a mistake in either.
lint() {
  say "Checking formatting and lints (server and Wasm, warnings as errors)"
  if cargo fmt --version >/dev/null 2>&1; then cargo fmt --all -- --check; fi
  if ! cargo clippy --version >/dev/null 2>&1; then
    say "clippy is not installed with this toolchain: skipping the lints"
    return
  fi
  cargo clippy --all-targets -p dossier -p app -p migrations --features app/ssr -- -D warnings
  cargo clippy -p frontend --target wasm32-unknown-unknown "${WASM_CARGO_ARGS[@]}" -- -D warnings
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
  run)
    build
    say "Starting Dossier (http://127.0.0.1:3000 unless --listen says otherwise; data in ./data)"
    exec "$BIN" --data-dir "$ROOT/data" "$@"
    ;;
  test)
    ensure_postgres
    ensure_chromium
    ensure_s3_server
    build
    leptos_env
    lint
    say "Rust tests (SQLite and PostgreSQL)"
    if cargo nextest --version >/dev/null 2>&1; then
      # One process per test, a hard timeout, no retries (.config/nextest.toml).
      cargo nextest run --release -p dossier -p app -p migrations --features app/ssr "$@"
    else
      cargo test --release -p dossier -p app -p migrations --features app/ssr "$@"
    fi
    # What must not compile (capabilities made outside the policy, one id for another): doc
    # tests, which nextest does not run.
    say "Doc tests (what the compiler must refuse)"
    # With the same packages as the tests, so features unify the same and nothing is rebuilt.
    cargo test --release --doc -p dossier -p app -p migrations --features app/ssr
    say "Browser tests (Chromium)"
    DOSSIER_BIN="$BIN" npm --prefix end2end test
    ;;
  bench)
    build
    command -v wrk >/dev/null || (apt_install wrk) || true
    [ -x /usr/bin/time ] || (apt_install time) || true
    DOSSIER_BIN="$BIN" bench/run "$@"
    ;;
  build) build ;;
  lint) setup; lint ;;
  setup) setup ;;
  *) die "unknown command '$cmd': use run, test, bench, build or lint" ;;
esac
