"""Issue 14.3: the planner has statistics after loading data, whatever autovacuum did."""

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's"),
]


def planner_rows(table: str) -> float:
    """What the planner believes the table holds: -1 until it was first analysed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


def test_seed_demo_leaves_fresh_statistics(settings):
    settings.DEBUG = True
    with connection.cursor() as cursor:
        # As a database freshly loaded without autovacuum: no statistics at all.
        cursor.execute("SELECT count(*) FROM consult_patient")
    call_command("seed_demo")
    from consult.models import Patient

    assert planner_rows("consult_patient") == Patient.objects.count() > 0


def test_migrate_ends_with_analyze(monkeypatch):
    calls = []
    monkeypatch.setattr("consult.statistics.analyze", lambda using="default": calls.append(using))
    call_command("migrate", "consult", verbosity=0)
    assert calls == ["default"]


def test_the_csv_import_leaves_fresh_statistics(manager_a):
    from sociale_kaart.csv_io.importing import import_csv
    from sociale_kaart.models import Service
    from tests.sociale_kaart.test_csv import make_csv, service_row

    own = manager_a.practice.own_map
    rows = [service_row(sleutel=f"dienst-{n}", naam=f"Schuldhulp {n}") for n in range(40)]
    before = planner_rows("sociale_kaart_service")
    summary = import_csv(make_csv(rows).decode(), own, user=manager_a)
    assert summary.created == 40
    assert planner_rows("sociale_kaart_service") == Service.objects.count() != before
