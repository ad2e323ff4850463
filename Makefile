# Two commands: `make demo` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi

.PHONY: demo test install chromium redis wrk platform-sdks serve bench bench-banner bench-consent bench-snippet bench-load bench-analytics clean snippet

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "Installing python3-venv (Debian ships Python without it)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(VENV)/.installed

# Playwright cannot download browsers here: the tests drive Debian's Chromium.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The storefront code of the platforms the snippet talks to, as published on the npm registry,
# for tests/browser/test_platform_*.py: Salla's SDK and its cookie bar run in the test pages,
# Hydrogen is read for what it does to Shopify.customerPrivacy. Pinned; unpacked, never built.
PLATFORMS     := tests/.platforms
PLATFORM_SDKS := $(shell grep -v '^#' tests/browser/platform_sdks.txt)
platform-sdks:
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's npm to fetch the platform SDKs"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }
	@for spec in $(PLATFORM_SDKS); do \
	  dir=$(PLATFORMS)/$$spec; [ -f $$dir/package.json ] && continue; \
	  echo "Fetching $$spec from the npm registry"; \
	  mkdir -p $$dir && tarball=$$(npm pack --silent --pack-destination $(PLATFORMS) $$spec) && \
	  tar -xzf $(PLATFORMS)/$$tarball -C $$dir --strip-components=1 && rm $(PLATFORMS)/$$tarball \
	  || { rm -rf $$dir; exit 1; }; \
	done

# The served snippet: static/snippet.js minified by esbuild with a source map (the app
# serves the readable source, and warns, while this build is missing or out of date).
# npm installs the pinned build and bench tools of package-lock.json into node_modules/.
SNIPPET_BUILD := static/build/snippet.min.js
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's npm for the snippet build"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(SNIPPET_BUILD): static/snippet.js banner/snippet_build.py node_modules/.installed $(VENV)/.installed
	$(BIN)/python banner/snippet_build.py

snippet: $(SNIPPET_BUILD)

# The load generator of the HTTP benches.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benches"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }

# Demo mode: /demo is served and needs no SECRET_KEY (production refuses to start without).
demo: export BANNER_DEMO := 1
# The header a CDN would set with the visitor's country (demo-electronics is opt-out in the US).
demo: export COUNTRY_HEADER ?= CF-IPCountry
demo: install snippet
	$(BIN)/flask db upgrade
	$(BIN)/flask banner seed-demo
	@echo
	@echo "Dashboard:    http://$(HOST):$(PORT)/dashboard  (the demo login above)"
	@echo "Demo stores:  http://$(HOST):$(PORT)/demo/demo-electronics"
	@echo "              http://$(HOST):$(PORT)/demo/demo-subscriptions"
	@echo "Banner API:   http://$(HOST):$(PORT)/v1/sites/demo-electronics/banner?lang=ar"
	@echo "Snippet:      http://$(HOST):$(PORT)/static/snippet.js"
	@echo "API reference: http://$(HOST):$(PORT)/docs/api"
	@echo "Region rules: demo-electronics is opt-in, opt-out for US visitors; try"
	@echo "              curl -H 'CF-IPCountry: US' http://$(HOST):$(PORT)/v1/sites/demo-electronics/banner"
	@echo
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# The rate-limit tests share counts between worker processes through Redis.
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	  command -v redis-server >/dev/null 2>&1 || { \
	    echo "Installing Debian's redis-server for the tests"; \
	    $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq redis-server; }; \
	  echo "Starting redis-server on 127.0.0.1:6379"; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do \
	    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done; }

# SQLite by default; TEST_DATABASE_URL=postgresql+psycopg://... runs on PostgreSQL.
test: install chromium redis platform-sdks snippet
	$(BIN)/pytest $(PYTEST_ARGS)

bench: bench-banner bench-consent bench-snippet bench-load

bench-banner: install wrk
	$(BIN)/python bench/banner_get.py

bench-consent: install wrk
	$(BIN)/python bench/consent_post.py

bench-snippet: install chromium snippet
	$(BIN)/python bench/snippet_size.py

bench-load: install wrk
	$(BIN)/python bench/load.py

# PostgreSQL at 127.0.0.1:5432 (its own database, dropped after); BENCH_ARGS="--records 10000000".
bench-analytics: install
	$(BIN)/python bench/analytics.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache *.egg-info node_modules static/build
