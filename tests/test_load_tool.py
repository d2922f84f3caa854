"""`make load`'s pieces that run in a second: the knee and the report from sample
figures, the machine's description, the steps and gunicorn configurations it reads
from the environment, and what its users send, sent through the real app with
Django's test client (a changed URL or form field fails here, not in the next load
run). No load is generated here: that is `make load`."""

import importlib.util
import io
import json
import os
import runpy
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.test import Client

from bench.load import machine, report, scenario
from bench.load.configs import (
    Config,
    configs_from,
    gunicorn_defaults,
    parse_config,
    parse_flag,
    parse_pooler,
    parse_proxy,
    parse_steps,
)
from consult.models import Consult
from tests.programs import needs_program

ROOT = Path(__file__).resolve().parents[1]
HAS_LOCUST = importlib.util.find_spec("locust") is not None


def figures(name: str, p95: float | None, requests: int = 100) -> dict[str, Any]:
    return {
        "name": name,
        "method": "POST",
        "requests": requests,
        "failures": 0,
        "rps": requests / 60,
        "median_ms": None if p95 is None else p95 / 2,
        "p95_ms": p95,
        "p99_ms": None if p95 is None else p95 * 1.5,
        "avg_ms": None,
        "max_ms": None,
    }


def step(professionals: int, autosave_p95: float | None, errors: int = 0) -> dict[str, Any]:
    endpoints = [figures("autosave", autosave_p95), figures("step partial: kop", 40.0, 30)]
    return {
        "professionals": professionals,
        "users": professionals + 3,
        "endpoints": endpoints,
        "total": figures("all requests", 80.0, 130),
        "errors": [],
        "errors_whole_run": errors,
        "exceptions": 0,
        "cpu": {
            "machine_busy_pct": 80.0,
            "server_pct": 50.0,
            "database_pct": 10.0,
            "loadgen_pct": 5.0,
            "rest_pct": 15.0,
        },
        "cores": 2,
        "load_average": [1.5, 1.0, 0.5],
    }


# --- the knee ---------------------------------------------------------------------------------


def test_knee_is_the_last_step_under_100_ms_before_the_first_miss() -> None:
    steps = [step(20, 25), step(50, 31), step(100, 64), step(150, 180), step(200, 950)]
    assert report.knee(steps) == 100


def test_knee_ignores_a_lucky_step_after_a_miss_and_the_order_of_the_steps() -> None:
    steps = [step(200, 90), step(100, 120), step(50, 30), step(20, 20)]
    assert report.knee(steps) == 50


def test_knee_needs_p95_strictly_under_the_limit() -> None:
    assert report.knee([step(20, 99.9), step(50, 100.0)]) == 20


def test_a_step_with_errors_is_past_the_knee_however_fast() -> None:
    assert report.knee([step(20, 10), step(50, 12, errors=1), step(100, 15)]) == 20
    # Errors during the logins and warm-up count as much as in the window.
    assert not report.step_passes(step(20, 10) | {"exceptions": 2})


def test_no_knee_when_the_first_step_misses_or_has_no_autosaves() -> None:
    assert report.knee([step(20, 150), step(50, 20)]) is None
    assert report.knee([step(20, None)]) is None
    assert report.knee([]) is None


def test_knee_text_says_when_every_step_passed() -> None:
    steps = [step(20, 20), step(50, 30)]
    assert report.knee_text({"steps": steps, "knee": 50}) == "50 or more (every step passed)"
    assert report.knee_text({"steps": steps, "knee": 20}) == "20"
    assert report.knee_text({"steps": steps, "knee": None}) == "below 20"


def test_yes_or_no_from_the_environment() -> None:
    assert [parse_flag(text) for text in ("true", " Yes", "1")] == [True] * 3
    assert [parse_flag(text) for text in (None, "", "false", "0", "no")] == [False] * 5


@pytest.mark.parametrize(
    ("parse", "name", "other"),
    [(parse_pooler, " PgBouncer ", "pgpool"), (parse_proxy, " NGINX ", "caddy")],
)
def test_the_pooler_and_the_proxy_from_the_environment(
    parse: Callable[[str | None], bool], name: str, other: str
) -> None:
    assert parse(None) is False
    assert parse("none") is False
    assert parse(name) is True
    with pytest.raises(ValueError, match=f"{name.strip().lower()} or none"):
        parse(other)


