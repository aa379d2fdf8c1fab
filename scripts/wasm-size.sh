#!/usr/bin/env bash
# `make bench-wasm-size`: the release wasm at each opt-level given (default: z s), through the
# pipeline cargo-leptos runs (wasm-bindgen, then wasm-opt -Oz), built in its own target dir so
# the release build `make run` serves is never replaced. Prints raw, brotli-11 and gzip-9 bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${WASM_SIZE_TARGET_DIR:-$PWD/target/wasm-size}"
# As cargo-leptos builds the release bundle: view types kept (`.cargo/config.toml`).
export LEPTOS_OUTPUT_NAME=convene
out_root="$CARGO_TARGET_DIR/out"
for level in ${LEVELS:-z s}; do
  cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
    --config "profile.wasm-release.opt-level=\"$level\"" 2>&1 | tail -1
  out="$out_root/$level"
  rm -rf "$out" && mkdir -p "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name convene \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    -o "$out/convene.wasm" "$out/convene_bg.wasm"
  raw=$(stat -c %s "$out/convene.wasm")
  br=$(node -e "const z=require('zlib');const b=require('fs').readFileSync(process.argv[1]);
    console.log(z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length)" \
    "$out/convene.wasm")
  gz=$(gzip -9c "$out/convene.wasm" | wc -c)
  echo "opt-level=$level raw=$raw brotli=$br gzip=$gz"
done
