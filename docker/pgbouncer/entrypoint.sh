#!/bin/sh
# PgBouncer's start: the application role's password into the auth file (inside the
# container, readable by this user only), then PgBouncer in the foreground, logging
# to stderr.
set -eu
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set (see .env.example)}"
umask 077
printf '"brede_gesprek_app" "%s"\n' "$APP_DB_PASSWORD" > /run/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