@needs_program("pgbouncer")
@pytest.mark.django_db(transaction=True)
def test_the_load_tests_app_connects_through_pgbouncer_as_a_role_that_owns_nothing() -> None:
    """LOAD_POOLER=pgbouncer: the repository's pgbouncer.ini in front of the database,
    the app's role given its rights by grant_app_role: it reads and writes the tables
    through the pooler and can drop none; afterwards the role is gone."""
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    from bench.load.pooler import PgBouncer, drop_leftover_roles

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    server = f"postgres://{settings['USER']}@{host}:{port}"
    pooler = PgBouncer(server, settings["NAME"])
    pooler.create_role()
    try:
        call_command("grant_app_role", pooler.role, stdout=io.StringIO())
        pooler.start()
        environment = pooler.app_environment({"DATABASE_URL": "elsewhere", "DEBUG": "false"})
        assert environment["DATABASE_URL"] == pooler.url
        assert environment["DB_DISABLE_SERVER_SIDE_CURSORS"] == "true"
        with psycopg.connect(pooler.url, autocommit=True) as app:
            app.execute(
                "INSERT INTO django_session (session_key, session_data, expire_date) "
                "VALUES ('via-de-pooler', '{}', now())"
            )
            keys = app.execute("SELECT session_key FROM django_session").fetchall()
            assert keys == [("via-de-pooler",)]
            assert app.execute("SELECT current_user").fetchone() == (pooler.role,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute("DROP TABLE django_session")
    finally:
        pooler.stop()
        pooler.drop_role()
    drop_leftover_roles(server)  # a role of a live process stays; this one is gone anyway
    with psycopg.connect(f"{server}/postgres") as admin:
        roles = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [pooler.role])
        assert roles.fetchone() is None


# --- the report --------------------------------------------------------------------------------


MACHINE = {
    "hostname": "vm",
    "cores": 2,
    "cpu_model": "AMD EPYC 7B13 64-Core Processor",
    "memory_gb": 23.5,
    "kernel": "6.1",
    "python": "3.13.0",
}


def sample_report() -> dict[str, Any]:
    sync2 = [step(20, 25), step(50, 40), step(100, 130, errors=3)]
    gthread = [step(20, 30), step(50, 140), step(100, 400)]
    return {
        "started": "2026-12-02T15:30:00+01:00",
        "finished": "2026-12-02T15:50:00+01:00",
        "machine": MACHINE,
        "versions": {"django": "6.1.3", "postgresql": "15.20"},
        "tree": "abc1234",
        "load_average_start": [1.0, 1.0, 1.0],
        "load_average_end": [2.0, 1.5, 1.2],
        "note": "",
        "method": {
            "steps": [20, 50, 100],
            "seconds": 60.0,
            "warmup": 10.0,
            "printers": 2,
            "managers": 1,
            "services": 10000,
            "professionals_note": "that many professionals,",
            "think_time_note": "Think time 2-5 s.",
            "knee": "autosave p95 < 100 ms, no errors",
        },
        "configs": [
            {
                "worker_class": "sync",
                "workers": 2,
                "threads": 1,
                "steps": sync2,
                "knee": report.knee(sync2),
            },
            {
                "worker_class": "gthread",
                "workers": 2,
                "threads": 4,
                "steps": gthread,
                "knee": report.knee(gthread),
            },
        ],
    }


def test_report_files_are_named_with_the_date_and_the_machine(tmp_path: Path) -> None:
    result = sample_report()
    json_path, md_path = report.write(result, tmp_path / "results", datetime(2026, 12, 2, 15, 30))
    assert json_path.name == "load-2026-12-02-1530-vm-2cores-amd-epyc-7b13-64-core-processor.json"
    assert md_path.name == json_path.name.replace(".json", ".md")
    assert json.loads(json_path.read_text(encoding="utf-8")) == result


def test_markdown_has_the_summary_and_every_endpoint_per_step() -> None:
    text = report.markdown(sample_report())
    assert "| sync, 2 workers | 50 | 25 ms | 40 ms | 130 ms | 3 |" in text
    assert "| gthread, 2 workers x 4 threads | 20 | 30 ms | 140 ms | 400 ms | 0 |" in text
    assert "### 100 professionals (103 users)" in text
    # endpoint, req/s, median, p95, p99, requests, failures
    assert "| autosave | 1.7 | 65 | 130 | 195 | 100 | 0 |" in text
    assert "| step partial: kop | 0.5 | 20 | 40 | 60 | 30 | 0 |" in text
    assert "(2 cores = 100%): 80.0% busy: gunicorn 50.0%, PostgreSQL 10.0%, locust 5.0%" in text


