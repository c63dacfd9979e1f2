# Two commands do all set-up on a fresh machine:
#   make run    build the graph from ../shared/sources and serve it on http://127.0.0.1:8000
#   make test   run the test suite (what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The query page's editor: npm package @zazuko/yasgui, copied out of node_modules (neither is
# committed). Without npm, or offline, the page serves its own plain editor instead.
YASGUI := graph_api/static/vendor/yasgui.min.js

.PHONY: run test build install clean yasgui chromium virtuoso

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(YASGUI): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1 && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; then \
		mkdir -p graph_api/static/vendor && \
		cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css graph_api/static/vendor/; \
	else \
		echo "warning: YASGUI not installed (npm missing or failed); the query page uses its plain editor"; \
	fi

yasgui: $(YASGUI)

install: $(STAMP) $(YASGUI)

build: $(STAMP)
	$(BIN)/citykg build

# A failed build leaves the previous graph in place: serve that one (if there is one) and say so.
run: $(STAMP) $(YASGUI)
	@$(BIN)/citykg build || { $(BIN)/citykg stats >/dev/null 2>&1 && echo "build failed: serving the previous graph"; }
	$(BIN)/citykg serve

# The browser tests drive Debian's Chromium through Playwright (which cannot download its own
# browser here): install it when it is missing. CI runs as root with Debian's registry reachable.
CHROMIUM := /usr/bin/chromium

chromium:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The remote-backend tests also run Virtuoso (what the CORDIS endpoint runs): Debian's binaries,
# without the system service; each test starts its own server (scripts/virtuoso.py).
virtuoso:
	@$(PYTHON) scripts/virtuoso.py install

test: $(STAMP) $(YASGUI) chromium virtuoso
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var *.egg-info node_modules graph_api/static/vendor
