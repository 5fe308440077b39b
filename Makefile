# The two commands from the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
TOOLS := .tools
BUN_VERSION := 1.4.4
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export PYTHONDONTWRITEBYTECODE := 1
PYTEST := $(BIN)/python -m pytest
ARTIFACTS := test-artifacts

.PHONY: admin bench-pages bench-analytics bench-joins bench-carts bench-live bench-prod prod run-cluster nginx run dev setup deps dev-deps bun chromium node-tools db lint typecheck unit integration e2e test clean

run: setup ## start the whole app at http://localhost:3000
	$(BIN)/python -m app.launcher

dev: setup ## hot-reloading development server (frontend on 3000, backend on 8000)
	$(BIN)/python -m app.launcher --mode dev

setup: deps bun node-tools

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.deps: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-deps: pyproject.toml $(VENV)/.deps
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

$(TOOLS)/node_modules/.bin/bun:
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)

bun: $(TOOLS)/node_modules/.bin/bun

# Node helpers that run beside the app (the demo sign-in provider), pinned by their lockfiles.
node-tools:
	@for dir in tools/*/; do \
	  [ "$$dir" = "tools/lighthouse/" ] && continue; \
	  if [ -f "$$dir/package.json" ] && [ ! -d "$$dir/node_modules" ]; then \
	    npm ci --prefix "$$dir" --no-audit --no-fund --loglevel=error || exit 1; \
	  fi; \
	done

chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get install -y chromium || { $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }; }

# nginx, and its brotli module (optional: without it nginx sends the .gz files; app/launcher/nginx.py)
BROTLI_MODULE = /usr/lib/nginx/modules/ngx_http_brotli_static_module.so
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get install -y nginx || { $$SUDO apt-get update && $$SUDO apt-get install -y nginx; }; }
	@[ -e $(BROTLI_MODULE) ] || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get install -y libnginx-mod-http-brotli-static \
	  || { $$SUDO apt-get update && $$SUDO apt-get install -y libnginx-mod-http-brotli-static; } \
	  || echo "no brotli module for nginx: it sends the .gz files"; }

db: deps
	$(BIN)/python -m app.cli setup

admin: deps ## make EMAIL an admin (someone who has signed in once): make admin EMAIL=you@example.com
	$(BIN)/python -m app.cli admin --email "$(EMAIL)"

lint: dev-deps ## ruff, and the layers contract (import-linter, see pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: dev-deps
	$(BIN)/mypy

unit: dev-deps
	$(PYTEST) tests/unit -q

integration: dev-deps node-tools nginx
	$(PYTEST) tests/integration -q

e2e: dev-deps bun node-tools chromium nginx
	$(PYTEST) tests/e2e -q

test: dev-deps bun node-tools chromium nginx ## lint, type check, unit, integration and browser tests
	$(MAKE) --no-print-directory lint typecheck
	$(PYTEST) tests/unit tests/integration -q -ra --durations=10
	@# Browser tests run in their own session: sync Playwright keeps an event loop running.
	$(PYTEST) tests/e2e -q -ra --durations=10

clean:
	rm -rf $(ARTIFACTS) .web .states

bench-joins: dev-deps ## burst of 200 concurrent joins on a deal capped at 50 (PostgreSQL + local Stripe)
	$(BIN)/python bench/bench_joins.py --attempts 200 --cap 50

# Production on this machine: nginx serving the built pages in front of WORKERS backend
# processes on PostgreSQL and Redis (DATABASE_URL, REDIS_URL and SESSION_SECRET required).
WORKERS ?= 2
prod: setup nginx ## nginx + WORKERS backend workers on PostgreSQL and Redis, supervised
	$(BIN)/python -m app.launcher.production --workers $(WORKERS)

run-cluster: prod ## the former name of `make prod`

CARTS ?= 50
bench-carts: dev-deps ## CARTS shared carts of 4 (200 clients) on 2 backend processes, one change per cart per second; last line JSON
	$(BIN)/python bench/bench_carts.py --carts $(CARTS)

bench-analytics: dev-deps ## 1,000,000 events over 90 days: dashboard load p50/p95 and rollup lag (PostgreSQL); last line JSON
	$(BIN)/python bench/bench_analytics.py --events 1000000 --shoppers 10000 --days 90

bench-live: dev-deps bun ## 1,000 chat viewers on 2 Reflex backends vs a bare socket.io floor (PostgreSQL + Redis)
	$(BIN)/python bench/bench_live.py --viewers 1000 --processes 2

bench-prod: dev-deps nginx ## nginx + 1, 2 and 4 workers, PostgreSQL, Redis: mixed workload of 1,000 clients; PNG chart; last line JSON (SHORT=1: a quick check)
	$(BIN)/python bench/bench_prod.py $(if $(SHORT),--short,)

# Lighthouse is only for the page benchmark: installed on first use, not by `make run`.
tools/lighthouse/node_modules:
	npm ci --prefix tools/lighthouse --no-audit --no-fund --loglevel=error

bench-pages: dev-deps bun node-tools chromium tools/lighthouse/node_modules ## Lighthouse on a production build: home, catalog, product, deal, live, cart invite vs a blank page; last line JSON
	$(BIN)/python bench/bench_pages.py --runs 3
