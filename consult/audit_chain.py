"""The hash chain of the audit trail. Every record, once its transaction has committed,
gets the next place in the chain (`seq`) and a keyed hash (HMAC-SHA256) over its own
fields and the hash of the record before it. Changing, removing or inserting a record
behind the application's back breaks the chain from that record on, and
`python manage.py verify_audit` reports the first broken link.

Records are sealed after commit, in a short transaction of their own, rather than in
the transaction that wrote them: the chain needs one writer at a time, and holding
that lock for the length of every audited change would make concurrent changes wait
on each other, or deadlock on the rows they lock."""

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from consult.models import AuditEvent

# pg_advisory_xact_lock key: one sealer at a time across all processes.
_SEAL_LOCK = 7513_0001
GENESIS = "0" * 64
_FIELDS = (
    "id",
    "at",
    "event",
    "user_id",
    "role",
    "practice_id",
    "patient_id",
    "action",
    "object_type",
    "object_id",
    "client_address",
    "outcome",
    "application",
    "details",
)


def _key() -> bytes:
    if settings.AUDIT_CHAIN_KEY:
        return settings.AUDIT_CHAIN_KEY.encode()
    return salted_hmac("brede-gesprek.audit-chain", "key", algorithm="sha256").digest()


def record_hash(previous: str, seq: int, record: AuditEvent) -> str:
    values = [seq, *(getattr(record, name) for name in _FIELDS)]
    values[_FIELDS.index("at") + 1] = record.at.isoformat()
    canonical = json.dumps(
        [previous, *values], default=str, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hmac.new(_key(), canonical.encode(), hashlib.sha256).hexdigest()


def seal_pending() -> int:
    """Chain every record not yet in the chain, oldest first; the number sealed."""
    if not AuditEvent.objects.filter(seq__isnull=True).exists():
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK])
        last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
        seq, previous = (last.seq or 0, last.chain_hash) if last else (0, GENESIS)
        pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id"))
        rows = []
        for record in pending:
            seq += 1
            previous = record_hash(previous, seq, record)
            rows.append((seq, previous, record.pk))
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            # The only change the database allows to an audit row: giving it its place
            # in the chain, once.
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, chain_hash = %s WHERE id = %s AND seq IS NULL",  # noqa: S608
                rows,
            )
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    unsealed: int
    broken_at: int | None
    reason: str
    last_hash: str


def verify_chain() -> ChainReport:
    """Walk the chain from the start; the first record whose place or hash is not what
    the records before it say. Streams, so a trail of millions fits in memory."""
    expected_seq, previous, checked = 1, GENESIS, 0
    for record in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(2000):
        if record.seq != expected_seq:
            return ChainReport(
                checked,
                _unsealed(),
                record.seq,
                f"record {expected_seq} is missing (next is {record.seq})",
                previous,
            )
        if not hmac.compare_digest(record_hash(previous, expected_seq, record), record.chain_hash):
            return ChainReport(
                checked,
                _unsealed(),
                record.seq,
                f"record {record.seq} (id {record.pk}) was changed, or the one before it",
                previous,
            )
        previous = record.chain_hash
        expected_seq += 1
        checked += 1
    return ChainReport(checked, _unsealed(), None, "", previous)


def _unsealed() -> int:
    return AuditEvent.objects.filter(seq__isnull=True).count()
