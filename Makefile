# The two commands: `make run` (build and serve the release build) and `make test` (everything CI
# checks). Both install what is missing first (scripts/setup.sh).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

# Plain cargo runs with the environment cargo-leptos gives debug builds, so clippy, the tests and
# `cargo leptos watch` share one set of compiled dependencies instead of rebuilding them.
LEPTOS_DEBUG_ENV := LEPTOS_OUTPUT_NAME=convene RUSTFLAGS="--cfg erase_components"
SERVER_PACKAGES := -p convene-types -p convene -p migration -p app -p server
# The browser tests get their own address and a store that is fresh on every run. They run on
# the release build: what users get, and what the byte budgets (end2end/tests/budgets.spec.ts)
# are about.
E2E_DIR := target/e2e
# The browser tests' server answers on E2E_PORT, their fake lu.ma (started by
# end2end/global-setup.ts) on E2E_LUMA_PORT, and their SMTP server (started there too) on
# E2E_SMTP_PORT, writing each message into $(E2E_DIR)/mail. Any three free ports will do:
# `make test-e2e E2E_PORT=4100 E2E_LUMA_PORT=4199 E2E_SMTP_PORT=4198`.
E2E_PORT ?= 3100
E2E_LUMA_PORT ?= 3199
E2E_SMTP_PORT ?= 3198
# The demo's live changes (an event renamed every two minutes) are off here: the browser tests
# count the demo's events. `server/tests/api/demo.rs` tests them on the real server.
E2E_ENV := LEPTOS_SITE_ADDR=127.0.0.1:$(E2E_PORT) CONVENE_DATA_DIR=$(E2E_DIR) \
	DATABASE_URL="sqlite://$(E2E_DIR)/convene.db?mode=rwc" CONVENE_DEMO=1 CONVENE_DEMO_LIVE_CHANGES=0 \
	CONVENE_ALLOW_PRIVATE_FEEDS=1 \
	CONVENE_SECRET_KEY= TEST_DATABASE_URL= LUMA_API_BASE=http://127.0.0.1:$(E2E_LUMA_PORT)/ \
	CONVENE_SMTP_URL="smtp://127.0.0.1:$(E2E_SMTP_PORT)?tls=none" CONVENE_E2E_MAIL_DIR=$(E2E_DIR)/mail \
	CONVENE_E2E_PROFILE=release

.PHONY: run test setup setup-test vendor fmt fmt-check lint test-rust test-rust-moved-clock test-e2e build-release watch bench bench-digest bench-freshness bench-dashboard profile-dashboard bench-web bench-wasm-size fuzz measure-budgets dist test-dist test-deploy

# The local demo: demo organizations, accounts and events (a deployment leaves CONVENE_DEMO off).
run: setup vendor
	CONVENE_DEMO=$${CONVENE_DEMO:-1} cargo leptos serve --release

# Each step timed, so a run says where its minutes went (docs/performance.md quotes them).
TEST_STEPS := setup-test fmt-check lint test-rust test-rust-moved-clock test-e2e test-dist test-deploy
test:
	@for step in $(TEST_STEPS); do \
		started=$$(date +%s); \
		$(MAKE) --no-print-directory $$step; \
		echo "make test: $$step took $$(( $$(date +%s) - started )) s"; \
	done
	@echo "make test: all checks passed"

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

fmt-check:
	cargo fmt --all -- --check

# Formats the code: rustfmt, and leptosfmt for what rustfmt leaves alone (the view! macros).
fmt:
	cargo fmt --all
	leptosfmt --quiet app/src

lint:
	$(LEPTOS_DEBUG_ENV) cargo clippy $(SERVER_PACKAGES) --all-targets -- -D warnings
	cargo clippy -p frontend -p app --target wasm32-unknown-unknown -- -D warnings
	leptosfmt --check --quiet app/src
	python3 scripts/module-circles.py

# The test targets of every crate: libraries, binaries and integration tests. Not doc tests: the
# crates hold no doc examples, and rustdoc's pass over them cost 4 s a run (four runs).
TEST_TARGETS := --lib --bins --tests

# Every crate's tests on SQLite; again on Postgres when TEST_DATABASE_URL is set.
test-rust:
	env TEST_DATABASE_URL= $(LEPTOS_DEBUG_ENV) cargo test $(SERVER_PACKAGES) $(TEST_TARGETS)
	if [[ -n "$${TEST_DATABASE_URL:-}" ]]; then \
		echo "== again on Postgres ($${TEST_DATABASE_URL%%\?*})"; \
		$(LEPTOS_DEBUG_ENV) cargo test $(SERVER_PACKAGES) $(TEST_TARGETS); \
	fi

