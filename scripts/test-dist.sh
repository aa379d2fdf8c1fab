#!/usr/bin/env bash
# The operator's path (issue #28): unpack the archive `make dist` built into an empty directory,
# start it with the settings deploy/convene.env documents (listen address and data directory
# moved into the scratch directory), and check that every asset a page links answers 200 and
# that the dashboard hydrates in Chromium. Run by `make test-dist` (part of `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."

archive=$(ls -t target/dist/convene-*.tar.gz | head -1)
scratch=$(mktemp -d)
server_pid=
cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
  exit "$status"
}
trap cleanup EXIT

tar -C "$scratch" -xzf "$archive"
release=$(find "$scratch" -mindepth 1 -maxdepth 1 -type d)
(
  cd "$release"
  # Only what the documented file sets (nothing of the build's LEPTOS_* environment). Each step
  # execs the next, so $server_pid is the server's own.
  exec env -i PATH=/usr/bin:/bin HOME="$scratch" bash -c '
    set -a; . ./convene.env; set +a
    LEPTOS_SITE_ADDR=127.0.0.1:0 CONVENE_DATA_DIR="$PWD/data" CONVENE_DAILY_SYNC=0 exec ./convene
  ' > "$scratch/server.log" 2>&1
) &
server_pid=$!

base=
for _ in $(seq 1 300); do
  base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$scratch/server.log" | head -1)
  [[ -n "$base" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log"; echo "test-dist: the server stopped"; exit 1; }
  sleep 0.1
done
[[ -n "$base" ]] || { cat "$scratch/server.log"; echo "test-dist: the server never said where it listens"; exit 1; }
echo "test-dist: $(basename "$archive") serves at $base"

checked=0
for page in / /dashboard /orgs; do
  html=$(curl -fsS "$base$page")
  for asset in $(grep -oE '/pkg/[^"'"'"' >]+' <<<"$html" | sort -u); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "$base$asset")
    [[ "$status" == 200 ]] || { echo "test-dist: $page links $asset, which answers $status"; exit 1; }
    checked=$((checked + 1))
  done
done
(( checked >= 3 )) || { echo "test-dist: only $checked assets linked: the pages lost their bundle"; exit 1; }
echo "test-dist: $checked linked assets answer 200"

(cd end2end && node dist-hydrates.mjs "$base/dashboard")
