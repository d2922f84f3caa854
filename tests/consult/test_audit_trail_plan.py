"""The reviewer's trail reads only the events that concern its practice (PostgreSQL).

A database that serves a care group holds the trails of all its practices. Before
issue 14 the trail asked for its practice's patients in a subquery, which no index
could answer together with the other conditions: PostgreSQL read every event of every
practice in the period and filtered them (a week of 20 practices: 350 ms for the
trail's first page, a month's summary half a second). Here another practice writes
many events in the same period, and the plan of every query the trail and the month
summary run on the audit table is read: what they read of it must be of the order of
this practice's own events, not of the other's."""

import pytest
from django.db import connection
from django.utils import timezone

from consult.selectors.audit_review import filtered_events, month_summary
from tests.conftest import record_failed_login
from tests.factories import PatientFactory
from tests.query_plans import rows_read_from_table

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's"),
]

OURS = 300  # reads of this practice's patients by its own users
OTHERS = 30_000  # reads by the other practice of its own patients, in the same days


def add_reads(user, patients, count: int) -> None:
    """`count` allowed reads by `user` of `patients`, spread over the last five days."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO consult_auditevent (at, event, user_id, role, practice_id,
                patient_id, action, object_type, object_id, client_address, outcome,
                application, details, chain_hash)
            SELECT now() - (g %% 120) * interval '1 hour', 'record', %s, 'huisarts', %s,
                (%s::uuid[])[1 + g %% %s], 'read', 'consult', '', '127.0.0.1', 'allowed',
                'test', '{}', ''
            FROM generate_series(1, %s) g
            """,
            [user.pk, user.practice_id, [p.public_id for p in patients], len(patients), count],
        )


@pytest.fixture
def busy_region(practice_a, huisarts_a, practice_b, huisarts_b):
    ours = PatientFactory.create_batch(5, practice=practice_a)
    add_reads(huisarts_a, ours, OURS)
    add_reads(huisarts_b, PatientFactory.create_batch(5, practice=practice_b), OTHERS)
    record_failed_login(huisarts_a)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consult_auditevent")
    return practice_a


def test_the_trail_reads_only_its_own_practice_s_events(busy_region):
    today = timezone.localdate()

    def trail():
        events = filtered_events(busy_region.pk, start=today.replace(day=1), end=today)
        assert events.count() == OURS + 1
        assert len(events[:100]) == 100

    read = rows_read_from_table("consult_auditevent", trail)

    assert len(read) == 2
    for rows in read:
        assert 0 < rows <= 3 * (OURS + 1), read


def test_the_month_summary_reads_only_its_own_practice_s_events(busy_region):
    def summary():
        found = month_summary(busy_region.pk, timezone.localdate())
        assert (found.events, found.failed_logins) == (OURS + 1, 1)

    read = rows_read_from_table("consult_auditevent", summary)

    assert len(read) == 1
    assert 0 < read[0] <= 3 * (OURS + 1), read
