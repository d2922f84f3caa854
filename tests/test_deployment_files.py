"""The deployment files hold what a production start needs.

No Docker engine runs on the development machines, so these tests read the files
instead of starting them: docker-compose.yml, the Dockerfile, the entrypoint,
.env.example, .dockerignore and .gitignore.
"""

import json
import os
import re
import stat
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.programs import needs_program

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"
GITIGNORE = ROOT / ".gitignore"


@cache
def compose() -> dict[str, Any]:
    assert COMPOSE.is_file(), f"missing {COMPOSE.name}"
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{COMPOSE.name} is not a YAML mapping"
    return data


def service(name: str) -> dict[str, Any]:
    services = compose().get("services") or {}
    assert name in services, f"docker-compose.yml has no service {name!r}"
    return services[name]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def environment(svc: dict[str, Any]) -> dict[str, str]:
    """A service's `environment`, in map or in list (`KEY=value`) form."""
    env = svc.get("environment") or {}
    if isinstance(env, dict):
        return {str(key): str(value) for key, value in env.items()}
    return dict(str(item).split("=", 1) for item in env if "=" in str(item))


def healthcheck_text(svc: dict[str, Any]) -> str:
    test = (svc.get("healthcheck") or {}).get("test")
    return " ".join(str(part) for part in as_list(test))


@cache
def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    assert DOCKERFILE.is_file(), "missing Dockerfile"
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        pending = ""
    return instructions


def dockerfile_args(keyword: str) -> list[str]:
    return [args for instruction, args in dockerfile_instructions() if instruction == keyword]


# --- docker-compose.yml: database -------------------------------------------------


def test_db_service_runs_postgres_17() -> None:
    assert service("db").get("image") == "postgres:17", "service db must use image postgres:17"


def test_db_data_lives_in_named_volume_pgdata() -> None:
    mounts = []
    for volume in as_list(service("db").get("volumes")):
        if isinstance(volume, dict):
            mounts.append((volume.get("source"), volume.get("target")))
        else:
            source, _, rest = str(volume).partition(":")
            mounts.append((source, rest.split(":")[0]))
    assert ("pgdata", "/var/lib/postgresql/data") in mounts, (
        "service db does not mount the named volume pgdata at /var/lib/postgresql/data"
    )
    assert "pgdata" in (compose().get("volumes") or {}), (
        "volume pgdata is not declared under the top-level volumes:"
    )


def test_db_has_a_pg_isready_healthcheck() -> None:
    assert "pg_isready" in healthcheck_text(service("db")), (
        "service db has no healthcheck running pg_isready"
    )


def test_db_password_comes_from_env_file_and_is_required() -> None:
    password = environment(service("db")).get("POSTGRES_PASSWORD", "")
    assert password.startswith("${POSTGRES_PASSWORD:?"), (
        "service db must take POSTGRES_PASSWORD from ${POSTGRES_PASSWORD:?...} "
        "so compose refuses to start without it"
    )


def test_db_publishes_no_port() -> None:
    assert not service("db").get("ports"), "service db must not publish a port to the host"


# --- docker-compose.yml: web ------------------------------------------------------------


def test_web_is_built_from_the_dockerfile() -> None:
    build = service("web").get("build")
    assert build is not None, "service web has no build: section"
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).resolve() == DOCKERFILE, (
        f"service web is not built from the repository's Dockerfile (build: {build!r})"
    )


@pytest.mark.parametrize("name", ["web", "worker"])
def test_app_waits_for_a_healthy_pooler_which_waits_for_a_healthy_db(name: str) -> None:
    depends_on = service(name).get("depends_on")
    assert isinstance(depends_on, dict), (
        f"service {name} must use the long depends_on form with a condition on pgbouncer"
    )
    assert (depends_on.get("pgbouncer") or {}).get("condition") == "service_healthy", (
        f"service {name} does not depend on pgbouncer with condition: service_healthy"
    )
    pooler = service("pgbouncer").get("depends_on") or {}
    assert (pooler.get("db") or {}).get("condition") == "service_healthy", (
        "service pgbouncer does not depend on db with condition: service_healthy"
    )


