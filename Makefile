# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean setup

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/yishi db upgrade
	YISHI_PROCESSES_DIR=processes YISHI_DEMO=1 YISHI_TICK_SECONDS=30 YISHI_DEV_CLOCK=1 \
		$(BIN)/uvicorn api.app:app --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/yishi db upgrade
	$(BIN)/ruff check engine api tests bench
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache data
