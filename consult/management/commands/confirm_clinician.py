from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from consult.audit import Visitor, audit_account
from consult.models import AuditAction, AuditEventType, User


class Command(BaseCommand):
    help = (
        "Confirm the first treating account of a practice, which has no treating colleague "
        "yet to confirm it in the application. Refused when the practice already has a "
        "confirmed treating account: then a colleague confirms it under Collega's bevestigen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None or not user.awaits_confirmation or not user.is_active:
            raise CommandError("No active treating account waiting for confirmation has it.")
        colleagues = User.objects.filter(
            practice_id=user.practice_id, is_active=True, confirmed_at__isnull=False
        ).exclude(pk=user.pk)
        if any(colleague.is_clinician for colleague in colleagues):
            raise CommandError(
                "The practice has a confirmed treating colleague: they confirm this account "
                "in the application (Collega's bevestigen)."
            )
        with transaction.atomic():
            user.confirmed_at = timezone.now()
            user.save(update_fields=["confirmed_at"])
            audit_account(
                actor=Visitor(None),
                event=AuditEventType.ACCOUNT,
                action=AuditAction.UPDATE,
                account=user,
                details={"confirmed": [False, True], "by": "confirm_clinician command"},
            )
        self.stdout.write(f"{user.email} is confirmed and can see the practice's patients.")
