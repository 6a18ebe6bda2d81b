# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
HOST ?= 127.0.0.1
# `flask run` serves there, and development certificates print that address (lms.config._site_url).
export FLASK_RUN_HOST := $(HOST)
export FLASK_RUN_PORT := $(PORT)

.PHONY: lock run test setup translations db demo bench test-sqlite test-postgres lint clean help axe-core

help:
	@echo "make run   - set everything up and serve the site on http://$(HOST):$(PORT) (SQLite)"
	@echo "make test  - set everything up and run the whole test suite"
	@echo "make bench - run the benchmarks and write docs/benchmarks.md"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# constraints.txt pins every transitive dependency too (the lock); `make lock` rewrites it.
$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt constraints.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

lock: $(BIN)/python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements-dev.txt
	{ echo "# Every package the project installs, direct and transitive, at the version tested: the lock."; \
	  echo "# Regenerate after changing requirements*.txt: make lock (pip freeze of a fresh virtualenv)."; \
	  .lock-venv/bin/pip freeze; } > constraints.txt
	rm -rf .lock-venv

setup: $(STAMP) translations

translations: $(STAMP)
	@for dir in lms/library_translations */translations; do \
	  $(BIN)/pybabel compile --statistics -d $$dir -D messages || exit 1; \
	done

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) certificates demo-issuer
	$(FLASK) content load
	$(FLASK) demo load

run: demo
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run

# Every Python package of the project (feature packages included as they are added).
PACKAGES := $(patsubst %/__init__.py,%,$(wildcard */__init__.py))

lint: setup
	$(BIN)/ruff check $(sort $(PACKAGES) bench tools)
	$(BIN)/mypy $(filter-out bench tests,$(PACKAGES))

test: setup lint
	@[ -x /usr/bin/chromium ] || echo "*** NOTICE: /usr/bin/chromium is missing: the browser test will be SKIPPED (apt-get install chromium) ***"
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@[ -x /usr/bin/chromium ] || echo "*** NOTICE: the browser test was skipped: /usr/bin/chromium is missing ***"

test-postgres: setup
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m bench

# A feature package with its own translations/ folder keeps its own catalogue (so features do not
# all edit one file); the kernel's catalogue holds everything else.
OWN_CATALOGUES := $(filter-out lms,$(patsubst %/translations,%,$(wildcard */translations)))

extract-messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l --ignore-dirs='.venv tests bench migrations instance $(OWN_CATALOGUES)' -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations -D messages --no-fuzzy-matching
	@for package in $(OWN_CATALOGUES); do \
	  $(BIN)/pybabel extract -F babel.cfg -k _l -o $$package/translations/messages.pot $$package || exit 1; \
	  $(BIN)/pybabel update -i $$package/translations/messages.pot -d $$package/translations -D messages --no-fuzzy-matching || exit 1; \
	done

# The accessibility engine the browser test runs, pinned; kept in tests/assets (no CDN, no network
# needed to test). This target fetches the same version again from npm and checks its digest.
AXE_VERSION := 4.14.1
AXE_SHA256 := 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
axe-core:
	rm -rf .axe-download && mkdir .axe-download
	cd .axe-download && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz
	echo "$(AXE_SHA256)  .axe-download/package/axe.min.js" | sha256sum -c -
	cp .axe-download/package/axe.min.js .axe-download/package/LICENSE .axe-download/package/LICENSE-3RD-PARTY.txt tests/assets/axe-core/
	rm -rf .axe-download

clean:
	rm -rf $(VENV) instance .pytest_cache