# The same suites on SQLite with the process clock moved ahead (Debian's faketime preloaded into the
# test binaries and every server they start, through cargo's runner; the build is not re-done). A
# test that dates its data absolutely, or code that hard-codes a year, fails here before it fails
# on that date. The monotonic clock is left alone: only the calendar moves.
MOVED_CLOCKS ?= +1y +10y
test-rust-moved-clock:
	for offset in $(MOVED_CLOCKS); do \
		echo "== again with the clock moved $$offset: $$(faketime -f "$$offset" date -u +%F)"; \
		env TEST_DATABASE_URL= FAKETIME_DONT_FAKE_MONOTONIC=1 $(LEPTOS_DEBUG_ENV) \
			cargo test $(SERVER_PACKAGES) $(TEST_TARGETS) \
			--config "target.'cfg(all())'.runner = ['faketime', '-m', '-f', '$$offset']"; \
	done

E2E_PORTS := $(E2E_PORT) $(E2E_LUMA_PORT) $(E2E_SMTP_PORT)
test-e2e: vendor
	@# Another server on one of the suite's ports would answer its requests instead (a left-over
	@# `make test-e2e` or a developer's own run): say which, rather than fail the tests obscurely.
	@for port in $(E2E_PORTS); do \
		if (exec 3<>/dev/tcp/127.0.0.1/$$port) 2>/dev/null; then \
			echo "make test-e2e: port $$port is already in use ($$(ss -ltnpH "sport = :$$port" 2>/dev/null | grep -o 'users:.*' || echo 'by another process')); stop it and run again"; \
			exit 1; \
		fi; \
	done
	rm -rf $(E2E_DIR) end2end/screenshots end2end/test-results/.last-run.json && mkdir -p $(E2E_DIR)
	env $(E2E_ENV) cargo leptos end-to-end --release
	@# cargo-leptos 0.3.10 exits 0 even when the build fails; Playwright's own record of the run is
	@# what says the tests ran, and passed.
	@grep -Eq '"status": *"passed"' end2end/test-results/.last-run.json \
		|| { echo "make test-e2e: the browser tests did not run, or did not pass"; exit 1; }

# The release build `make run` serves (`make test` builds it for the browser tests).
build-release: vendor
	cargo leptos build --release

# The browser libraries the dashboard's map loads (npm, pinned in tools/package.json), copied
# into the site's assets: cargo-leptos puts them under /vendor/leaflet with the rest of public/.
VENDOR_DIR := public/vendor/leaflet
vendor:
	@test -f tools/node_modules/leaflet/dist/leaflet.js || npm ci --prefix tools --no-audit --no-fund
	mkdir -p $(VENDOR_DIR)
	cp tools/node_modules/leaflet/dist/leaflet.js tools/node_modules/leaflet/dist/leaflet.css \
		tools/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
		tools/node_modules/leaflet.markercluster/dist/MarkerCluster.css $(VENDOR_DIR)/

# The release as one archive an operator unpacks and runs: target/dist/convene-<version>-<target>.tar.gz.
dist: build-release
	scripts/dist.sh

# The operator's path: the archive unpacked into an empty directory and started with the settings
# deploy/convene.env documents; every asset a page links answers 200, the dashboard hydrates.
# After test-e2e in `make test`, which built the release already.
test-dist:
	scripts/dist.sh
	scripts/test-dist.sh

# Two replicas of the archive on one Postgres behind Debian's nginx (TLS, the archive's nginx.conf
# and convene.env): accounts across replicas, client addresses, Secure cookies and HSTS, and a
# replica killed mid-way (the daily import and the mail sender move, no message lost or sent
# twice). Needs TEST_DATABASE_URL; without it `make test` says so and skips only this.
test-deploy:
	if [[ -n "$${TEST_DATABASE_URL:-}" ]]; then \
		SERVER_PACKAGES="$(SERVER_PACKAGES)" scripts/test-deploy.sh; \
	else \
		echo "test-deploy: skipped: no TEST_DATABASE_URL (the replicas share a Postgres)"; \
	fi

# Issue #27's budgets measured on the release server (the test binary starts it): the byte
# amplifier, the largest legitimate sync and four downloads of the largest calendar, each
# sampling /healthz and the server's peak memory. Prints the figures docs/performance.md quotes.
measure-budgets: build-release
	CONVENE_TEST_SERVER_BIN="$${CARGO_TARGET_DIR:-$(CURDIR)/target}/release/convene" $(LEPTOS_DEBUG_ENV) \
		cargo test $(SERVER_PACKAGES) --test api amplifiers_large_syncs -- --nocapture

# The generated-input tests of every parser fed from outside, with many more cases than the
# 256 each gets in `make test` (PROPTEST_CASES=… to choose).
FUZZ_CASES ?= 20000
fuzz:
	PROPTEST_CASES=$(FUZZ_CASES) $(LEPTOS_DEBUG_ENV) cargo test -p convene --lib -- \
		generated never_panic any_parameters cleaned_text checked_ends any_header any_member_domain \
		a_refused_feed_never_changes