def test_markdown_gives_the_runs_note_when_there_is_one() -> None:
    assert "Note:" not in report.markdown(sample_report())
    noted = {**sample_report(), "note": "Steps past 200; nothing else ran."}
    assert "\nNote: Steps past 200; nothing else ran.\n" in report.markdown(noted)


def test_summary_and_total_errors() -> None:
    result = sample_report()
    text = report.summary(result)
    assert "sync, 2 workers" in text
    assert "gthread, 2 workers x 4 threads" in text
    assert "autosave 130" in text
    assert report.total_errors(result) == 3


def test_endpoints_are_listed_in_the_order_of_the_mix() -> None:
    names = ["kaart: list", "zzz", "step partial: emboss", "workspace page", "autosave"]
    names += ["step partial: 4d", "print plan (PDF)", "step partial: kop"]
    ordered = [e["name"] for e in report.sort_endpoints({"name": n} for n in names)]
    assert ordered == [
        "autosave",
        "step partial: 4d",
        "step partial: kop",
        "step partial: emboss",
        "workspace page",
        "print plan (PDF)",
        "kaart: list",
        "zzz",
    ]


# --- the machine ---------------------------------------------------------------------------


def test_cpu_model_and_memory_from_proc() -> None:
    cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD   EPYC 7B13\n"
    assert machine.cpu_model(cpuinfo) == "AMD EPYC 7B13"
    assert machine.cpu_model("processor : 0\n") == "unknown CPU"
    assert machine.memory_gb("MemTotal:       24641536 kB\nMemFree: 1 kB\n") == 23.5
    assert machine.machine_slug(MACHINE) == "vm-2cores-amd-epyc-7b13-64-core-processor"


def test_cpu_shares_of_a_sample_add_up() -> None:
    start = machine.CpuSample(10.0, 1.0, 5.0, busy=100.0, total=200.0)
    end = machine.CpuSample(60.0, 6.0, 15.0, busy=180.0, total=300.0)
    assert machine.cpu_shares(start, end) == {
        "machine_busy_pct": 80.0,
        "server_pct": 50.0,
        "database_pct": 10.0,
        "loadgen_pct": 5.0,
        "others_pct": {},
        "rest_pct": 15.0,
    }


def test_cpu_of_this_process_tree_is_measured() -> None:
    sample = machine.CpuSample.take(os.getpid())
    assert os.getpid() in machine.process_tree(os.getpid())
    assert sample.server > 0
    assert sample.total >= sample.busy > 0


def test_cpu_of_a_child_that_ended_between_the_samples_still_counts() -> None:
    """As a database backend that Django's reconnect replaced during the window: its
    time moves to the parent that reaped it, and the tree keeps counting it."""
    before = machine.tree_cpu_seconds(os.getpid())
    burn = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)  # ended and reaped
    assert machine.tree_cpu_seconds(os.getpid()) - before >= 0.5


def test_the_database_server_is_the_postgres_parent_of_a_backend() -> None:
    postgres = os.environ.get("DATABASE_URL", "")
    if not postgres.startswith("postgres"):
        pytest.skip("needs PostgreSQL on this machine (CI's second run)")
    with psycopg.connect(postgres) as connection:
        row = connection.execute("SELECT pg_backend_pid()").fetchone()
        assert row is not None
        backend = int(row[0])
        server = machine.parent_pid(backend)
        assert server is not None
        assert machine.command_name(server) == "postgres"
        assert backend in machine.process_tree(server)


# --- steps and configurations ---------------------------------------------------------------


def test_steps_from_the_environment() -> None:
    assert parse_steps(None) == [20, 50, 100, 150, 200]
    assert parse_steps("50, 20 20") == [20, 50]
    with pytest.raises(ValueError, match="positive"):
        parse_steps("0")


def test_gunicorn_configurations_from_the_environment() -> None:
    assert parse_config("sync:3") == Config("sync", 3, 1)
    assert parse_config("gthread:2x8") == Config("gthread", 2, 8)
    assert parse_config("gthread:2").threads == 4
    with pytest.raises(ValueError, match="sync:<workers>"):
        parse_config("gevent:2")
    assert configs_from({"LOAD_CONFIGS": "sync:2 gthread:2x4"}) == [
        Config("sync", 2, 1),
        Config("gthread", 2, 4),
    ]
    assert configs_from({"LOAD_WORKERS": "4"}) == [
        Config(gunicorn_defaults().worker_class, 4, gunicorn_defaults().threads)
    ]
    assert configs_from({}) == [gunicorn_defaults()]


