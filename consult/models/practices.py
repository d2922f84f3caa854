import uuid
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sociale_kaart.models import ServiceMap
from sociale_kaart.validators import validate_phone, validate_postcode


class Practice(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    agb_code = models.CharField(
        _("AGB code"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("An AGB code has exactly 8 digits."))],
    )
    street_address = models.CharField(_("street and number"), max_length=120, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("city"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    shared_map = models.ForeignKey(
        "sociale_kaart.ServiceMap",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("shared sociale kaart"),
        help_text=_("The map the care group keeps for its practices."),
    )
    own_map = models.OneToOneField(
        "sociale_kaart.ServiceMap",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owner_practice",
        editable=False,
    )

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every practice has its own map for local additions to the shared one."""
        if self.own_map_id is None:
            self.own_map = ServiceMap.objects.create(name=f"{self.name}: eigen aanvullingen")
        super().save(*args, **kwargs)
