#!/usr/bin/env bash
# Run by the postgres image on the first start of an empty data volume
# (/docker-entrypoint-initdb.d): the database, its owner and the application's role.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v db=brede_gesprek \
    -v owner=brede_gesprek_owner -v owner_password="$OWNER_DB_PASSWORD" \
    -v app=brede_gesprek_app -v app_password="$APP_DB_PASSWORD" \
    -f /docker-entrypoint-initdb.d/roles.sql.in
