"""PgBouncer in front of the load test's database, as the compose file runs it: the
repository's docker/pgbouncer/pgbouncer.ini (transaction pooling, its pool sizes)
pointed at the load test's PostgreSQL, and the app connecting through it as a role
that owns nothing and has only the rights `manage.py grant_app_role` gives it.

The role is cluster-wide, so it is named after the run (brede_gesprek_load_app_<pid>)
and dropped with its rights before the run's database; leftovers of killed runs, whose
databases are gone, by drop_leftover_roles."""

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bench.load.database import admin_execute
from bench.load.ports import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY_INI = ROOT / "docker" / "pgbouncer" / "pgbouncer.ini"
ROLE_PREFIX = "brede_gesprek_load_app_"
# What the compose file gives the web containers and the worker besides the pooler's
# URL (x-app-environment).
APP_SETTINGS = {"DB_DISABLE_SERVER_SIDE_CURSORS": "true", "MIGRATE_ON_START": "false"}


def drop_leftover_roles(server: str) -> None:
    """Roles of earlier runs whose process is gone; run after drop_leftovers, which
    dropped their databases and with them the roles' rights."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", [f"{ROLE_PREFIX}%"]
            )
        ]
        for name in names:
            pid = name.removeprefix(ROLE_PREFIX)
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                connection.execute(f'DROP ROLE IF EXISTS "{name}"')


class PgBouncer:
    def __init__(self, server: str, database: str) -> None:
        if shutil.which("pgbouncer") is None:
            raise RuntimeError("LOAD_POOLER=pgbouncer needs pgbouncer: apt-get install pgbouncer")
        self.server = server
        self.database = database
        self.role = f"{ROLE_PREFIX}{os.getpid()}"
        self.password = secrets.token_hex(16)
        self.port = free_port()
        # PgBouncer refuses to run as root; as root it runs as postgres (-u), which
        # must read its files: a directory of its own, readable by all.
        self.directory = Path(tempfile.mkdtemp(prefix="brede_gesprek_pgbouncer_"))
        self.directory.chmod(0o755)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The app's DATABASE_URL: its role, through the pooler."""
        return f"postgres://{self.role}:{self.password}@127.0.0.1:{self.port}/brede_gesprek"

    def app_environment(self, env: dict[str, str]) -> dict[str, str]:
        return {**env, **APP_SETTINGS, "DATABASE_URL": self.url}

    def create_role(self) -> None:
        """The app's role, before `manage.py grant_app_role` gives it its rights."""
        admin_execute(self.server, f"CREATE ROLE \"{self.role}\" LOGIN PASSWORD '{self.password}'")

    def start(self) -> None:
        ini = REPOSITORY_INI.read_text(encoding="utf-8")
        postgres = urlsplit(self.server)
        replacements = {
            "host=db port=5432 dbname=brede_gesprek": (
                f"host={postgres.hostname or '127.0.0.1'} port={postgres.port or 5432} "
                f"dbname={self.database}"
            ),
            "listen_addr = 0.0.0.0": "listen_addr = 127.0.0.1",
            "listen_port = 6432": f"listen_port = {self.port}",
            "/run/pgbouncer/userlist.txt": str(self.directory / "userlist.txt"),
        }
        for old, new in replacements.items():
            if old not in ini:
                raise RuntimeError(f"{REPOSITORY_INI} no longer says {old!r}")
            ini = ini.replace(old, new)
        (self.directory / "pgbouncer.ini").write_text(ini, encoding="utf-8")
        (self.directory / "userlist.txt").write_text(
            f'"{self.role}" "{self.password}"\n', encoding="utf-8"
        )
        for name in ("pgbouncer.ini", "userlist.txt"):
            (self.directory / name).chmod(0o644)
        as_user = ["-u", "postgres"] if os.geteuid() == 0 else []
        self.process = subprocess.Popen(
            ["pgbouncer", *as_user, str(self.directory / "pgbouncer.ini")],
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "pgbouncer.log").open("ab"),
        )
        if wait_until_listening(self.port, self.process):
            return
        raise RuntimeError(f"pgbouncer did not start; see {self.directory / 'pgbouncer.log'}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)

    def drop_role(self) -> None:
        """Its rights in the database (grant_app_role's), then the role."""
        admin_execute(self.server, f'DROP OWNED BY "{self.role}"', self.database)
        admin_execute(self.server, f'DROP ROLE IF EXISTS "{self.role}"')
