"""What the load test reads from its environment: the steps (LOAD_STEPS), the gunicorn
configurations it compares (LOAD_CONFIGS, LOAD_WORKER_CLASS, LOAD_WORKERS,
LOAD_THREADS, else gunicorn.conf.py's defaults), the pooler (LOAD_POOLER), the proxy
(LOAD_PROXY) and yes/no
settings such as LOAD_PRINT_IN_WORKER."""

import runpy
from dataclasses import dataclass
from pathlib import Path

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
DEFAULT_STEPS = (20, 50, 100, 150, 200)


@dataclass(frozen=True)
class Config:
    worker_class: str
    workers: int
    threads: int = 1

    @property
    def label(self) -> str:
        threads = f"x{self.threads}" if self.worker_class == "gthread" else ""
        return f"{self.worker_class}:{self.workers}{threads}"

    def environment(self) -> dict[str, str]:
        return {
            "GUNICORN_WORKER_CLASS": self.worker_class,
            "GUNICORN_WORKERS": str(self.workers),
            "GUNICORN_THREADS": str(self.threads),
        }


def parse_steps(text: str | None) -> list[int]:
    if not text or not text.strip():
        return list(DEFAULT_STEPS)
    steps = sorted({int(part) for part in text.replace(",", " ").split()})
    if not steps or steps[0] < 1:
        raise ValueError(f"LOAD_STEPS must be positive numbers of professionals: {text!r}")
    return steps


def parse_config(text: str) -> Config:
    """ "sync:3", "gthread:2x4" (2 workers of 4 threads)."""
    worker_class, _, size = text.strip().partition(":")
    if worker_class not in ("sync", "gthread") or not size:
        raise ValueError(
            f"a configuration is sync:<workers> or gthread:<workers>x<threads>: {text!r}"
        )
    workers, _, threads = size.partition("x")
    return Config(
        worker_class, int(workers), int(threads or (4 if worker_class == "gthread" else 1))
    )


def gunicorn_defaults() -> Config:
    values = runpy.run_path(str(GUNICORN_CONF))
    return Config(
        values["DEFAULT_WORKER_CLASS"], values["DEFAULT_WORKERS"], values["DEFAULT_THREADS"]
    )


def configs_from(env: dict[str, str]) -> list[Config]:
    if env.get("LOAD_CONFIGS", "").strip():
        return [parse_config(part) for part in env["LOAD_CONFIGS"].replace(",", " ").split()]
    default = gunicorn_defaults()
    if any(env.get(name) for name in ("LOAD_WORKER_CLASS", "LOAD_WORKERS", "LOAD_THREADS")):
        worker_class = env.get("LOAD_WORKER_CLASS") or default.worker_class
        threads = int(env.get("LOAD_THREADS") or (4 if worker_class == "gthread" else 1))
        return [Config(worker_class, int(env.get("LOAD_WORKERS") or default.workers), threads)]
    return [default]


def parse_pooler(text: str | None) -> bool:
    """LOAD_POOLER: "pgbouncer" (True), or none (False, the default)."""
    return _this_or_none("LOAD_POOLER", "pgbouncer", text)


def parse_proxy(text: str | None) -> bool:
    """LOAD_PROXY: "nginx" (True), or none (False, the default)."""
    return _this_or_none("LOAD_PROXY", "nginx", text)


def _this_or_none(variable: str, name: str, text: str | None) -> bool:
    value = (text or "").strip().lower()
    if value not in ("", "none", name):
        raise ValueError(f"{variable} is {name} or none: {text!r}")
    return value == name


def parse_flag(text: str | None) -> bool:
    """A yes/no setting such as LOAD_PRINT_IN_WORKER: on for 1, true or yes."""
    return (text or "").strip().lower() in ("1", "true", "yes")
