# Brede Gesprek: the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= uv
RUN := $(UV) run --frozen
DEMO_ENV := DEBUG=true HTTPS=false TWO_FACTOR_REQUIRED=$(or $(TWO_FACTOR_REQUIRED),false)

.PHONY: help install system-packages demo test suite lint check-translations messages bench load

help:
	@echo "make demo   - install, migrate the SQLite database, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test   - install, lint and run the whole test suite (browser tests included)"
	@echo "make bench  - run the benchmarks"
	@echo "make load   - load test: gunicorn and PostgreSQL under locust, 20 to 200 professionals"

# uv under the Python 3.13 that .python-version selects; uv never downloads a Python.
install:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

# Debian packages the tests and benchmarks need: Chromium for the browser, poppler
# for pdftotext, gettext for makemessages, psql for a deployment test, nginx and
# PgBouncer for the load test's proxy and pooler (LOAD_PROXY, LOAD_POOLER) and the
# tests that run the app through them. The load test and those tests start nginx and
# PgBouncer with their own configuration on ports of their own, so the services Debian
# starts when it installs them are stopped again, and not started at the next boot.
system-packages:
	@missing=""; \
	for pkg in chromium:/usr/bin/chromium poppler-utils:/usr/bin/pdftotext gettext:/usr/bin/msgfmt \
	    postgresql-client:/usr/bin/psql nginx:/usr/sbin/nginx pgbouncer:/usr/sbin/pgbouncer; do \
	  [ -x "$${pkg#*:}" ] || missing="$$missing $${pkg%%:*}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  for service in nginx pgbouncer; do \
	    case " $$missing " in *" $$service "*) \
	      service $$service stop >/dev/null 2>&1 || true; \
	      systemctl disable --quiet $$service >/dev/null 2>&1 \
	        || update-rc.d $$service disable >/dev/null 2>&1 || true;; \
	    esac; \
	  done; \
	fi

demo: install
	$(DEMO_ENV) $(RUN) python manage.py migrate --noinput
	$(DEMO_ENV) $(RUN) python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (stop with Ctrl-C)"
	$(DEMO_ENV) $(RUN) python manage.py runserver 127.0.0.1:8000

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	SECRET_KEY=lint-only $(RUN) mypy .
	SECRET_KEY=lint-only $(RUN) python manage.py makemigrations --check --dry-run
	$(MAKE) check-translations

# Every message in the code has a Dutch translation, and the compiled catalogue is current.
check-translations:
	SECRET_KEY=lint-only $(RUN) python manage.py makemessages -l nl --no-location --no-obsolete -v0
	$(RUN) python scripts/check_translations.py locale/nl/LC_MESSAGES/django.po

# Extract and compile messages after changing texts (then translate the new entries).
messages: install
	SECRET_KEY=dev-only $(RUN) python manage.py makemessages -l nl --no-location --no-obsolete
	SECRET_KEY=dev-only $(RUN) python manage.py compilemessages -l nl

# With the load group: the tests also load the load test's locustfile and read locust's
# own statistics (tests/test_load_tool.py), so a broken `make load` fails CI.
test: install system-packages lint suite

# The tests alone, for .ci/run, which installs and lints once and then runs them on
# SQLite and PostgreSQL side by side.
suite:
	$(RUN) --group load pytest

# Every benchmark, on SQLite and then on PostgreSQL when a server answers on 127.0.0.1
# (BENCH_PG_SERVER): one JSON line per figure, then the figures that missed; exits 1
# when any did. BENCH_ROUNDS=5 BENCH_SERVICES=1000 make bench for a quick check.
bench: install system-packages
	$(RUN) python bench/run_all.py

# Load test (bench/load/run_load.py): gunicorn with gunicorn.conf.py and a PostgreSQL
# database of its own on 127.0.0.1, driven by locust with 20, 50, 100, 150 and 200
# professionals for 60 s each; report under bench/results/, exits 1 on any error.
# LOAD_STEPS=20 LOAD_SECONDS=10 LOAD_SERVICES=0 make load for a quick check.
load: install
	$(RUN) --group load python bench/load/run_load.py