def test_the_load_test_runs_what_gunicorn_conf_gives_production() -> None:
    """The default configuration of `make load` is gunicorn.conf.py's own, read the way
    gunicorn reads it in the container (no GUNICORN_* variables set)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(clean)
    try:
        values = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    default = gunicorn_defaults()
    assert (values["worker_class"], values["workers"], values["threads"]) == (
        default.worker_class,
        default.workers,
        default.threads,
    )
    assert values["bind"] == "0.0.0.0:8000"
    assert values["timeout"] == 60


# --- what the users send, through the real app ---------------------------------------------


def log_in(account: scenario.Account) -> Client:
    """The login as locustfile.py does it, with CSRF checks on."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(scenario.LOGIN_PATH)
    answer = client.post(
        scenario.LOGIN_PATH,
        scenario.login_form(account, scenario.csrf_from_html(page.content.decode())),
        follow=True,
    )
    assert 'name="token"' in answer.content.decode(), "the password was refused"
    answer = client.post(
        scenario.CODE_PATH,
        scenario.code_form(account, scenario.csrf_from_html(answer.content.decode())),
        follow=True,
    )
    assert answer.status_code == 200
    assert 'name="token"' not in answer.content.decode(), "the code was refused"
    return client


@pytest.mark.django_db
def test_seeded_users_walk_the_load_scenario_through_the_app() -> None:
    from bench.load.consults import MODELS
    from bench.load.seed import refresh, seed

    accounts = seed(professionals=len(MODELS), printers=1, managers=1)
    by_role = scenario.load_accounts_from_json(scenario.accounts_to_json(accounts))
    assert [len(by_role[role]) for role in ("professional", "printer", "manager")] == [4, 1, 1]

    # One professional per model, each typing in every field of theirs and walking
    # every step of their model.
    walked = []
    for professional in by_role["professional"]:
        client = log_in(professional)
        page = client.get(scenario.workspace_url(professional.consult))
        assert page.status_code == 200
        walked.append(Consult.objects.get(public_id=professional.consult).model_slug)
        assert professional.model == walked[-1]
        csrf = scenario.csrf_from_html(page.content.decode())
        assert professional.editables
        for number, editable in enumerate(professional.editables * 2):
            value = scenario.typed(editable.value, number, editable.max_length)
            answer = client.post(
                scenario.autosave_url(professional.consult, editable),
                scenario.autosave_form(editable, value),
                headers=scenario.autosave_headers(csrf),
            )
            assert answer.status_code == 200, (editable.kind, answer.content.decode())
            scenario.saved(editable, value)
        assert len(professional.steps) >= 4
        for slug in professional.steps:
            answer = client.get(
                scenario.step_url(professional.consult, slug), headers=scenario.STEP_SWAP
            )
            assert answer.status_code == 200, slug
            assert b"<html" not in answer.content, f"{slug}: the whole page, not the step"
    assert walked == list(MODELS)
    professional = by_role["professional"][0]

    # The next step's users start from what is stored: a save from there is no conflict.
    typed_here = {e.record_id: (e.version, e.value) for e in professional.editables}
    fresh = scenario.load_accounts_from_json(scenario.accounts_to_json(accounts))
    fresh_professional = fresh["professional"][0]
    refresh([fresh_professional])
    assert {e.record_id: (e.version, e.value) for e in fresh_professional.editables} == typed_here

    printer = by_role["printer"][0]
    answer = log_in(printer).get(scenario.plan_pdf_url(printer.consult))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"

    manager = by_role["manager"][0]
    client = log_in(manager)
    urls = [scenario.KAART_PATH, scenario.service_url(manager.services[0])]
    urls += [scenario.kaart_search_url(params) for params in scenario.KAART_SEARCHES.values()]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_totp_code_is_the_one_the_device_checks() -> None:
    from django_otp.oath import TOTP

    key = "3132333435363738393031323334353637383930"  # RFC 6238's test key
    assert scenario.totp_code(key, at=59) == "287082"
    assert TOTP(bytes.fromhex(key)).token() == int(scenario.totp_code(key))


