# Two commands do all the set-up on a fresh machine:
#   make run    install, then serve the app on the bundled corpus (http://127.0.0.1:7860)
#   make test   install, then run every test (browser tests included); .ci/run calls this
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ARGS ?=

.PHONY: run test install browser lint

# A current pip first: the one venv bundles (23.2 on Python 3.11) does not normalize extra names
# (PEP 685): jusText's `lxml[html_clean]` warned "lxml does not provide the extra" at install.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip check
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) app.py $(ARGS)

# Debian's Chromium for the Playwright tests; `playwright install` would download a browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(VENV)/bin/ruff check .

test: install browser lint
	$(PY) -m pytest -m "" -q $(ARGS)
