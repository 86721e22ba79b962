# Làng Số — two commands: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PWA_STAMP := pwa/node_modules/.installed
PWA_DIST := pwa/dist/index.html
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help setup run serve db seed test test-fast check vectors lint typecheck pwa browser bench clean
.PHONY: s3-server

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-virtualenv -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(PWA_STAMP): pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund
	@touch $@

$(PWA_DIST): $(PWA_STAMP) $(shell find pwa/src pwa/public pwa/index.html pwa/vite.config.ts -type f 2>/dev/null)
	cd pwa && npm run build

setup: $(STAMP) $(PWA_DIST) ## virtualenv, Python and npm packages, PWA build

pwa: $(PWA_DIST) ## build the PWA into pwa/dist

db: $(STAMP) ## migrate the database to the latest schema
	$(BIN)/langso db upgrade

seed: db ## load the demo commune (once)
	$(BIN)/langso seed-demo

run: setup seed ## set everything up and serve on http://127.0.0.1:8000
	$(BIN)/langso serve

serve: ## serve without setting up
	$(BIN)/langso serve

browser: ## make sure Debian's Chromium is installed (browser tests)
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null); \
	  else echo "Chromium missing: run 'sudo apt-get install chromium'"; [ "$$CI" != true ] || exit 1; fi; fi

s3-server: ## Ceph's radosgw + one monitor + one OSD from Debian, the tests' S3 server (else moto)
	@if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd >/dev/null); \
	  else echo "Ceph missing (tests fall back to moto): run 'sudo apt-get install radosgw ceph-mon ceph-osd'"; fi; fi

check: $(STAMP) $(PWA_STAMP) vectors ## linters and type checkers (ruff, mypy, import rules, tsc), vectors up to date
	$(BIN)/ruff check backend sync tests bench migrations/env.py
	$(BIN)/mypy
	$(BIN)/lint-imports
	cd pwa && npm run --silent typecheck
	$(BIN)/python tools/check_module_sizes.py
	cd pwa && npm run --silent lint
	@$(MAKE) --no-print-directory wire-types
	@$(MAKE) --no-print-directory budget

.PHONY: budget
budget: $(PWA_DIST) ## volunteer entry JS within its gzip budget (pwa/scripts/budget-lib.mjs); fails above it
	cd pwa && npm run --silent budget

.PHONY: wire-types
wire-types: $(STAMP) $(PWA_STAMP) ## regenerate pwa/src/api/wire.gen.ts from the OpenAPI document; fails if it drifted
	@mkdir -p var
	@$(BIN)/langso openapi --out var/openapi.json
	@cd pwa && npx --no-install openapi-typescript ../var/openapi.json -o src/api/wire.gen.ts > /dev/null
	@git diff --exit-code --stat -- pwa/src/api/wire.gen.ts || { echo "pwa/src/api/wire.gen.ts differs from the server's OpenAPI document (commit the regenerated file)"; exit 1; }

vectors: $(STAMP) ## regenerate the shared test vectors from tools/vectors/; fails if they drifted
	@for gen in tools/vectors/gen_*.py tools/vectors/vectors.py; do $(BIN)/python $$gen > /dev/null || exit 1; done
	@git diff --exit-code --stat -- sync/vectors || { echo "sync/vectors/ differs from what tools/vectors/ writes"; exit 1; }

test: setup browser s3-server check ## set up and run every test (SQLite, PostgreSQL, Chromium)
	cd pwa && npm test --silent
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: $(STAMP) ## Python tests without the browser
	$(BIN)/pytest -m "not e2e"

bench: setup ## run the benchmarks (prints figures for docs/benchmarks.md)
	$(BIN)/python bench/sync_throughput.py

clean: ## remove build output and local state (keeps nothing in var/)
	rm -rf $(VENV) pwa/node_modules pwa/dist var