def test_typing_grows_a_field_up_to_its_limit() -> None:
    assert scenario.typed("Hoofdpijn", 1, 300) == "Hoofdpijn ook"
    assert scenario.typed("x" * 299, 0, 300) == "en"


# --- locust itself (only where the load group is installed) -------------------------------


@pytest.mark.skipif(not HAS_LOCUST, reason="locust is in the load group: uv run --group load")
def test_locustfile_loads_and_has_the_mix() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "locust", "--locustfile", "bench/load/locustfile.py", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert {"Professional", "Printer", "Manager"} <= set(result.stdout.split())


@pytest.mark.skipif(not HAS_LOCUST, reason="locust is in the load group: uv run --group load")
def test_endpoint_figures_from_locusts_own_statistics() -> None:
    """In a process of its own: importing locust patches the standard library (gevent)."""
    code = (
        "import json; from locust.stats import RequestStats; "
        "from bench.load.report import endpoint_figures; s = RequestStats(); "
        "[s.log_request('POST', 'autosave', ms, 100) for ms in range(1, 101)]; "
        "s.log_error('POST', 'autosave', 'boom'); "
        "print(json.dumps(endpoint_figures(s.get('autosave', 'POST'), 20.0)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    got = json.loads(result.stdout)
    assert (got["requests"], got["failures"], got["rps"]) == (100, 1, 5.0)
    # Locust's percentile of 1..100 ms: the time that more than that share was faster than.
    assert (got["median_ms"], got["p95_ms"], got["p99_ms"], got["max_ms"]) == (51, 96, 100, 100)


# --- the proxy -----------------------------------------------------------------------------


def proxy_site(version: tuple[int, ...]) -> str:
    from bench.load.proxy import REPOSITORY_CONF, site_conf

    return site_conf(
        REPOSITORY_CONF.read_text(encoding="utf-8"),
        upstream_port=8123,
        http_port=8080,
        https_port=8443,
        directory=Path("/srv/nginx-run"),
        version=version,
    )


def test_the_load_tests_nginx_is_the_repositorys_pointed_at_the_steps_gunicorn() -> None:
    site = proxy_site((1, 28, 0))
    assert "server 127.0.0.1:8123 max_fails=3 fail_timeout=10s;" in site
    assert "listen 127.0.0.1:8443 ssl;" in site
    assert "listen 127.0.0.1:8080;" in site
    assert "ssl_certificate /srv/nginx-run/certs/fullchain.pem;" in site
    for gone in ("web:8000", "127.0.0.11", " resolve "):  # Docker's names and DNS
        assert gone not in site
    # What production gets is kept: least_conn, the forwarded headers, the buffering.
    for kept in ("least_conn;", "$proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme"):
        assert kept in site
    assert "http2 on;" in site
    assert "http2 on;" not in proxy_site((1, 22, 1)), "nginx 1.22 does not know `http2 on;`"


def test_the_load_tests_nginx_refuses_a_config_that_has_drifted() -> None:
    from bench.load.proxy import REPOSITORY_CONF, site_conf

    drifted = REPOSITORY_CONF.read_text(encoding="utf-8").replace("listen 443 ssl;", "listen 8443;")
    with pytest.raises(RuntimeError, match="listen 443 ssl"):
        site_conf(
            drifted,
            upstream_port=1,
            http_port=2,
            https_port=3,
            directory=Path("/srv/nginx-run"),
            version=(1, 28, 0),
        )


def test_nginx_version_from_its_own_words() -> None:
    from bench.load.proxy import nginx_version

    assert nginx_version("nginx version: nginx/1.22.1\n") == (1, 22, 1)
    with pytest.raises(RuntimeError):
        nginx_version("command not found")


def test_cpu_of_the_runs_other_processes_is_its_own_share_not_the_rest() -> None:
    start = machine.CpuSample(
        server=10.0, loadgen=1.0, database=0.0, busy=100.0, total=1000.0, others={"nginx": 2.0}
    )
    end = machine.CpuSample(
        server=30.0, loadgen=2.0, database=0.0, busy=160.0, total=1100.0, others={"nginx": 7.0}
    )
    shares = machine.cpu_shares(start, end)
    assert shares["others_pct"] == {"nginx": 5.0}
    assert shares["rest_pct"] == 60.0 - 20.0 - 1.0 - 5.0
    step_figures = {**step(20, 30.0), "cpu": shares}
    assert "locust 1.0%, nginx 5.0%, the rest (others on the machine) 34.0%." in report.cpu_line(
        step_figures
    )
