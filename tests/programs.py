"""Tests that run a program of the machine's own (nginx, PgBouncer, psql)."""

import os
import shutil

import pytest


def needs_program(name: str) -> pytest.MarkDecorator:
    """Skip the test where the program is not installed, except in CI (CI=true): there
    `make test` installs it first (make system-packages), and a skip would pass over a
    test that never ran, so the test runs and fails instead."""
    missing = shutil.which(name) is None and os.environ.get("CI") != "true"
    return pytest.mark.skipif(missing, reason=f"needs {name} (make system-packages installs it)")
