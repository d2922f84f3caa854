"""PRINT_IN_WORKER and TASKS: valid in both modes, from a fresh start of the project and
as the system check sees them; a worker setting without a worker's backend is refused."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from printing.checks import check_print_worker

ROOT = Path(__file__).resolve().parents[2]
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

PROBE = (
    "import django; django.setup();"
    "from django.conf import settings;"
    "from django.core.management import call_command;"
    "from django.tasks import task_backends; b = task_backends['default'];"
    "print(settings.PRINT_IN_WORKER, type(b).__module__ + '.' + type(b).__qualname__);"
    "call_command('check')"
)


def manage(*args: str, print_in_worker: str | None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PRINT_IN_WORKER"}
    if print_in_worker is not None:
        env["PRINT_IN_WORKER"] = print_in_worker
    env["DJANGO_SETTINGS_MODULE"] = "brede_gesprek.settings"
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "False django.tasks.backends.immediate.ImmediateBackend"),
        ("true", "True django_tasks_db.backend.DatabaseBackend"),
    ],
)
def test_the_setting_chooses_the_tasks_backend_and_the_project_checks_clean(value, expected):
    probe = manage("-c", PROBE, print_in_worker=value)
    assert probe.returncode == 0, probe.stdout + probe.stderr
    backend, check = probe.stdout.strip().split("\n", 1)
    assert backend == expected
    assert "no issues" in check


def test_a_value_that_is_no_yes_or_no_stops_the_start():
    result = manage("manage.py", "check", print_in_worker="soms")
    assert result.returncode != 0
    assert "PRINT_IN_WORKER must be true or false" in result.stderr


@pytest.mark.parametrize(
    ("print_in_worker", "tasks", "errors"),
    [
        (False, IMMEDIATE, []),
        (True, DATABASE, []),
        # The request renders itself; a queue set up beside it does no harm.
        (False, DATABASE, []),
        (True, IMMEDIATE, ["printing.E002"]),
        (False, {"default": {"BACKEND": "no.such.Backend"}}, ["printing.E001"]),
        (True, {"default": {**DATABASE["default"], "QUEUES": ["other"]}}, ["printing.E003"]),
    ],
)
def test_the_system_check_refuses_a_worker_setting_without_a_worker(print_in_worker, tasks, errors):
    with override_settings(PRINT_IN_WORKER=print_in_worker, TASKS=tasks):
        assert [message.id for message in check_print_worker()] == errors