def test_web_reads_dot_env() -> None:
    env_files = [
        entry.get("path") if isinstance(entry, dict) else entry
        for entry in as_list(service("web").get("env_file"))
    ]
    assert ".env" in env_files, "service web does not read .env through env_file"


@pytest.mark.parametrize("name", ["web", "worker"])
def test_app_database_url_goes_through_the_pooler_as_the_app_role(name: str) -> None:
    url = environment(service(name)).get("DATABASE_URL")
    assert url, f"service {name} has no DATABASE_URL in environment:"
    parts = urlsplit(url)
    assert parts.scheme in {"postgres", "postgresql"}, (
        f"DATABASE_URL of service {name} is not a PostgreSQL URL: {url}"
    )
    assert (parts.hostname, parts.port, parts.path) == ("pgbouncer", 6432, "/brede_gesprek"), (
        f"DATABASE_URL of service {name} does not point at pgbouncer:6432/brede_gesprek: {url}"
    )
    assert (parts.username, parts.password) == ("brede_gesprek_app", "${APP_DB_PASSWORD}"), (
        f"service {name} must connect as brede_gesprek_app, the role that owns nothing, "
        f"with ${{APP_DB_PASSWORD}}: {url}"
    )
    assert environment(service(name)).get("MIGRATE_ON_START") == "false", (
        f"service {name} must not migrate: its role may not change the schema"
    )


def test_migrations_run_as_the_owner_in_a_service_of_their_own() -> None:
    migrate = service("migrate")
    url = urlsplit(environment(migrate).get("DATABASE_URL", ""))
    assert (url.username, url.hostname) == ("brede_gesprek_owner", "db"), (
        "service migrate must connect to db as brede_gesprek_owner"
    )
    command = " ".join(as_list(migrate.get("command")))
    assert "manage.py migrate" in command, "service migrate does not run manage.py migrate"
    assert "grant_app_role brede_gesprek_app" in command, (
        "service migrate does not give brede_gesprek_app its rights after migrating"
    )
    assert (service("web").get("depends_on") or {}).get("migrate", {}).get("condition") == (
        "service_completed_successfully"
    ), "service web must start only after migrate succeeded"


def test_web_is_reached_through_the_proxy_only_and_checks_healthz() -> None:
    web = service("web")
    assert not web.get("ports"), (
        "service web must not publish a port: clients that bypass the proxy could send "
        "their own X-Forwarded-For and X-Forwarded-Proto"
    )
    assert "8000" in [str(port) for port in as_list(web.get("expose"))], (
        "service web does not expose port 8000 to the compose network"
    )
    assert "/healthz" in healthcheck_text(web), "service web has no healthcheck on /healthz"


@pytest.mark.parametrize("name", ["db", "web", "worker", "pgbouncer", "proxy"])
def test_services_restart_unless_stopped(name: str) -> None:
    assert service(name).get("restart") == "unless-stopped", (
        f"service {name} lacks restart: unless-stopped"
    )


# --- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_base_image() -> None:
    assert dockerfile_args("FROM")[:1] == ["python:3.13-slim-bookworm"], (
        "Dockerfile does not start FROM python:3.13-slim-bookworm"
    )


def test_dockerfile_installs_weasyprint_libraries() -> None:
    runs = " ".join(dockerfile_args("RUN"))
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "fontconfig"):
        assert package in runs, f"Dockerfile does not apt-get install {package}"


def test_dockerfile_installs_locked_dependencies_without_dev() -> None:
    syncs = [args for args in dockerfile_args("RUN") if "uv sync" in args]
    assert syncs, "Dockerfile does not run uv sync"
    assert all("--frozen" in args and "--no-dev" in args for args in syncs), (
        "uv sync in the Dockerfile must use --frozen and --no-dev"
    )


