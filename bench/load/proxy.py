"""nginx in front of the load test's gunicorn, as the compose file runs it: the
repository's docker/nginx/default.conf (TLS, least_conn, the forwarded headers,
proxy buffering) with a certificate of the run's own, listening on 127.0.0.1 and
passing to the step's gunicorn. The app then runs with the compose file's proxy
settings (HTTPS on, X-Forwarded-Proto and X-Forwarded-For trusted from one proxy).

What differs from compose, because the machine is not Docker: no `resolver` and no
`resolve` (there is one gunicorn at a fixed address instead of a DNS name for every
web container), and an nginx older than 1.25.1 (Debian 12 has 1.22) gets no
`http2 on;` (locust speaks HTTP/1.1 either way). Every line replaced must still be in
default.conf, or the proxy refuses to start: the load test never runs a configuration
that has drifted from the one production gets."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.load.ports import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY_CONF = ROOT / "docker" / "nginx" / "default.conf"
HTTP2_DIRECTIVE_SINCE = (1, 25, 1)
# The app behind one proxy, as the compose file's web environment has it.
APP_SETTINGS = {
    "SECURE_PROXY_SSL_HEADER": "true",
    "TRUST_X_FORWARDED_FOR": "true",
    "TRUSTED_PROXY_COUNT": "1",
}
# The rest of what the nginx image's own nginx.conf has around conf.d/*.conf.
MAIN_CONF = """\
worker_processes auto;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {directory}/temp/body;
    proxy_temp_path {directory}/temp/proxy;
    fastcgi_temp_path {directory}/temp/fastcgi;
    uwsgi_temp_path {directory}/temp/uwsgi;
    scgi_temp_path {directory}/temp/scgi;
    include {directory}/default.conf;
}}
"""


def nginx_version(output: str) -> tuple[int, ...]:
    """ "nginx version: nginx/1.22.1" (what `nginx -v` prints) -> (1, 22, 1)."""
    match = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", output)
    if match is None:
        raise RuntimeError(f"not an nginx version: {output!r}")
    return tuple(int(part) for part in match.groups())


def site_conf(
    text: str, *, upstream_port: int, http_port: int, https_port: int, directory: Path,
    version: tuple[int, ...],
) -> str:  # fmt: skip
    """default.conf made to run here (see the module's docstring)."""
    replacements = {
        "resolver 127.0.0.11 valid=10s ipv6=off;": "",
        "server web:8000 resolve max_fails=3 fail_timeout=10s;": (
            f"server 127.0.0.1:{upstream_port} max_fails=3 fail_timeout=10s;"
        ),
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "/etc/nginx/certs/": f"{directory}/certs/",
        "access_log /dev/stdout;": f"access_log {directory}/access.log;",
    }
    if version < HTTP2_DIRECTIVE_SINCE:
        replacements["http2 on;"] = ""
    for old, new in replacements.items():
        if old not in text:
            raise RuntimeError(f"{REPOSITORY_CONF} no longer says {old!r}")
        text = text.replace(old, new)
    return text


class Nginx:
    def __init__(self, upstream_port: int) -> None:
        if shutil.which("nginx") is None:
            raise RuntimeError("LOAD_PROXY=nginx needs nginx: apt-get install nginx")
        self.upstream_port = upstream_port
        self.http_port = free_port()
        self.https_port = free_port()
        # As root, nginx's workers run as nobody: they must reach the temporary files.
        self.directory = Path(tempfile.mkdtemp(prefix="brede_gesprek_nginx_"))
        self.directory.chmod(0o755)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @staticmethod
    def version() -> tuple[int, ...]:
        result = subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=True)
        return nginx_version(result.stderr or result.stdout)

    def write_files(self) -> Path:
        certs = self.directory / "certs"
        certs.mkdir()
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-keyout", str(certs / "privkey.pem"),
                "-out", str(certs / "fullchain.pem"),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.directory / "temp" / name).mkdir(parents=True)
            (self.directory / "temp" / name).chmod(0o777)
        (self.directory / "default.conf").write_text(
            site_conf(
                REPOSITORY_CONF.read_text(encoding="utf-8"),
                upstream_port=self.upstream_port,
                http_port=self.http_port,
                https_port=self.https_port,
                directory=self.directory,
                version=self.version(),
            ),
            encoding="utf-8",
        )
        main = self.directory / "nginx.conf"
        main.write_text(MAIN_CONF.format(directory=self.directory), encoding="utf-8")
        return main

    def start(self) -> None:
        main = self.write_files()
        self.process = subprocess.Popen(
            ["nginx", "-c", str(main), "-e", str(self.directory / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "nginx.log").open("ab"),
        )
        if wait_until_listening(self.https_port, self.process):
            return
        raise RuntimeError(f"nginx did not start; see {self.directory / 'error.log'}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


def app_environment(env: dict[str, str], proxy_url: str) -> dict[str, str]:
    """The app's settings behind the proxy: the compose file's, HTTPS on (production's
    default, which the load test's plain-http settings turn off), and the proxy's
    origin trusted for CSRF: nginx passes the host without its port, so a form posted
    from https://127.0.0.1:<port> would not match it (behind 443 in production it
    does)."""
    return {**env, **APP_SETTINGS, "HTTPS": "true", "CSRF_TRUSTED_ORIGINS": proxy_url}
