#!/usr/bin/env bash
# Container start: bring the database schema up to date, then serve with gunicorn.
# With arguments (`docker compose run --rm web python manage.py check`), run those
# instead, without migrating.
set -euo pipefail

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

# Migrate here when one database role does everything; docker-compose.yml instead runs
# a separate migrate service as the tables' owner and sets MIGRATE_ON_START=false.
if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
    python manage.py migrate --noinput
fi

# Workers, worker class, timeout and access log: gunicorn.conf.py (chosen with
# `make load`, overridable with GUNICORN_WORKERS and friends).
exec gunicorn --config /app/gunicorn.conf.py brede_gesprek.wsgi:application
