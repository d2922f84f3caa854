#!/usr/bin/env bash
# Container start: bring the database schema up to date, then serve with gunicorn.
# With arguments (`docker compose run --rm web python manage.py check`), run those
# instead, without migrating.
set -euo pipefail

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

python manage.py migrate --noinput

exec gunicorn brede_gesprek.wsgi:application \
    --bind 0.0.0.0:8000 \
    --workers "${GUNICORN_WORKERS:-3}" \
    --timeout 60 \
    --access-logfile -