def test_dockerfile_runs_collectstatic() -> None:
    assert any("collectstatic" in args for args in dockerfile_args("RUN")), (
        "Dockerfile does not run manage.py collectstatic"
    )


def test_dockerfile_does_not_run_as_root() -> None:
    users = dockerfile_args("USER")
    assert users, "Dockerfile has no USER line: the container would run as root"
    final_user = users[-1].split(":")[0]
    assert final_user not in {"root", "0"}, f"Dockerfile's last USER is root ({users[-1]})"


def test_dockerfile_has_healthcheck_and_entrypoint() -> None:
    assert any("/healthz" in args for args in dockerfile_args("HEALTHCHECK")), (
        "Dockerfile has no HEALTHCHECK on /healthz"
    )
    assert any("docker/entrypoint.sh" in args for args in dockerfile_args("ENTRYPOINT")), (
        "Dockerfile's ENTRYPOINT is not docker/entrypoint.sh"
    )
    assert "8000" in " ".join(dockerfile_args("EXPOSE")), "Dockerfile does not EXPOSE 8000"


# --- entrypoint -----------------------------------------------------------------------------


def test_entrypoint_migrates_before_starting_gunicorn() -> None:
    assert ENTRYPOINT.is_file(), "missing docker/entrypoint.sh"
    lines = [
        line.strip()
        for line in ENTRYPOINT.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    migrate = next((i for i, line in enumerate(lines) if "manage.py migrate" in line), None)
    gunicorn = next((i for i, line in enumerate(lines) if line.startswith("exec gunicorn")), None)
    assert migrate is not None, "docker/entrypoint.sh does not run manage.py migrate"
    assert gunicorn is not None, "docker/entrypoint.sh does not exec gunicorn"
    assert migrate < gunicorn, "docker/entrypoint.sh starts gunicorn before it migrates"
    assert "set -euo pipefail" in lines, "docker/entrypoint.sh lacks set -euo pipefail"


def test_entrypoint_is_executable() -> None:
    assert ENTRYPOINT.stat().st_mode & stat.S_IXUSR, "docker/entrypoint.sh is not executable"


# --- .env.example, .dockerignore, .gitignore ----------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "POSTGRES_PASSWORD",
        "OWNER_DB_PASSWORD",
        "APP_DB_PASSWORD",
    ],
)
def test_env_example_names_required_setting(name: str) -> None:
    assert ENV_EXAMPLE.is_file(), "missing .env.example"
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert re.search(rf"^{name}=", text, re.MULTILINE), f".env.example does not set {name}="


def test_env_file_is_kept_out_of_git_and_the_image() -> None:
    assert GITIGNORE.is_file(), "missing .gitignore"
    gitignore = {line.strip() for line in GITIGNORE.read_text(encoding="utf-8").splitlines()}
    assert ".env" in gitignore or "/.env" in gitignore, ".gitignore does not list .env"
    assert DOCKERIGNORE.is_file(), "missing .dockerignore"
    dockerignore = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()}
    assert ".env" in dockerignore, ".dockerignore does not exclude .env from the build context"


# --- database roles (docker/postgres) -------------------------------------------------


def test_db_creates_the_owner_and_app_roles_on_a_new_volume() -> None:
    mounts = " ".join(str(volume) for volume in as_list(service("db").get("volumes")))
    assert "docker/postgres/init-roles.sh:/docker-entrypoint-initdb.d/" in mounts
    # Not named *.sql there, or the image would run it without the variables.
    assert "docker/postgres/roles.sql:/docker-entrypoint-initdb.d/roles.sql.in" in mounts
    env = environment(service("db"))
    for name in ("OWNER_DB_PASSWORD", "APP_DB_PASSWORD"):
        assert env.get(name, "").startswith(f"${{{name}:?"), f"db must require {name}"
    assert (ROOT / "docker" / "postgres" / "init-roles.sh").stat().st_mode & stat.S_IXUSR


