"""NEN 7513: an audit trail that cannot be changed unseen. Every record is sealed into
a keyed hash chain after its transaction commits; `verify_audit` finds the first
broken link; on PostgreSQL the database refuses to change or remove a record."""

import os

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from consult.audit_chain import seal_pending, verify_chain
from consult.models import AuditEvent, AuditEventType
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger and roles are PostgreSQL's"
)


@pytest.fixture
def trail(huisarts_a, patient_a, django_capture_on_commit_callbacks):
    """Three reads of a patient, each sealed after its request, as in production."""
    client = client_for(huisarts_a)
    url = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.get(url, REMOTE_ADDR="10.1.2.3")
    return list(AuditEvent.objects.order_by("seq"))


def _raw(sql: str, params: list) -> None:
    """Tampering as someone with database access would: around the application."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As the table's owner could: switch the guard off (after the checks that
            # wait for the end of the test's transaction).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql.format(table=table), params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_every_record_carries_what_nen_7513_asks(trail, huisarts_a, patient_a):
    record = trail[-1]
    assert record.event == AuditEventType.RECORD
    assert record.action == "read"
    assert record.at is not None
    assert record.outcome == "allowed"
    assert (record.user, record.role) == (huisarts_a, "huisarts")
    assert record.patient_id == patient_a.public_id
    assert (record.object_type, record.object_id) == ("patient", str(patient_a.public_id))
    assert record.client_address == "10.1.2.3"
    assert record.application == "brede-gesprek"


def test_records_are_sealed_into_a_chain_after_commit(trail):
    assert [record.seq for record in trail][-3:] == [len(trail) - 2, len(trail) - 1, len(trail)]
    assert all(len(record.chain_hash) == 64 for record in trail)
    assert len({record.chain_hash for record in trail}) == len(trail)
    report = verify_chain()
    assert (report.broken_at, report.checked, report.unsealed) == (None, len(trail), 0)


def test_verify_audit_says_the_trail_is_intact(trail, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"intact: {len(trail)} record(s)" in out
    assert trail[-1].chain_hash in out


def test_verify_audit_finds_a_changed_record(trail):
    changed = trail[1]
    _raw("UPDATE {table} SET role = %s WHERE id = %s", ["beheerder", changed.pk])
    with pytest.raises(CommandError, match=f"BROKEN at record {changed.seq}"):
        call_command("verify_audit")
    assert verify_chain().checked == 1


def test_verify_audit_finds_a_removed_record(trail):
    _raw("DELETE FROM {table} WHERE id = %s", [trail[0].pk])
    report = verify_chain()
    assert report.broken_at == trail[1].seq
    assert "missing" in report.reason


def test_verify_audit_finds_a_record_recomputed_without_the_key(trail):
    """Someone who rewrites a record and its hash with a plain SHA-256 (not knowing the
    key) still breaks the chain."""
    import hashlib

    forged = hashlib.sha256(b"forged").hexdigest()
    _raw("UPDATE {table} SET chain_hash = %s WHERE id = %s", [forged, trail[2].pk])
    assert verify_chain().broken_at == trail[2].seq


def test_a_rolled_back_change_leaves_no_record_and_no_gap(huisarts_a, patient_a):
    from consult.access import Actor
    from consult.audit import audit_log
    from consult.models import AuditAction

    def fails_after_logging() -> None:
        with transaction.atomic():
            audit_log(actor=Actor(user=huisarts_a), action=AuditAction.READ, object_type="patient")
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fails_after_logging()
    audit_log(actor=Actor(user=huisarts_a), action=AuditAction.READ, object_type="patient")
    seal_pending()
    assert verify_chain().broken_at is None


def test_the_application_never_updates_or_deletes_records(trail):
    with pytest.raises(RuntimeError):
        AuditEvent.objects.filter(pk=trail[0].pk).update(role="x")
    with pytest.raises(RuntimeError):
        AuditEvent.objects.filter(pk=trail[0].pk).delete()


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET role = 'beheerder'",
        "UPDATE {table} SET seq = seq + 100",
        "DELETE FROM {table}",
    ],
)
def test_postgresql_refuses_to_change_a_record_whoever_asks(trail, statement):
    """Even a superuser (the tests connect as one) is refused by the trigger."""
    with pytest.raises(DatabaseError, match="cannot be changed or removed"):  # noqa: SIM117
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(table=AuditEvent._meta.db_table))
    assert verify_chain().broken_at is None


@pytest.fixture
def app_role(db):
    """A role like the application's in production: it owns nothing and has the rights
    `grant_app_role` gives it. Created inside the test's transaction, so it is gone
    afterwards."""
    role = f"bg_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    call_command("grant_app_role", role)
    return role


@postgres_only
@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("TRUNCATE {table}", "permission denied|cannot be changed"),
        ("DELETE FROM {table}", "permission denied|cannot be changed"),
        ("UPDATE {table} SET role = 'x'", "cannot be changed"),
        ("ALTER TABLE {table} DISABLE TRIGGER USER", "must be owner"),
        ("DROP TABLE {table}", "must be owner"),
    ],
)
def test_the_application_role_cannot_touch_the_trail(trail, app_role, statement, refusal):
    def as_the_app() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {app_role}")
            cursor.execute(statement.format(table=AuditEvent._meta.db_table))

    with pytest.raises(DatabaseError, match=refusal):
        as_the_app()
    assert verify_chain().broken_at is None


@postgres_only
def test_the_application_role_works_with_the_data_and_seals(app_role, huisarts_a, patient_a):
    from consult.access import Actor
    from consult.audit import audit_log
    from consult.models import AuditAction, Patient

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        patient_a.notes = "Gesprek gepland"
        patient_a.save(update_fields=["notes"])
        audit_log(actor=Actor(user=huisarts_a), action=AuditAction.UPDATE, object_type="patient")
        assert seal_pending() >= 1
    assert Patient.objects.get(pk=patient_a.pk).notes == "Gesprek gepland"
    assert verify_chain().broken_at is None


@postgres_only
def test_grant_app_role_refuses_a_role_that_owns_tables(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError):
        call_command("grant_app_role", owner)


def test_a_busy_process_seals_in_batches_and_waiting_records_are_sealed_later(
    huisarts_a, patient_a, django_capture_on_commit_callbacks, settings, monkeypatch
):
    """With an interval, the first change after it seals; the changes within it wait
    for the next sealing (or for `verify_audit --seal`) and then join the chain in order."""
    import consult.audit

    settings.AUDIT_SEAL_INTERVAL_SECONDS = 3600
    monkeypatch.setattr(consult.audit, "_last_seal", float("-inf"))
    client = client_for(huisarts_a)
    url = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.get(url)
    reads = AuditEvent.objects.filter(patient_id=patient_a.public_id).order_by("id")
    assert [record.seq is not None for record in reads] == [True, False, False]
    call_command("verify_audit", "--seal")
    assert all(record.seq is not None for record in reads.all())
    assert verify_chain().broken_at is None

    monkeypatch.setattr(consult.audit, "_last_seal", float("-inf"))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0


def test_seal_audit_seals_what_a_quiet_process_left(
    huisarts_a, patient_a, django_capture_on_commit_callbacks, settings, monkeypatch
):
    import io

    import consult.audit

    settings.AUDIT_SEAL_INTERVAL_SECONDS = 3600
    monkeypatch.setattr(consult.audit, "_last_seal", float("inf"))  # sealed just now
    client = client_for(huisarts_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("patient_detail", kwargs={"patient_id": patient_a.public_id}))
    waiting = AuditEvent.objects.filter(seq__isnull=True).count()
    assert waiting >= 1
    out = io.StringIO()
    call_command("seal_audit", stdout=out)
    assert f"Sealed {waiting} record(s)." in out.getvalue()
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0
    assert verify_chain().broken_at is None
