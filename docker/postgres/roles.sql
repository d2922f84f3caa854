-- The database and its two roles, run once by PostgreSQL's superuser when the data
-- volume is first created (docker/postgres/init-roles.sh passes the variables):
--   :owner  owns the database and its schema; runs the migrations, nothing else.
--   :app    the role the application connects as: it owns nothing, so it cannot
--           alter or drop a table, switch off the audit trail's trigger or empty a
--           table; `manage.py grant_app_role` gives it the rights to use the tables.
-- Neither may create roles or databases, neither is a superuser.
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE :"app" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"db" OWNER :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";
\connect :"db"
-- From PostgreSQL 15 the schema public belongs to the database's owner and nobody
-- else may create in it; said here so it holds on every version.
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
