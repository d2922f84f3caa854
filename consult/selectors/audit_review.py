"""What the practice's appointed reviewer sees of the audit trail (NEN 7513 asks that
someone looks): the events that concern the practice, filtered, and a summary per
month that points at what deserves a closer look."""

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from consult.models import (
    AuditAction,
    AuditEvent,
    AuditEventType,
    AuditOutcome,
    Consult,
    ErasureRecord,
    Patient,
    User,
)

# A user who read at least this many different patients in a month, and more than
# UNUSUAL_FACTOR times the median of the colleagues who read records, is unusual.
UNUSUAL_MINIMUM = 30
UNUSUAL_FACTOR = 3


def practice_events(practice_id: int) -> QuerySet[AuditEvent]:
    """Everything that concerns the practice: what its users did, what anyone tried
    with its patients (a user of another practice, refused), and the events of its
    accounts (a failed login has no user yet).

    The patients and accounts are read first and named in the query, not asked in a
    subquery: then each of the three conditions has an index of its own, with the
    time, and PostgreSQL combines the three (a bitmap OR). With subqueries it could
    not, and read every event of every practice in the period instead (a database
    that serves a care group holds the trails of all its practices)."""
    patients = list(
        Patient.objects.filter(practice_id=practice_id)
        .order_by()
        .values_list("public_id", flat=True)
        .union(
            ErasureRecord.objects.filter(practice_id=practice_id)
            .order_by()
            .values_list("patient_public_id", flat=True)
        )
        .order_by()
    )
    accounts = [
        str(public_id)
        for public_id in User.objects.filter(practice_id=practice_id).values_list(
            "public_id", flat=True
        )
    ]
    return AuditEvent.objects.filter(
        Q(practice_id=practice_id)
        | Q(patient_id__in=patients)
        | Q(object_type="user", object_id__in=accounts)
    )


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def filtered_events(
    practice_id: int,
    *,
    start: date,
    end: date,
    patient_id: UUID | None = None,
    user_id: int | None = None,
    event: str = "",
    outcome: str = "",
) -> QuerySet[AuditEvent]:
    since, until = _bounds(start, end)
    events = practice_events(practice_id).filter(at__gte=since, at__lt=until)
    if patient_id is not None:
        events = events.filter(patient_id=patient_id)
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if event:
        events = events.filter(event=event)
    if outcome:
        events = events.filter(outcome=outcome)
    return events.select_related("user").order_by("-at", "-id")


def patient_names(events: list[AuditEvent], practice_id: int) -> dict[UUID, Patient]:
    ids = {e.patient_id for e in events if e.patient_id is not None}
    return {
        p.public_id: p for p in Patient.objects.filter(practice_id=practice_id, public_id__in=ids)
    }


def erased_references(events: list[AuditEvent], practice_id: int) -> dict[UUID, str]:
    """For records that were erased: the reference on the erasure's receipt (the start
    of the keyed hash of the HIS number), never the person."""
    ids = {e.patient_id for e in events if e.patient_id is not None}
    return {
        public_id: digest[:12]
        for public_id, digest in ErasureRecord.objects.filter(
            practice_id=practice_id, patient_public_id__in=ids
        ).values_list("patient_public_id", "his_number_hash")
    }


@dataclass
class UserMonth:
    user: User | None
    reads: int = 0
    patients_read: int = 0
    outside_own_consults: int = 0
    refusals: int = 0
    failed_logins: int = 0
    unusual: bool = False


@dataclass
class MonthSummary:
    month: date
    events: int
    refusals: int
    failed_logins: int
    lockouts: int
    erasures: int
    exports: int
    per_user: list[UserMonth] = field(default_factory=list)

    @property
    def attention(self) -> list[UserMonth]:
        return [
            row for row in self.per_user if row.unusual or row.outside_own_consults or row.refusals
        ]


