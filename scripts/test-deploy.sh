#!/usr/bin/env bash
# Several replicas behind a reverse proxy (issue #28; docs/operating.md, "Deploying"): the archive
# `make dist` built, unpacked into an empty directory; two of its binaries on one Postgres,
# started with its convene.env, behind Debian's nginx running its nginx.conf with a throwaway
# certificate. The scenario is server/tests/api/behind_nginx.rs. Run by `make test-deploy`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
  echo "test-deploy: needs TEST_DATABASE_URL (a Postgres the replicas share)" >&2
  exit 1
fi
nginx=${CONVENE_TEST_NGINX:-/usr/sbin/nginx}
[[ -x "$nginx" ]] || { echo "test-deploy: $nginx is missing: scripts/setup.sh --test installs it" >&2; exit 1; }
command -v openssl >/dev/null || { echo "test-deploy: openssl is missing" >&2; exit 1; }

archive=$(ls -t target/dist/convene-*.tar.gz 2>/dev/null | head -1)
[[ -n "$archive" ]] || { echo "test-deploy: no archive in target/dist: run make dist first" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tar -C "$scratch" -xzf "$archive"
release=$(find "$scratch" -mindepth 1 -maxdepth 1 -type d)
echo "test-deploy: $(basename "$archive"), two replicas behind $("$nginx" -v 2>&1)"

# The test binary is the one `make test-rust` built: the same flags and the same packages (cargo
# resolves features over the packages named, so `-p server` alone rebuilt every dependency); the
# servers are the archive's.
packages=${SERVER_PACKAGES:-"-p convene-types -p convene -p migration -p app -p server"}
# shellcheck disable=SC2086 # one word per package flag
CONVENE_TEST_SERVER_BIN="$release/convene" CONVENE_TEST_NGINX="$nginx" \
  LEPTOS_OUTPUT_NAME=convene RUSTFLAGS="--cfg erase_components" \
  cargo test $packages --test api behind_nginx -- --ignored --nocapture
