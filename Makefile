# The two set-up commands (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test venv system-deps messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "cxm needs Python 3.11 or newer"; exit 1; }
	PYTHON=$(PYTHON) bash scripts/install-system-deps.sh venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# One virtual environment for both commands; the stamp re-installs when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/cxm migrate
	$(BIN)/cxm demo --if-empty
	$(BIN)/cxm serve --host 127.0.0.1 --port 8000

system-deps:
	bash scripts/install-system-deps.sh test

test: $(VENV)/.installed-test system-deps
	$(BIN)/python -m pytest
	# The store again on PostgreSQL; pure analytics (tests/analytics) need no database.
	$(BIN)/python -m pytest --db=postgres -m "not browser" --ignore=tests/analytics

messages: $(VENV)/.installed-test
	cd src/cxm && CXM_DATA_DIR=$(CURDIR)/var ../../$(BIN)/cxm manage makemessages -l ko -l en --no-obsolete --no-location
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) var