def month_summary(practice_id: int, month: date) -> MonthSummary:
    """Per user: records read, different patients, patients read without a consult of
    their own with them, refusals, failed logins; and who read unusually many."""
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    since, until = _bounds(first, last)
    failed_login = Q(event=AuditEventType.LOGIN) & ~Q(outcome=AuditOutcome.ALLOWED)
    # Counted in the database, per kind of event and patient: a month of a busy
    # practice is tens of thousands of events, and each autosave is one of them. The
    # account a failed login tried is kept apart; other objects do not matter here.
    events = practice_events(practice_id)
    with _memory_for_grouping():
        groups = list(
            events.filter(at__gte=since, at__lt=until)
            .order_by()
            .values_list("user_id", "event", "action", "outcome", "patient_id")
            .annotate(
                account=Case(When(failed_login, then="object_id"), default=Value("")),
                n=Count("id"),
            )
        )
    # The practice's own users, and those of elsewhere who tried its patients.
    users = {
        u.pk: u
        for u in User.objects.filter(
            Q(practice_id=practice_id) | Q(pk__in={g[0] for g in groups if g[0]})
        )
    }
    by_public_id = {str(u.public_id): u.pk for u in users.values() if u.practice_id == practice_id}
    own: dict[int | None, set[UUID]] = defaultdict(set)
    for started_by, patient in Consult.objects.filter(
        practice_id=practice_id, started_at__lt=until
    ).values_list("started_by_id", "patient__public_id"):
        own[started_by].add(patient)
    rows: dict[int | None, UserMonth] = {}
    read_patients: dict[int | None, set[UUID]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for user_id, event, action, outcome, patient_id, account, n in groups:
        counts["events"] += n
        if event == AuditEventType.LOGIN and outcome != AuditOutcome.ALLOWED:
            counts["failed_logins"] += n
            owner = by_public_id.get(account)
            _row(rows, owner, users).failed_logins += n
            continue
        counts["lockouts"] += n * (event == AuditEventType.LOCKOUT)
        counts["erasures"] += n * (event == AuditEventType.ERASURE)
        counts["exports"] += n * (action in (AuditAction.EXPORT, AuditAction.PRINT))
        row = _row(rows, user_id, users)
        if outcome == AuditOutcome.REFUSED:
            counts["refusals"] += n
            row.refusals += n
        elif event == AuditEventType.RECORD and action == AuditAction.READ and patient_id:
            row.reads += n
            read_patients[user_id].add(patient_id)
    for reader, patients in read_patients.items():
        row = rows[reader]
        row.patients_read = len(patients)
        row.outside_own_consults = len(patients - own.get(reader, set()))
    readers = [row for row in rows.values() if row.patients_read]
    for row in readers:
        # Compared with the colleagues who read records too (not with itself).
        others = [other.patients_read for other in readers if other is not row]
        row.unusual = (
            bool(others)
            and row.patients_read >= UNUSUAL_MINIMUM
            and row.patients_read > UNUSUAL_FACTOR * statistics.median(others)
        )
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            not r.unusual,
            -r.refusals,
            -r.patients_read,
            str(r.user or ""),
            r.user.pk if r.user else 0,
        ),
    )
    return MonthSummary(
        month=first,
        events=counts["events"],
        refusals=counts["refusals"],
        failed_logins=counts["failed_logins"],
        lockouts=counts["lockouts"],
        erasures=counts["erasures"],
        exports=counts["exports"],
        per_user=ordered,
    )


@contextmanager
def _memory_for_grouping() -> Iterator[None]:
    """PostgreSQL: room to group a month of a busy practice's events in memory, for
    this transaction only (a report a reviewer asks for now and then). With the
    default 4 MB it sorted them on disk: 55,000 events took 95 ms, 37 ms with room."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def _row(
    rows: dict[int | None, UserMonth], user_id: int | None, users: dict[int, User]
) -> UserMonth:
    if user_id not in rows:
        rows[user_id] = UserMonth(user=users.get(user_id) if user_id else None)
    return rows[user_id]
