# Two commands do everything on a fresh machine: `make run` and `make test`.
# The interpreter the venv is built on: Debian's own Python 3.11 where it is installed, the one
# a Debian 12 server runs KRAT on, built with profile-guided and link-time optimisation and
# libpython inside the executable; else the first python3 on the PATH. A development build
# (pyenv's here has none of these) renders the county report PDF 10-20% slower, and
# `make bench` would measure that.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3)
VENV := .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := python3-venv chromium poppler-utils libharfbuzz-subset0 gettext
PYTEST_WORKERS ?= 2

# The stamp names the interpreter the venv is built on. A venv built on another one (an older
# checkout's, or `make PYTHON=…`), one whose interpreter is gone, or one without pip (Debian's
# venv stops there without python3-venv) is removed and built again on PYTHON; a PYTHON that
# does not run leaves the venv as it is.
REALPATH := import os, sys; print(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
INTERPRETER := $(shell $(PYTHON) -c '$(REALPATH)')
STAMP := $(VENV)/.installed-$(subst /,_,$(INTERPRETER))

.PHONY: setup system-deps messages run test lint typecheck bench audit clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(INTERPRETER)" || { echo "PYTHON=$(PYTHON) does not run; $(VENV) is left as it is" >&2; exit 1; }
	@if [ -e $(VENV) ] && { [ ! -x $(BIN)/pip ] || [ "$$($(BIN)/python -c '$(REALPATH)' 2>/dev/null)" != "$(INTERPRETER)" ]; }; then \
	  echo "$(VENV) is broken or on another interpreter than $(INTERPRETER): building it again"; rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	rm -f $(VENV)/.installed*
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Debian packages: venv for Debian's Python, Chromium for the browser tests, poppler to read
# PDFs back, HarfBuzz subsetting for WeasyPrint's fonts, gettext to compile translations.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity=0

setup: system-deps $(STAMP) messages

run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --verbosity=0
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Serving on http://127.0.0.1:8000  (stop with Ctrl-C)"
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs (configuration in pyproject.toml). The plugin loads krat.settings,
# which needs no key under KRAT_TESTING, on SQLite or with DATABASE_URL alike.
typecheck: $(STAMP)
	KRAT_TESTING=1 $(BIN)/mypy .

test: setup lint typecheck
	KRAT_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal

# Performance at scale 1 and 10 (PostgreSQL when DATABASE_URL is set): see bench/run.py.
bench: setup
	$(BIN)/python bench/run.py

# Known vulnerabilities in the pinned requirements. --strict fails when a package cannot
# be checked, so a closed network cannot pass for a clean audit.
audit: $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check pip-audit==2.10.1
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements.txt

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
	find . -name '*.mo' -not -path './.venv/*' -delete
