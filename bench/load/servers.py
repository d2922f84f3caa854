"""The processes a load run starts beside the database: gunicorn with the repository's
gunicorn.conf.py, and `manage.py db_worker` for the PDFs when printing is in a worker.
Both stop gracefully on SIGTERM."""

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.load.configs import GUNICORN_CONF, Config
from bench.load.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def app_environment(
    database_url: str, *, print_in_worker: bool = False, secret_key: str | None = None
) -> dict[str, str]:
    """Production settings, but plain http on 127.0.0.1 and a throwaway secret (or
    `secret_key`, to read the sessions another process made)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GUNICORN_", "LOAD_", "DJANGO_", "BENCH_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="brede_gesprek.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        HTTPS="false",
        SECURE_PROXY_SSL_HEADER="false",
        TRUST_X_FORWARDED_FOR="false",
        SECRET_KEY=secret_key or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        TWO_FACTOR_REQUIRED="true",
        PRINT_IN_WORKER="true" if print_in_worker else "false",
        # No collectstatic into the shared tree: pages name their static files, but
        # locust, like a browser with a warm cache, fetches none.
        STATIC_MANIFEST="false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


class Gunicorn:
    def __init__(
        self, config: Config, env: dict[str, str], logfile: Path, port: int | None = None
    ) -> None:
        self.config = config
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = logfile
        self.env = {
            **env,
            **config.environment(),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_ACCESS_LOG": "-",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.logfile.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(GUNICORN_CONF),
                "brede_gesprek.wsgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.logfile}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer /healthz within 60 s; see {self.logfile}")

    def stop(self) -> None:
        stop_process(self.process)


class PrintWorker:
    """`manage.py db_worker`, as the compose file's worker runs it: makes the PDFs the
    web requests queue when PRINT_IN_WORKER is on."""

    def __init__(self, env: dict[str, str], logfile: Path) -> None:
        self.env = env
        self.logfile = logfile
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker"],
            cwd=ROOT,
            env=self.env,
            stdout=self.logfile.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        stop_process(self.process)


def stop_process(process: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM, the graceful stop of gunicorn and of db_worker; killed after 40 s."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
