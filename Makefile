# Two commands: `make demo` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1:8000

.PHONY: demo test install lint typecheck check-deploy clean bench faults load screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# A development .env (git-ignored): a generated SECRET_KEY and DEBUG on.
.env:
	printf 'DEBUG=True\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env (development settings, not for production)"

demo: install .env
	$(MANAGE) migrate --noinput
	$(MANAGE) load_regions
	$(MANAGE) load_framework
	$(MANAGE) seed_demo
	@echo "Serving http://$(HOST)  (Ctrl+C stops)"
	$(MANAGE) runserver $(HOST)

# The whole suite, with production settings (DEBUG off) except the HTTPS
# redirect: the browser tests talk plain HTTP to the live server.
# Uses DATABASE_URL / REDIS_URL when set (CI sets both); without them: SQLite,
# and the Redis tests skip (under CI=true they fail).
test: install
	mkdir -p test-results
	DEBUG=False SECURE_SSL_REDIRECT=False SECRET_KEY=$${SECRET_KEY:-test-only-not-secret} \
		$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs and djangorestframework-stubs, configured in
# pyproject.toml: strict on the pure modules, check_untyped_defs elsewhere.
# The Django plugin imports the settings, hence the throwaway SECRET_KEY.
typecheck: install
	DEBUG=False SECRET_KEY=typecheck-only-not-secret ENV_FILE=/dev/null $(BIN)/mypy

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# Benchmarks: figures printed side by side (upload memory, processing time,
# full recompute against its floor). Uses REDIS_URL when set, so the web
# process only enqueues jobs; the recompute needs DATABASE_URL (PostgreSQL).
bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/scoring.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/explorer.py
	$(BIN)/python bench/page_weight.py

# Faults: a killed worker, Redis down, PostgreSQL restarted, a full upload volume,
# on the script's own PostgreSQL, Redis, gunicorn and worker (free loopback ports).
# The full-volume check mounts tmpfs, so it needs root; otherwise it prints SKIP.
faults: install
	$(BIN)/python faults/run.py

# Screenshots of the main pages (desktop and phone, Indonesian and English)
# into screenshots/, from the demo served by `make demo` in another terminal.
screenshots: install
	$(BIN)/python scripts/screenshots.py --base-url http://$(HOST) --out screenshots

# Load test: gunicorn (gunicorn.conf.py) + a Celery worker on PostgreSQL and
# Redis, loopback only (DATABASE_URL / REDIS_URL, else the local servers; a
# throwaway database and Redis DB 11). 50 reviewers autosave and 100 clients
# read scores for 60 s; fails on any server error or lost save.
# LOAD_ARGS="--seconds 10" for a quick run.
load: install
	$(BIN)/python -m bench.load $(LOAD_ARGS)
