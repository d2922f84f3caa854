"""Referrals from the plan to services on the sociale kaart, followed to their end.
Patient data, so here in the core; the service itself lives on the sociale kaart."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    PROPOSED = "voorgesteld", _("proposed")
    REFERRED = "verwezen", _("referred")
    ACCEPTED = "aangenomen", _("accepted")
    STARTED = "gestart", _("started")
    FINISHED = "afgerond", _("finished")
    DECLINED = "afgewezen", _("declined")


OPEN_STATUSES = (
    ReferralStatus.PROPOSED,
    ReferralStatus.REFERRED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.STARTED,
)

# Where a referral can go from each status.
NEXT_STATUSES = {
    ReferralStatus.PROPOSED: (ReferralStatus.REFERRED, ReferralStatus.DECLINED),
    ReferralStatus.REFERRED: (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED),
    ReferralStatus.ACCEPTED: (ReferralStatus.STARTED, ReferralStatus.DECLINED),
    ReferralStatus.STARTED: (ReferralStatus.FINISHED,),
    ReferralStatus.FINISHED: (),
    ReferralStatus.DECLINED: (),
}


class Referral(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey("consult.Plan", on_delete=models.CASCADE, related_name="referrals")
    # The plan's practice, copied in, so that the practice's referrals to follow up are
    # read from its own open referrals (bench/worklists.py).
    practice = models.ForeignKey(
        "consult.Practice",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the worklist's index starts with it
    )
    goal = models.ForeignKey(
        "consult.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    service = models.ForeignKey(
        "sociale_kaart.Service",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service"),
    )
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices)
    status_on = models.DateField(_("since"))
    feedback = models.CharField(
        _("feedback from the organisation"),
        max_length=500,
        blank=True,
        help_text=_("What the organisation let the practice know."),
    )
    created_by = models.ForeignKey("consult.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["practice", "status_on"],
                condition=Q(status__in=OPEN_STATUSES),
                name="referral_practice_open",
            )
        ]

    def __str__(self) -> str:
        return f"referral {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return NEXT_STATUSES[ReferralStatus(self.status)]


class ReferralEvent(models.Model):
    """Each step of a referral, with its date and note: the history to follow up on."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey("consult.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.status} {self.on}"
