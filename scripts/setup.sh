#!/usr/bin/env bash
# Installs what building and testing Convene needs, only where it is missing. Offline-safe:
# everything comes from crates.io, npm or Debian's packages (see ../shared/reference/toolchain.md).
#   scripts/setup.sh          tools for building and running
#   scripts/setup.sh --test   also Chromium and Playwright for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10 # 0.3.11 --locked needs rustc 1.96
LEPTOSFMT_VERSION=0.1.33
# The CLI must equal the wasm-bindgen crate pinned in Cargo.toml exactly.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "$(cargo leptos --version 2>/dev/null)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION: about 20 minutes on 2 cores, only this once"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes)"
  # Not --locked: its lockfile names a crate version this registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [[ ! -x tools/node_modules/.bin/wasm-opt || ! -f tools/node_modules/leaflet/dist/leaflet.js ]]; then
  say "installing wasm-opt (npm binaryen) and the map's Leaflet into tools/"
  npm ci --prefix tools --no-audit --no-fund
fi

if [[ "${1:-}" == "--test" ]]; then
  if ! command -v faketime >/dev/null; then
    say "installing faketime from Debian's packages (the test suite runs again with the clock moved)"
    sudo_if_needed=""
    [[ $(id -u) -ne 0 ]] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get update -qq
    $sudo_if_needed apt-get install -y -qq faketime
  fi
  if [[ ! -x /usr/bin/chromium ]]; then
    say "installing Chromium from Debian's packages"
    sudo_if_needed=""
    [[ $(id -u) -ne 0 ]] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get update -qq
    $sudo_if_needed apt-get install -y -qq chromium
  fi
  if [[ ! -x /usr/sbin/nginx ]]; then
    say "installing nginx from Debian's packages (the deployment test runs two replicas behind it)"
    sudo_if_needed=""
    [[ $(id -u) -ne 0 ]] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get update -qq
    # The test runs its own nginx with its own configuration; it needs no system service.
    $sudo_if_needed apt-get install -y -qq nginx-light
  fi
  if [[ "$(leptosfmt --version 2>/dev/null)" != *"$LEPTOSFMT_VERSION"* ]]; then
    say "installing leptosfmt $LEPTOSFMT_VERSION (make lint checks the view! macros' layout; about 3 minutes)"
    cargo install leptosfmt --version "$LEPTOSFMT_VERSION" --locked
  fi
  if [[ ! -d end2end/node_modules/@playwright/test || ! -d end2end/node_modules/@axe-core/playwright ]]; then
    say "installing Playwright and axe-core into end2end/ (no browser download: Chromium comes from apt)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix end2end --no-audit --no-fund
  fi
fi