# Live reload for development: http://127.0.0.1:3000
watch: setup
	CONVENE_DEMO=$${CONVENE_DEMO:-1} cargo leptos watch

# The import benchmark (docs/performance.md): SQLite, and Postgres when TEST_DATABASE_URL is set.
bench:
	cargo bench -p convene --bench import --features test-support,fake-luma

# The digest benchmark (docs/performance.md): SQLite, and Postgres when TEST_DATABASE_URL is set.
# Its own target directory: built with other flags than the release `make run` serves.
bench-digest:
	CARGO_TARGET_DIR=$${CARGO_TARGET_DIR:-target}/bench cargo bench -p convene --bench digest --features test-support

# The freshness benchmark (docs/performance.md): a change on lu.ma until the events page shows
# it, by webhook and by polling. SQLite, or Postgres when TEST_DATABASE_URL is set.
bench-freshness:
	RUSTFLAGS="--cfg erase_components" cargo bench -p server --bench freshness

# The dashboard benchmark (docs/performance.md): needs wrk, from Debian's packages.
bench-dashboard:
	command -v wrk >/dev/null || { [[ $$(id -u) -eq 0 ]] && apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk; }
	RUSTFLAGS="--cfg erase_components" cargo bench -p server --bench dashboard

# Where the dashboard's time goes (issue #29): the benchmark at 100,000 events on SQLite with perf
# sampling the server through the 1,000-member mode, folded by inferno (crates.io) into
# docs/profile/dashboard.svg (generic parameters cut from the names, frames under 1.5% left out, so
# the file stays small); the whole folded stacks stay in target/profile. docs/profile/README.md
# says what the last one showed.
PROFILE_DIR = $(CARGO_TARGET)/profile
profile-dashboard:
	command -v wrk >/dev/null || { [[ $$(id -u) -eq 0 ]] && apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk; }
	command -v perf >/dev/null || { [[ $$(id -u) -eq 0 ]] && apt-get install -y -qq linux-perf || sudo apt-get install -y -qq linux-perf; }
	command -v inferno-flamegraph >/dev/null || cargo install --locked inferno
	mkdir -p $(PROFILE_DIR)
	BENCH_EVENTS=$${BENCH_EVENTS:-100000} BENCH_STORES=$${BENCH_STORES:-sqlite} BENCH_DEMO=0 \
		BENCH_PROFILE=$(PROFILE_DIR)/perf.data RUSTFLAGS="--cfg erase_components" \
		cargo bench -p server --bench dashboard
	perf script -i $(PROFILE_DIR)/perf.data 2>/dev/null | inferno-collapse-perf \
		| perl -pe '1 while s/<[^<>;]*>//g; s/::h[0-9a-f]{16}//g' | inferno-collapse-recursive \
		> $(PROFILE_DIR)/stacks.folded
	inferno-flamegraph --minwidth 1.5 --title "/dashboard, 1,000 members round-robin, 100,000 events (SQLite)" \
		< $(PROFILE_DIR)/stacks.folded > docs/profile/dashboard.svg
	@echo "profile-dashboard: docs/profile/dashboard.svg ($(PROFILE_DIR)/stacks.folded has every stack)"

# What a first and a second visit to each page cost in Chromium (bytes on the wire, time until
# usable under Fast 4G with a 4x slower CPU), against the release build with the demo data.
BENCH_WEB_DIR := target/bench-web
CARGO_TARGET := $(or $(CARGO_TARGET_DIR),target)
bench-web: setup-test build-release
	rm -rf $(BENCH_WEB_DIR) && mkdir -p $(BENCH_WEB_DIR)
	env LEPTOS_OUTPUT_NAME=convene LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
		LEPTOS_HASH_FILES=true LEPTOS_SITE_ADDR=127.0.0.1:3300 CONVENE_DATA_DIR=$(BENCH_WEB_DIR) \
		DATABASE_URL="sqlite://$(BENCH_WEB_DIR)/convene.db?mode=rwc" CONVENE_DEMO=1 \
		CONVENE_DEMO_LIVE_CHANGES=0 CONVENE_SECRET_KEY= CONVENE_DAILY_SYNC=0 \
		$(CARGO_TARGET)/release/convene > $(BENCH_WEB_DIR)/server.log 2>&1 & server=$$!; \
	trap 'kill $$server' EXIT; \
	cd end2end && BENCH_JSON=../$(BENCH_WEB_DIR)/figures.json node bench/web.mjs

# The release wasm at each opt-level (LEVELS="z s"), in its own target dir.
bench-wasm-size: setup
	scripts/wasm-size.sh
