# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean setup web web-test fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP) web
	$(BIN)/yishi db upgrade
	YISHI_PROCESSES_DIR=processes YISHI_DEMO=1 YISHI_TICK_SECONDS=30 YISHI_DEV_CLOCK=1 \
		$(BIN)/uvicorn api.app:app --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/yishi db upgrade
	$(BIN)/ruff check engine api tests bench
	$(BIN)/pytest -q -n 2 --dist loadfile --ignore=tests/api/test_fuzz.py
	$(MAKE) --no-print-directory -k -j 2 --output-sync=target fuzz web-test

# The API fuzzing in a process of its own (under pytest-xdist schemathesis runs one item, not each operation).
# `make test` runs it beside `web-test`: the browser tests use one worker and leave a core idle most of the time;
# -k lets both finish, each one's output is shown whole when it ends, and a failure of either fails `make test`.
fuzz: $(STAMP)
	$(BIN)/pytest -q tests/api/test_fuzz.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache data

# The web app (web/): npm ci when package-lock.json is newer than node_modules, then the OpenAPI document (with
# the development routes, which the console uses), the typed client generated from it, tsc and vite build
# (`npm run build`). Node 20.19+ and npm are prerequisites. Rebuilt only when a source or the API changed.
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package.json web/public \
	-type f -not -name openapi.json -not -name schema.d.ts 2>/dev/null) $(wildcard api/*.py api/routers/*.py)
CHROMIUM ?= $(or $(CHROMIUM_PATH),/usr/bin/chromium)

web/node_modules/.package-lock.json: web/package-lock.json
	@command -v npm >/dev/null || { echo "the web app needs Node 20.19+ and npm (see README, Quick start)"; exit 1; }
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: $(STAMP) web/node_modules/.package-lock.json $(WEB_SOURCES)
	YISHI_DEV_CLOCK=1 $(BIN)/python -m api.openapi web/src/api/openapi.json
	cd web && npx openapi-typescript src/api/openapi.json -o src/api/schema.d.ts && npm run build

web: web/dist/index.html

# Component tests (Vitest, with the bundle budget), then the browser tests (Playwright on Debian's chromium
# against the real server on a fresh database). A missing browser is an error, never a skip.
web-test: web
	@test -x "$(CHROMIUM)" || { echo "browser tests need chromium at $(CHROMIUM) (apt-get install chromium, or set CHROMIUM_PATH)"; exit 1; }
	cd web && npx vitest run && CHROMIUM_PATH="$(CHROMIUM)" npx playwright test
