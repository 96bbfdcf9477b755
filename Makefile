# One entry point for people and CI. Each target installs what it needs first.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin

CONSOLE_SOURCES := $(shell find console/src console/index.html console/vite.config.ts console/tsconfig.json console/package-lock.json -type f 2>/dev/null)

.PHONY: setup console console-check api-client demo test test-fast lint fmt bench browser-deps clean

setup: console
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	@$(PYTHON) -m uv sync --frozen --quiet --python $(PYTHON)

# The admin console (console/): npm ci from the committed lock file, then a Vite build whenever
# a source changed since the last one. FastAPI serves console/dist under /admin.
console: console/dist/index.html

console/node_modules/.package-lock.json: console/package-lock.json
	cd console && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

console/dist/index.html: console/node_modules/.package-lock.json $(CONSOLE_SOURCES)
	cd console && npx vite build --logLevel warn
	@touch $@

# Regenerate the typed API client from the app's OpenAPI schema (commit the result).
api-client: console/node_modules/.package-lock.json
	@mkdir -p var
	$(BIN)/scrm openapi --out var/openapi.json
	cd console && npx openapi-typescript ../var/openapi.json -o src/api/schema.d.ts --silent

# Lint for the console: the committed client matches the API, types check, unit tests pass.
console-check: console/node_modules/.package-lock.json
	@mkdir -p var
	$(BIN)/scrm openapi --out var/openapi.json
	cd console && npx openapi-typescript ../var/openapi.json -o ../var/schema.check.d.ts --silent
	@cmp -s var/schema.check.d.ts console/src/api/schema.d.ts || { \
	  echo "console/src/api/schema.d.ts is stale: run 'make api-client' and commit it"; exit 1; }
	cd console && npx vue-tsc --noEmit && npx vitest run --reporter=dot

# Chromium for the browser tests and CJK fonts for posters and word clouds, from Debian.
browser-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto sans cjk" || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "Please install chromium and fonts-noto-cjk (sudo apt-get install chromium fonts-noto-cjk)"; exit 1; fi; }

demo: setup
	$(BIN)/scrm demo

test: setup browser-deps
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not browser and not e2e"

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy crm_core wechat members loyalty campaigns sms_gateway analytics scrm
	$(BIN)/lint-imports
	$(BIN)/scrm makemigrations --check
	$(MAKE) --no-print-directory console-check

fmt: setup
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf var test-artifacts .pytest_cache .mypy_cache .ruff_cache
