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

exec gunicorn brede_gesprek.wsgi:application \
    --bind 0.0.0.0:8000 \
    --workers "${GUNICORN_WORKERS:-3}" \
    --timeout 60 \
    --access-logfile -
