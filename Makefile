# One entry point for people and CI. Each target installs what it needs first.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test test-fast lint fmt bench browser-deps clean

setup:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	@$(PYTHON) -m uv sync --frozen --quiet --python $(PYTHON)

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

fmt: setup
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf var test-artifacts .pytest_cache .mypy_cache .ruff_cache
