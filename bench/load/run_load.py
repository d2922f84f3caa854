"""`make load`: the app as production runs it, under a realistic mix of users, in steps.

1. A PostgreSQL database of this run's own (brede_gesprek_load_<pid>, on
   LOAD_PG_SERVER, default postgres://postgres@127.0.0.1:5432), migrated and filled by
   seed.py: professionals with a consult under way (the four models in turn, or
   LOAD_MODELS), two printers, a practice manager, the demo's sociale kaart and
   LOAD_SERVICES (10,000) generated services.
2. gunicorn with the production settings (gunicorn.conf.py), DEBUG off, two-factor
   login required, plain http on 127.0.0.1.
3. Per step, a locust process of its own (bench/load/locustfile.py) with that many
   professionals plus 2 printers and 1 practice manager: they log in, warm up, and
   are measured for LOAD_SECONDS; then locust stops by itself.
4. The report, per step: throughput, median, p95 and p99 per endpoint, the errors
   (there must be none), the CPU of gunicorn, locust and the rest; and the knee: the
   most concurrent professionals at which the autosave's p95 stays under 100 ms. As
   JSON and markdown under bench/results/, named with the date and the machine; the
   summary is printed. Exits 1 when a request failed or a step gave no figures.

Environment (all optional):
  LOAD_STEPS=20,50,100,150,200  professionals per step
  LOAD_SECONDS=60               measured seconds per step
  LOAD_WARMUP=10                seconds after the last login before measuring
  LOAD_CONFIGS="sync:2 sync:3 gthread:2x4"  gunicorn configurations to compare
                                (class:workers[xthreads]); default gunicorn.conf.py's,
                                or LOAD_WORKER_CLASS / LOAD_WORKERS / LOAD_THREADS
  LOAD_MODELS=4d,spinnenweb,kop,emboss
                                the models of the professionals' consults, in turn
  LOAD_SERVICES=10000           generated services on the shared sociale kaart
  LOAD_PRINTERS=2               users printing plans (more: a busier printing hour)
  LOAD_PRINT_IN_WORKER=false    true: the app prints in a worker (PRINT_IN_WORKER on,
                                one `manage.py db_worker` process beside gunicorn)
  LOAD_POOLER=none              pgbouncer: the app connects as a role that owns nothing
                                through PgBouncer with docker/pgbouncer/pgbouncer.ini,
                                as in the compose file (needs pgbouncer installed)
  LOAD_NOTE="..."               a remark for the report (what else ran on the machine)
  LOAD_RESULTS=bench/results    where the reports go

Quick check: LOAD_STEPS=20 LOAD_SECONDS=10 LOAD_SERVICES=0 make load
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import machine, report  # noqa: E402
from bench.load.configs import (  # noqa: E402
    Config,
    configs_from,
    parse_flag,
    parse_pooler,
    parse_proxy,
    parse_steps,
)
from bench.load.consults import parse_models  # noqa: E402
from bench.load.database import (  # noqa: E402
    admin_execute,
    audit_growth,
    audit_size,
    drop_leftovers,
    reset_second_factor,
)
from bench.load.pooler import PgBouncer, drop_leftover_roles  # noqa: E402
from bench.load.ports import free_port  # noqa: E402
from bench.load.proxy import Nginx  # noqa: E402
from bench.load.proxy import app_environment as behind_proxy  # noqa: E402
from bench.load.servers import Gunicorn, PrintWorker, app_environment  # noqa: E402

HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locustfile.py"
PRINTERS, MANAGERS = 2, 1  # printers: LOAD_PRINTERS for a busier printing hour
LOGIN_WAIT_S = 120  # the locustfile's: how long the logins may take at most
DATABASE_DIRECT = "directly, as the database's owner (the superuser of LOAD_PG_SERVER)."
DATABASE_POOLED = (
    "through PgBouncer (docker/pgbouncer/pgbouncer.ini: transaction pooling, a pool of 20), "
    "as a role that owns nothing and has the rights of `manage.py grant_app_role`, with "
    "the compose file's settings for web and worker."
)
PROXY_NGINX = (
    "nginx with docker/nginx/default.conf (TLS with a certificate of the run's own, "
    "least_conn, proxy buffering), the app with the compose file's proxy settings "
    "(HTTPS, X-Forwarded-Proto and X-Forwarded-For from one proxy); nginx {version}."
)
THINK_TIME_NOTE = (
    "Think time between a user's requests: professionals 2-5 s (7 in 10 requests an "
    "autosave, 2 a step partial, 1 the workspace page), printers 5-10 s, the manager 2-5 s."
)


def log(text: str) -> None:
    print(text, flush=True)


# --- the processes ------------------------------------------------------------------------


def run_checked(command: list[str], env: dict[str, str], what: str, logfile: Path) -> None:
    started = time.monotonic()
    with logfile.open("a") as out:
        result = subprocess.run(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode != 0:
        raise RuntimeError(f"{what or command[1]} failed (exit {result.returncode}); see {logfile}")
    if what:
        log(f"{what}: {time.monotonic() - started:.0f} s")


def run_step(
    *,
    professionals: int,
    server: Gunicorn,
    host: str,
    accounts: Path,
    workdir: Path,
    seconds: float,
    warmup: float,
    database_url: str,
    printers: int = PRINTERS,
    print_in_worker: bool = False,
    other_pids: dict[str, int] | None = None,
) -> dict[str, Any]:
    users = professionals + printers + MANAGERS
    spawn_rate = max(10, professionals // 10)
    ramp = users / spawn_rate
    limit = int(ramp + LOGIN_WAIT_S + warmup + seconds + 60)
    stats_file = workdir / f"stats-{server.config.label.replace(':', '-')}-{professionals}.json"
    stats_file.unlink(missing_ok=True)
    assert server.process is not None
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LOAD_")},
        "LOAD_ACCOUNTS": str(accounts),
        "LOAD_STATS_OUT": str(stats_file),
        "LOAD_SECONDS": str(seconds),
        "LOAD_WARMUP": str(warmup),
        "LOAD_PROFESSIONALS": str(professionals),
        "LOAD_PRINTERS": str(printers),
        "LOAD_SERVER_PID": str(server.process.pid),
        "LOAD_OTHER_PIDS": json.dumps(other_pids or {}),
        "LOAD_DATABASE_URL": database_url,
        "LOAD_PRINT_IN_WORKER": "true" if print_in_worker else "false",
    }
    command = [
        sys.executable, "-m", "locust", "--locustfile", str(LOCUSTFILE), "--headless",
        "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{limit}s",
        "--host", host, "--only-summary", "--stop-timeout", "5",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    with (workdir / "locust.log").open("a") as out:
        out.write(f"\n=== {server.config.label}, {professionals} professionals ===\n")
        out.flush()
        subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=limit + 60,
            check=False,
        )
    if not stats_file.exists():
        raise RuntimeError(
            f"locust wrote no figures for {professionals} professionals; see {workdir / 'locust.log'}"
        )
    return json.loads(stats_file.read_text(encoding="utf-8"))


def step_line(config: Config, step: dict[str, Any]) -> str:
    autosave = report.endpoint(step, report.KNEE_ENDPOINT) or {}
    return (
        f"{config.label:>12} {step['professionals']:>4} professionals: "
        f"{step['total']['rps']:6.1f} req/s, autosave median {autosave.get('median_ms')} ms, "
        f"p95 {autosave.get('p95_ms')} ms, p99 {autosave.get('p99_ms')} ms; "
        f"errors {report.step_errors(step)}; CPU {step['cpu']}"
    )


def tree_state() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    changed = len([line for line in git("status", "--porcelain").splitlines() if line.strip()])
    return f"{commit}" + (f" with {changed} uncommitted changes" if changed else "")


def versions(server: str) -> dict[str, str]:
    found = {}
    for package in ("django", "gunicorn", "locust", "psycopg", "weasyprint"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    row = admin_execute(server, "SHOW server_version")
    found["postgresql"] = str(row[0]).split()[0] if row else "?"
    return found


def main() -> int:
    env = dict(os.environ)
    steps = parse_steps(env.get("LOAD_STEPS"))
    seconds = float(env.get("LOAD_SECONDS") or 60)
    warmup = float(env.get("LOAD_WARMUP") or 10)
    configs = configs_from(env)
    services = int(env.get("LOAD_SERVICES") or 10_000)
    printers = int(env.get("LOAD_PRINTERS") or PRINTERS)
    print_in_worker = parse_flag(env.get("LOAD_PRINT_IN_WORKER"))
    pooled = parse_pooler(env.get("LOAD_POOLER"))
    proxied = parse_proxy(env.get("LOAD_PROXY"))
    models = parse_models(env.get("LOAD_MODELS"))
    pg_server = (env.get("LOAD_PG_SERVER") or "postgres://postgres@127.0.0.1:5432").rstrip("/")
    results = Path(env.get("LOAD_RESULTS") or ROOT / "bench" / "results")
    database = f"brede_gesprek_load_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="brede_gesprek_load_"))
    started = datetime.now().astimezone()
    load_start = machine.load_average()
    log(
        f"Load test: steps {steps} professionals ({', '.join(models)}; +{printers} printers, "
        f"{MANAGERS} manager), "
        f"{seconds:.0f} s each after {warmup:.0f} s warm-up; gunicorn "
        f"{', '.join(c.label for c in configs)}"
        f"{', printing in a worker' if print_in_worker else ''}"
        f"{', through PgBouncer' if pooled else ''}"
        f"{', behind nginx' if proxied else ''}; logs in {workdir}"
    )
    drop_leftovers(pg_server)
    drop_leftover_roles(pg_server)
    admin_execute(pg_server, f'CREATE DATABASE "{database}"')
    ok = False
    gunicorn: Gunicorn | None = None
    worker: PrintWorker | None = None
    pooler: PgBouncer | None = None
    proxy: Nginx | None = None
    try:
        app_env = app_environment(f"{pg_server}/{database}", print_in_worker=print_in_worker)
        setup_log = workdir / "setup.log"
        run_checked(
            [sys.executable, "manage.py", "migrate", "--noinput"], app_env, "migrate", setup_log
        )
        accounts = workdir / "accounts.json"
        run_checked(
            [
                sys.executable, str(HERE / "seed.py"), "--professionals", str(max(steps)),
                "--printers", str(printers), "--managers", str(MANAGERS),
                "--services", str(services), "--models", ",".join(models),
                "--out", str(accounts),
            ],
            app_env,
            f"seed ({max(steps)} professionals, {services} services)",
            setup_log,
        )  # fmt: skip
        web_env = app_env  # gunicorn's and the print worker's; migrations and seeds: app_env
        if pooled:
            pooler = PgBouncer(pg_server, database)
            pooler.create_role()
            run_checked(
                [sys.executable, "manage.py", "grant_app_role", pooler.role],
                app_env,
                "grant_app_role",
                setup_log,
            )
            pooler.start()
            web_env = pooler.app_environment(app_env)
        # Each step runs every configuration in turn (the order rotating from step to
        # step), so a configuration is not favoured by a quiet quarter of an hour on a
        # shared machine: what else runs on it falls on all of them alike.
        by_config: dict[Config, list[dict[str, Any]]] = {config: [] for config in configs}
        for number, professionals in enumerate(steps):
            turn = number % len(configs)
            for config in configs[turn:] + configs[:turn]:
                reset_second_factor(pg_server, database)
                # What the last step typed is stored: the pages locust's users "see"
                # must show it, or every save would be a conflict.
                refresh = [
                    sys.executable,
                    str(HERE / "seed.py"),
                    "--refresh",
                    "--out",
                    str(accounts),
                ]
                run_checked(refresh, app_env, "", setup_log)
                port = free_port()
                proxy = Nginx(port) if proxied else None
                gunicorn = Gunicorn(
                    config,
                    behind_proxy(web_env, proxy.url) if proxy else web_env,
                    workdir / f"gunicorn-{config.label.replace(':', '-')}.log",
                    port,
                )
                before = audit_size(pg_server, database)
                gunicorn.start()
                others: dict[str, int] = {}
                if proxy is not None:
                    proxy.start()
                    assert proxy.process is not None
                    others["nginx"] = proxy.process.pid
                if pooler is not None and pooler.process is not None:
                    others["PgBouncer"] = pooler.process.pid
                if print_in_worker:
                    worker = PrintWorker(web_env, workdir / "db_worker.log")
                    worker.start()
                    assert worker.process is not None
                    others["print worker"] = worker.process.pid
                try:
                    step = run_step(
                        professionals=professionals,
                        server=gunicorn,
                        host=proxy.url if proxy else gunicorn.url,
                        other_pids=others,
                        accounts=accounts,
                        workdir=workdir,
                        seconds=seconds,
                        warmup=warmup,
                        database_url=f"{pg_server}/{database}",
                        printers=printers,
                        print_in_worker=print_in_worker,
                    )
                finally:
                    gunicorn.stop()
                    if worker is not None:
                        worker.stop()
                    if proxy is not None:
                        proxy.stop()
                step["audit"] = audit_growth(before, audit_size(pg_server, database), step)
                by_config[config].append(step)
                log(step_line(config, step))
        config_results = [
            {
                "worker_class": config.worker_class,
                "workers": config.workers,
                "threads": config.threads,
                "steps": config_steps,
                "knee": report.knee(config_steps),
            }
            for config, config_steps in by_config.items()
        ]
        finished = datetime.now().astimezone()
        result = {
            "started": started.isoformat(timespec="seconds"),
            "finished": finished.isoformat(timespec="seconds"),
            "machine": machine.describe(),
            "versions": versions(pg_server),
            "tree": tree_state(),
            "load_average_start": load_start,
            "load_average_end": machine.load_average(),
            "note": env.get("LOAD_NOTE", ""),
            "method": {
                "steps": steps,
                "seconds": seconds,
                "warmup": warmup,
                "printers": printers,
                "managers": MANAGERS,
                "services": services,
                "professionals_note": (
                    f"that many professionals walking consults ({', '.join(models)}, in turn) "
                    "with autosave,"
                ),
                "think_time_note": THINK_TIME_NOTE,
                "database": DATABASE_POOLED if pooled else DATABASE_DIRECT,
                "proxy": (
                    PROXY_NGINX.format(version=".".join(map(str, Nginx.version())))
                    if proxied
                    else report.PROXY_NONE
                ),
                "printing": (
                    report.PRINTING_IN_WORKER if print_in_worker else report.PRINTING_IN_REQUEST
                ),
                "knee": f"{report.KNEE_ENDPOINT} p95 < {report.KNEE_P95_MS:.0f} ms, no errors",
            },
            "configs": config_results,
        }
        json_path, md_path = report.write(result, results, started)
        log("")
        log(report.summary(result))
        log("")
        log(
            f"Report: {json_path.relative_to(ROOT) if json_path.is_relative_to(ROOT) else json_path}"
        )
        log(f"        {md_path.relative_to(ROOT) if md_path.is_relative_to(ROOT) else md_path}")
        errors = report.total_errors(result)
        if errors:
            log(f"FAILED: {errors} requests failed (see the report)")
        ok = errors == 0
        return 0 if ok else 1
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        if worker is not None:
            worker.stop()
        if proxy is not None:
            proxy.stop()
        if pooler is not None:
            pooler.stop()
            pooler.drop_role()
        admin_execute(pg_server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"Logs kept in {workdir}")


if __name__ == "__main__":
    sys.exit(main())