@needs_program("psql")
def test_roles_sql_makes_an_owner_and_an_app_role_without_powers() -> None:
    """Runs docker/postgres/roles.sql against the PostgreSQL on 127.0.0.1 with names of
    this run's own, as the postgres image would on a new volume, and reads back what it
    made; then removes it."""
    suffix = os.getpid()
    names = {"db": f"bg_roles_{suffix}", "owner": f"bg_owner_{suffix}", "app": f"bg_app_{suffix}"}
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt"]
    probe = subprocess.run([*psql, "-c", "SELECT 1"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip("no PostgreSQL on 127.0.0.1")
    variables = [arg for key, value in names.items() for arg in ("-v", f"{key}={value}")]
    try:
        subprocess.run(
            [*psql, "-d", "postgres", *variables, "-v", "owner_password=o", "-v",
             "app_password=a", "-f", str(ROOT / "docker" / "postgres" / "roles.sql")],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        query = (
            "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles "
            f"WHERE rolname IN ('{names['owner']}', '{names['app']}') ORDER BY rolname"
        )
        roles = subprocess.run(
            [*psql, "-d", "postgres", "-c", query], check=True, capture_output=True, text=True
        ).stdout.split()
        assert roles == [f"{names['app']}|f|f|f|t", f"{names['owner']}|f|f|f|t"]
        owner = subprocess.run(
            [*psql, "-d", "postgres", "-c",
             f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{names['db']}'"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        assert owner == names["owner"]
        create = subprocess.run(
            [*psql, "-d", names["db"], "-c", f"SET ROLE {names['app']}; CREATE TABLE t (i int)"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert "permission denied" in create.stderr
    finally:
        for statement in (
            f"DROP DATABASE IF EXISTS {names['db']}",
            f"DROP ROLE IF EXISTS {names['app']}",
            f"DROP ROLE IF EXISTS {names['owner']}",
        ):
            subprocess.run([*psql, "-d", "postgres", "-c", statement], check=False)


# --- a region: proxy, several web containers, pooler, worker --------------------------------

NGINX_CONF = ROOT / "docker" / "nginx" / "default.conf"
PGBOUNCER = ROOT / "docker" / "pgbouncer"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"


def nginx_directives() -> list[str]:
    """The directives of docker/nginx/default.conf, comments dropped, one per entry."""
    text = "\n".join(line.split("#", 1)[0] for line in NGINX_CONF.read_text().splitlines())
    return [" ".join(part.split()) for part in re.split(r"[;{}]", text) if part.strip()]


def ini_values(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split(";", 1)[0].strip()
        if "=" in line and not line.startswith("["):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_several_web_containers_run_side_by_side() -> None:
    replicas = (service("web").get("deploy") or {}).get("replicas")
    assert isinstance(replicas, int), f"deploy.replicas of web is not a number: {replicas!r}"
    assert replicas >= 2, (
        f"service web must run at least 2 containers (deploy.replicas), not {replicas!r}"
    )
    assert "container_name" not in service("web"), "a container_name allows one container only"


def test_the_proxy_publishes_https_and_reads_the_repositorys_config() -> None:
    proxy = service("proxy")
    assert str(proxy.get("image", "")).startswith("nginx:"), "service proxy must be nginx"
    published = [str(port) for port in as_list(proxy.get("ports"))]
    assert any(port.endswith(":443") for port in published), "proxy does not publish 443"
    mounts = " ".join(str(volume) for volume in as_list(proxy.get("volumes")))
    assert "./docker/nginx/default.conf:/etc/nginx/conf.d/default.conf" in mounts
    assert "${TLS_CERT_DIR:?" in mounts, "the proxy must require TLS_CERT_DIR"
    assert ((proxy.get("depends_on") or {}).get("web") or {}).get("condition") == "service_healthy"
    # Only the proxy is reachable from outside.
    for name, svc in (compose().get("services") or {}).items():
        if name != "proxy":
            assert not svc.get("ports"), f"service {name} publishes a port beside the proxy"


def test_the_proxy_spreads_requests_over_every_web_container() -> None:
    directives = nginx_directives()
    assert "upstream web" in directives
    servers = [d for d in directives if d.startswith("server web:8000")]
    assert servers, "no upstream server web:8000"
    assert "resolve" in servers[0].split(), (
        "the upstream must resolve web:8000 again as containers come and go "
        f"(server web:8000 resolve), not once at start: {servers}"
    )
    assert any(d.startswith("resolver 127.0.0.11") for d in directives), (
        "nginx must ask Docker's DNS (127.0.0.11) for the web containers"
    )
    assert "proxy_pass http://web" in directives
    assert "listen 443 ssl" in directives


def test_forwarded_headers_match_the_apps_trusted_proxy_setting() -> None:
    """One proxy appends the client's address to X-Forwarded-For, and the app is told
    to trust exactly one: it takes the right-most entry, never one a client wrote."""
    directives = nginx_directives()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for" in directives
    assert "proxy_set_header X-Forwarded-Proto $scheme" in directives
    assert "proxy_set_header Host $host" in directives
    env = environment(service("web"))
    assert env.get("TRUST_X_FORWARDED_FOR") == "true"
    assert env.get("TRUSTED_PROXY_COUNT") == "1", (
        "one proxy in front (docker/nginx/default.conf): TRUSTED_PROXY_COUNT must be 1"
    )
    assert env.get("SECURE_PROXY_SSL_HEADER") == "true"


def test_the_pooler_is_pgbouncer_in_transaction_mode_in_front_of_db() -> None:
    pooler = service("pgbouncer")
    build = pooler.get("build")
    assert build in ("docker/pgbouncer", "./docker/pgbouncer"), f"pgbouncer build: {build!r}"
    values = ini_values(PGBOUNCER / "pgbouncer.ini")
    assert values.get("pool_mode") == "transaction"
    assert values.get("listen_port") == "6432"
    assert values.get("brede_gesprek") == "host=db port=5432 dbname=brede_gesprek"
    assert values.get("auth_type") == "scram-sha-256"
    assert environment(pooler).get("APP_DB_PASSWORD", "").startswith("${APP_DB_PASSWORD:?")
    assert "6432" in healthcheck_text(pooler)
    dockerfile = (PGBOUNCER / "Dockerfile").read_text(encoding="utf-8")
    assert "USER bouncer" in dockerfile, "pgbouncer must not run as root"
    assert (PGBOUNCER / "entrypoint.sh").stat().st_mode & stat.S_IXUSR
    # The owner's role never goes through the pooler: migrations connect to db.
    assert "brede_gesprek_owner" not in (PGBOUNCER / "entrypoint.sh").read_text()


@pytest.mark.parametrize("name", ["web", "worker"])
def test_behind_the_pooler_django_uses_no_server_side_cursors(name: str) -> None:
    """What compose sets for the service reaches Django's DATABASES setting."""
    env = environment(service(name))
    assert env.get("DB_DISABLE_SERVER_SIDE_CURSORS") == "true"
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    for value, expected in ((env["DB_DISABLE_SERVER_SIDE_CURSORS"], "True"), ("", "False")):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "brede_gesprek.settings",
                "DB_DISABLE_SERVER_SIDE_CURSORS": value,
            },
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.stdout.strip() == expected, result.stderr


def test_the_worker_runs_the_task_queue_for_printing() -> None:
    worker = service("worker")
    command = " ".join(str(part) for part in as_list(worker.get("command")))
    assert "manage.py db_worker" in command
    assert environment(worker).get("PRINT_IN_WORKER") == "true"
    assert (worker.get("healthcheck") or {}).get("disable") is True, (
        "the worker serves no HTTP: the image's /healthz check would call it unhealthy"
    )
    web_print = environment(service("web")).get("PRINT_IN_WORKER", "")
    assert web_print.startswith("${PRINT_IN_WORKER"), (
        "web must take PRINT_IN_WORKER from .env (an opt-in)"
    )
    assert re.search(r"^# ?PRINT_IN_WORKER=", ENV_EXAMPLE.read_text(), re.MULTILINE)


def test_web_tier_keeps_no_local_state() -> None:
    """Sessions in the database, no uploads on disk, no volumes on web: any container
    may answer any request."""
    from django.conf import settings

    assert settings.SESSION_ENGINE in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.signed_cookies",
    } or (
        settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
        and not any(cache["BACKEND"].endswith("LocMemCache") for cache in settings.CACHES.values())
    ), "sessions must be in the database (or a shared cache), not in one container"
    for name in ("web", "worker"):
        assert not service(name).get("volumes"), f"service {name} must keep nothing on a volume"


def test_gunicorn_starts_with_the_repositorys_settings() -> None:
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert "exec gunicorn --config /app/gunicorn.conf.py brede_gesprek.wsgi:application" in text
    assert GUNICORN_CONF.is_file()
    dockerignore = DOCKERIGNORE.read_text(encoding="utf-8").split()
    assert "gunicorn.conf.py" not in dockerignore, "gunicorn.conf.py must go into the image"
    assert "*.py" not in dockerignore


def test_env_example_sizes_gunicorn_as_gunicorn_conf_does() -> None:
    """The example's GUNICORN_WORKERS is the measured choice, not another number."""
    defaults: dict[str, Any] = {}
    exec(compile(GUNICORN_CONF.read_text(), str(GUNICORN_CONF), "exec"), defaults)  # noqa: S102
    match = re.search(r"^#? ?GUNICORN_WORKERS=(\d+)", ENV_EXAMPLE.read_text(), re.MULTILINE)
    assert match, ".env.example does not mention GUNICORN_WORKERS"
    assert int(match.group(1)) == defaults["DEFAULT_WORKERS"]
    assert re.search(r"^TLS_CERT_DIR=", ENV_EXAMPLE.read_text(), re.MULTILINE)


PGBOUNCER_SCRIPT = """
import json
import django

django.setup()
from bench.load.seed import seed
from consult.audit_chain import seal_pending, verify_chain
from consult.models import AuditEvent

seed(professionals=1, printers=1, managers=0)
seal_pending()
chain = verify_chain()
print(json.dumps({
    "checked": chain.checked,
    "broken_at": chain.broken_at,
    "iterated": sum(1 for _ in AuditEvent.objects.iterator(chunk_size=3)),
    "rows": AuditEvent.objects.count(),
}))
"""


@needs_program("pgbouncer")
def test_the_app_works_through_pgbouncer_with_the_repositorys_config() -> None:
    """docker/pgbouncer/pgbouncer.ini, pointed at the PostgreSQL on 127.0.0.1 instead of
    db (bench/load/pooler.py, as the load test runs it): the app, as its own role with
    the settings compose gives web and worker, does audited writes (the chain's
    pg_advisory_xact_lock), checks the chain and runs a QuerySet.iterator() through
    transaction pooling. Migrations go to PostgreSQL directly, as the migrate service
    does."""
    from bench.load.database import admin_execute
    from bench.load.pooler import APP_SETTINGS, PgBouncer

    server = "postgres://postgres@127.0.0.1:5432"
    try:
        admin_execute(server, "SELECT 1")
    except Exception:
        pytest.skip("no PostgreSQL on 127.0.0.1")
    web = environment(service("web"))
    assert {key: web.get(key) for key in APP_SETTINGS} == APP_SETTINGS, (
        "bench/load/pooler.py's APP_SETTINGS must be what compose gives web"
    )
    database = f"bg_pgbouncer_{os.getpid()}"
    owner_env = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "brede_gesprek.settings",
        "AUDIT_SEAL_INTERVAL_SECONDS": "0",
        "DATABASE_URL": f"{server}/{database}",
    }
    admin_execute(server, f"CREATE DATABASE {database}")
    pooler = PgBouncer(server, database)
    try:
        pooler.create_role()
        try:
            for command in (["migrate", "--noinput"], ["grant_app_role", pooler.role]):
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT,
                    env=owner_env,
                    check=True,
                    capture_output=True,
                )
            pooler.start()
            result = subprocess.run(
                [sys.executable, "-c", PGBOUNCER_SCRIPT],
                cwd=ROOT,
                env=pooler.app_environment(owner_env),
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
            )
        finally:
            pooler.stop()
            pooler.drop_role()
        assert result.returncode == 0, result.stderr[-3000:]
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        assert figures["broken_at"] is None
        assert figures["checked"] == figures["rows"] == figures["iterated"] > 0
    finally:
        admin_execute(server, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@needs_program("nginx")
def test_the_app_answers_through_nginx_with_the_repositorys_config(tmp_path: Path) -> None:
    """docker/nginx/default.conf in front of gunicorn (bench/load/proxy.py, as the load
    test runs it), the app with the proxy settings compose gives web: plain http is sent
    to https, pages come over TLS with HSTS and secure cookies, and a login form posted
    with the browser's Origin gets past the CSRF check to the app's own answer."""
    import ssl
    import urllib.error
    import urllib.parse
    import urllib.request
    from http.cookiejar import CookieJar

    from bench.load.configs import Config
    from bench.load.ports import free_port
    from bench.load.proxy import APP_SETTINGS, Nginx
    from bench.load.proxy import app_environment as behind_proxy
    from bench.load.scenario import LOGIN_PATH, csrf_from_html
    from bench.load.servers import Gunicorn, app_environment

    web = environment(service("web"))
    assert {key: web.get(key) for key in APP_SETTINGS} == APP_SETTINGS, (
        "bench/load/proxy.py's APP_SETTINGS must be what compose gives web"
    )
    env = app_environment(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    proxy = Nginx(port)
    gunicorn = Gunicorn(Config("sync", 1), behind_proxy(env, proxy.url), tmp_path / "g.log", port)
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE  # the run's own certificate
    cookies = CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=insecure), urllib.request.HTTPCookieProcessor(cookies)
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    try:
        gunicorn.start()
        proxy.start()
        with pytest.raises(urllib.error.HTTPError) as redirect:
            urllib.request.build_opener(NoRedirect()).open(
                f"http://127.0.0.1:{proxy.http_port}{LOGIN_PATH}", timeout=10
            )
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == f"https://127.0.0.1{LOGIN_PATH}"

        with opener.open(f"{proxy.url}{LOGIN_PATH}", timeout=10) as page:
            html = page.read().decode()
            assert page.status == 200
            assert "max-age=" in page.headers["Strict-Transport-Security"]
        assert cookies, "the login page sets the CSRF cookie"
        assert all(cookie.secure for cookie in cookies)

        form = {"username": "niemand@praktijk.example", "password": "fout-wachtwoord-2026"}
        request = urllib.request.Request(
            f"{proxy.url}{LOGIN_PATH}",
            data=urllib.parse.urlencode(
                {**form, "csrfmiddlewaretoken": csrf_from_html(html)}
            ).encode(),
            headers={"Origin": proxy.url},
        )
        with opener.open(request, timeout=10) as answer:
            # The app's own refusal of the password, not the CSRF failure page (403).
            assert answer.status == 200
            assert csrf_from_html(answer.read().decode())
    finally:
        proxy.stop()
        gunicorn.stop()
