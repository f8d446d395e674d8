# reuse_tracker: developer commands (GNU make). A fresh machine needs only Python 3.11+ and make.
#
#   make run    set up, migrate, load the demo (empty database only), serve on http://127.0.0.1:5000
#   make test   the whole test suite (database tests on SQLite and PostgreSQL)
#
# The virtualenv is .venv; the project is (re)installed into it when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 5000
#: The address the labels' QR codes carry; from HOST and PORT unless set (e.g. to the LAN address).
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
#: pytest arguments (default: one worker per core), e.g. make test PYTEST_ARGS="-x -k lifecycle"
PYTEST_ARGS ?= -n auto
#: Languages with a catalogue (the source strings are English).
LANGUAGES ?= fr

BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app reuse_tracker
STAMP := $(VENV)/.installed
TRANSLATIONS := reuse_tracker/translations
BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2

.DEFAULT_GOAL := help
.PHONY: help install compile-translations run demo-reset test lint bench bench-scale translations clean distclean \
	browser-tools screenshots

help:
	@echo "make run           set up, migrate, load the demo into an empty database, serve on http://$(HOST):$(PORT)"
	@echo "make demo-reset    reload the demo (asks first; only into a database holding the demo alone)"
	@echo "make test          run the test suite (PYTEST_ARGS=... to pass options)"
	@echo "make lint          ruff check and ruff format --check"
	@echo "make bench         run the benchmarks (benchmarks/*.py)"
	@echo "make bench-scale   generate SCALE_DEVICES devices and time every page (docs/PERFORMANCE.md)"
	@echo "make browser-tools install what the browser tests inject into pages (axe-core, from npm)"
	@echo "make screenshots   every main page of every role, desktop and phone, into docs/screens/"
	@echo "make translations  extract the strings and update the catalogues ($(LANGUAGES))"
	@echo "make clean         remove caches, build files and compiled catalogues (distclean: the venv too)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

# The .mo files are not versioned: compile them from the .po catalogues (fuzzy entries too).
compile-translations: $(STAMP)
	@if ls $(TRANSLATIONS)/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile -f -d $(TRANSLATIONS); \
	fi

run: compile-translations
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop); QR codes point at $(PUBLIC_BASE_URL)"
	PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(FLASK) run --host $(HOST) --port $(PORT)

# Reload the demo; refused unless the database holds only the demo's users and donors.
demo-reset: compile-translations
	$(FLASK) db upgrade
	@printf "Delete every record of the database and reload the demo? [y/N] "; read answer; \
	case "$$answer" in y|Y|o|O|yes|oui) ;; *) echo "Nothing was changed."; exit 1;; esac
	$(FLASK) demo-reset --yes

# pytest exits 5 when it collected no test: that is a failure too.
test: compile-translations
	@$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests." >&2; fi; \
	exit $$status

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every benchmarks/*.py not starting with an underscore is a benchmark script.
#: The scale benchmark (make bench-scale): devices generated into a new SQLite file.
SCALE_DEVICES ?= 100000
SCALE_DB ?= /tmp/reuse_tracker-scale.sqlite

bench-scale: compile-translations
	rm -f $(SCALE_DB)
	DATABASE_URL=sqlite:///$(SCALE_DB) $(FLASK) db upgrade
	$(BIN)/python benchmarks/generate.py --database-url sqlite:///$(SCALE_DB) --devices $(SCALE_DEVICES)
	DATABASE_URL=sqlite:///$(SCALE_DB) $(FLASK) integrity
	$(BIN)/python benchmarks/run.py --database-url sqlite:///$(SCALE_DB)

bench: compile-translations
	@found=; for script in benchmarks/*.py; do \
		case "$$(basename "$$script")" in _*|generate.py|run.py|pauses.py|compare.py) continue;; esac; \
		[ -f "$$script" ] || continue; \
		found=1; echo "== $$script"; \
		$(BIN)/python "$$script" || exit $$?; \
	done; \
	if [ -z "$$found" ]; then echo "No benchmark in benchmarks/." >&2; exit 1; fi

# The browser tests' JavaScript tools (axe-core), pinned by tests/browser/package-lock.json.
browser-tools:
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install npm" >&2; exit 1; }
	npm ci --prefix tests/browser --no-audit --no-fund

# The demo on a new SQLite database, served, signed in as each role (needs /usr/bin/chromium).
screenshots: compile-translations
	$(BIN)/python -m tests.browser.screenshots --out docs/screens --cache .pytest_cache/d/demo-site

translations: $(STAMP)
	mkdir -p $(TRANSLATIONS)
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --add-comments=Translators: \
		--sort-by-file --project=reuse_tracker -o $(TRANSLATIONS)/messages.pot .
	@for lang in $(LANGUAGES); do \
		if [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
		else \
			$(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
		fi || exit $$?; \
	done

# Never touches instance/ (the database and the secret key live there).
clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache benchmarks/out
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find reuse_tracker -name '*.mo' -delete

distclean: clean
	rm -rf $(VENV)
