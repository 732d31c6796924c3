# The two commands a fresh clone needs: `make run` and `make test`; `make serve` for production.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
FUZZ_STAMP := $(VENV)/.fuzz-installed
FUZZ_SECONDS ?= 300
DEV_KEY := .dev-secret-key

.PHONY: install run serve test lint browser screenshots bench bench-tools bench-admin bench-tag-health bench-load fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(STAMP)

# A stable key for the development server, so logins survive a restart; never committed.
$(DEV_KEY):
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# The worker that runs background imports (db_worker) starts beside the dev server and is
# stopped when runserver exits. --no-reload: a reloading worker's child would outlive the kill
# (restart make run after changing the import's code).
run: $(STAMP) $(DEV_KEY)
	export DEBUG=1 SECRET_KEY="$$(cat $(DEV_KEY))" && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py import_digests seeds/ && \
	$(PY) manage.py ensure_editor && \
	{ $(PY) manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:8000; }

# Production settings (DEBUG off) under gunicorn (newsroom/gunicorn.conf.py), after migrating and
# collecting the static files whitenoise serves. SECRET_KEY from the environment, else the
# development key; SECURE_SSL_REDIRECT off unless set, for a trial on plain http://127.0.0.1:8000
# (behind a TLS proxy, set SECURE_SSL_REDIRECT=1: see the README).
serve: $(STAMP) $(if $(SECRET_KEY),,$(DEV_KEY))
	@if [ -z "$$SECRET_KEY" ]; then echo "make serve: SECRET_KEY is not set: using the development key in $(DEV_KEY)"; fi
	@if [ -z "$${SECURE_SSL_REDIRECT+set}" ]; then echo "make serve: SECURE_SSL_REDIRECT is not set: 0, no redirect to HTTPS"; fi
	export DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat $(DEV_KEY))}" \
		SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT-0}" && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py collectstatic --noinput && \
	echo "make serve: background imports need a worker: run \`$(PY) manage.py db_worker\` beside it (see the README)" && \
	exec $(BIN)/gunicorn -c newsroom/gunicorn.conf.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Browser tests need Debian's chromium and chromium-driver: installed here when we are root,
# otherwise we stop with the command to run (never skip the tests).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
		else \
			echo "Browser tests need Chromium. Run: sudo apt-get update && sudo apt-get install -y chromium chromium-driver"; \
			exit 1; \
		fi; \
	fi

# SQLite always; PostgreSQL too when DATABASE_URL is set (as .ci/run does).
test: lint browser
	env -u DATABASE_URL SECRET_KEY=makemigrations-check $(PY) manage.py makemigrations --check --dry-run
	env -u DEBUG SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		ALLOWED_HOSTS=news.example.com $(PY) manage.py check --deploy --fail-level WARNING
	env -u DATABASE_URL $(BIN)/pytest
	if [ -n "$$DATABASE_URL" ]; then $(BIN)/pytest; fi

# The benchmark (bench/__init__.py): data, then per backend (SQLite; PostgreSQL too when
# DATABASE_URL is set) the raw-load floor, the first and the forced import, the reader pages on
# gunicorn beside their floors (wrk) and the admin changelists: one table, and a JSON file.
# BENCH_ARGS="--items 1000000 --backends postgres" for the large run, --profile for profiles.
# Then tag suggestions: 100,000 stories against 10,000 tags (bench/suggestions.py), and the
# content API's cursor pages, page 1,000 beside page 1 (bench/api.py), on SQLite and on
# PostgreSQL when DATABASE_URL is set; BENCH_API_ARGS="--plans" adds the queries' plans.
bench: $(BENCH_STAMP) bench-tools
	$(PY) -m bench $(BENCH_ARGS)
	$(PY) -m bench.suggestions $(BENCH_SUGGESTIONS_ARGS)
	env -u DATABASE_URL $(PY) -m bench.api $(BENCH_API_ARGS)
	if [ -n "$$DATABASE_URL" ]; then $(PY) -m bench.api $(BENCH_API_ARGS); fi

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $@

# wrk loads the pages from a process of its own: Debian's package, installed here when we are
# root, otherwise we stop with the command to run.
bench-tools:
	@if [ ! -x /usr/bin/wrk ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else \
			echo "The benchmark needs wrk. Run: sudo apt-get update && sudo apt-get install -y wrk"; \
			exit 1; \
		fi; \
	fi

# The reader site under load (wrk, 64 connections, 60 s) while 100,000 items are imported
# (bench/load.py): zero errors and zero answers other than 200, or it exits 1. PostgreSQL when
# DATABASE_URL is set, else SQLite; Redis as the page cache when REDIS_URL is set (its
# database is flushed: give it one of its own). BENCH_LOAD_ARGS="--seconds 30" and so on.
bench-load: $(BENCH_STAMP) bench-tools
	$(PY) -m bench.load $(BENCH_LOAD_ARGS)

# Editors' changelists on a synthetic million items and 10,000 tags (bench/admin.py); the
# changelists of the imported data are part of `make bench`.
bench-admin: $(STAMP)
	$(PY) -m bench.admin $(BENCH_ADMIN_ARGS)

# The tag health page on 10,000 tags and a million links (bench/tag_health.py).
bench-tag-health: $(STAMP)
	$(PY) -m bench.tag_health $(BENCH_TAG_HEALTH_ARGS)

# atheris (libFuzzer) over the parser and the import of one file (fuzz/import_target.py), for
# FUZZ_SECONDS (300 by default); outside CI. The corpus starts from the seeds and grows in
# fuzz/corpus/; a crash stops the run and its input is written to fuzz/crashes/.
fuzz: $(FUZZ_STAMP)
	mkdir -p fuzz/corpus fuzz/crashes
	cp -n seeds/*.txt fuzz/corpus/
	$(PY) fuzz/import_target.py -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-artifact_prefix=fuzz/crashes/ fuzz/corpus

$(FUZZ_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,fuzz]"
	touch $@

# The README's "Editor's day" screenshots (docs/screenshots/*.png), taken in headless Chromium
# on a throwaway server and database (docs/screenshots.py).
screenshots: browser $(STAMP)
	$(PY) docs/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info bench/data fuzz/corpus fuzz/crashes
