#!/usr/bin/env bash
# `make dist`: the release as one archive an operator unpacks and runs (docs/operating.md, "Deploying"):
# target/dist/convene-<version>-<target>.tar.gz holding the binary, hash.txt (the bundle's
# content-hashed names), site/, and the examples in deploy/ (settings, a systemd unit, nginx
# and Caddy). Expects `cargo leptos build --release` to have run.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
target=$(rustc -vV | sed -n 's/^host: //p')
build="${CARGO_TARGET_DIR:-target}/release"
name="convene-$version-$target"
stage="target/dist/$name"

for file in "$build/convene" "$build/hash.txt" target/site/pkg; do
  [[ -e "$file" ]] || { echo "dist: $file is missing: run cargo leptos build --release first" >&2; exit 1; }
done
rm -rf "$stage" "target/dist/$name.tar.gz"
mkdir -p "$stage"
cp "$build/convene" "$build/hash.txt" "$stage/"
# The site without the compressed copies a server wrote beside the bundle (it writes its own).
cp -r target/site "$stage/site"
find "$stage/site" \( -name '*.br' -o -name '*.gz' \) -delete
cp deploy/convene.env deploy/convene.service deploy/nginx.conf deploy/Caddyfile "$stage/"
tar -C target/dist -czf "target/dist/$name.tar.gz" "$name"
echo "target/dist/$name.tar.gz"
