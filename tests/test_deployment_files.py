"""The deployment files hold what a production start needs.

No Docker engine runs on the development machines, so these tests read the files
instead of starting them: docker-compose.yml, the Dockerfile, the entrypoint,
.env.example, .dockerignore and .gitignore.
"""

import os
import re
import shutil
import stat
import subprocess
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

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


def test_web_waits_for_a_healthy_db() -> None:
    depends_on = service("web").get("depends_on")
    assert isinstance(depends_on, dict), (
        "service web must use the long depends_on form with a condition on db"
    )
    assert (depends_on.get("db") or {}).get("condition") == "service_healthy", (
        "service web does not depend on db with condition: service_healthy"
    )


def test_web_reads_dot_env() -> None:
    env_files = [
        entry.get("path") if isinstance(entry, dict) else entry
        for entry in as_list(service("web").get("env_file"))
    ]
    assert ".env" in env_files, "service web does not read .env through env_file"


def test_web_database_url_points_at_db() -> None:
    url = environment(service("web")).get("DATABASE_URL")
    assert url, "service web has no DATABASE_URL in environment:"
    parts = urlsplit(url)
    assert parts.scheme in {"postgres", "postgresql"}, (
        f"DATABASE_URL of service web is not a PostgreSQL URL: {url}"
    )
    assert parts.hostname == "db", f"DATABASE_URL of service web does not point at host db: {url}"
    assert (parts.username, parts.password) == ("brede_gesprek_app", "${APP_DB_PASSWORD}"), (
        "service web must connect as brede_gesprek_app, the role that owns nothing, "
        f"with ${{APP_DB_PASSWORD}}: {url}"
    )
    assert environment(service("web")).get("MIGRATE_ON_START") == "false", (
        "service web must not migrate: its role may not change the schema"
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


def test_web_publishes_port_8000_and_checks_healthz() -> None:
    web = service("web")
    assert any(str(port).endswith("8000") for port in as_list(web.get("ports"))), (
        "service web does not publish container port 8000"
    )
    assert "/healthz" in healthcheck_text(web), "service web has no healthcheck on /healthz"


@pytest.mark.parametrize("name", ["db", "web"])
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


@pytest.mark.skipif(shutil.which("psql") is None, reason="needs psql")
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
