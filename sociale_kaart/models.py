"""The sociale kaart: the local services professionals refer to. No patient data here.

A map (ServiceMap) is either shared by a care group for several practices, or one
practice's own additions; a practice sees the services of both.
"""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sociale_kaart.themes import ThemeSlug
from sociale_kaart.validators import validate_areas, validate_postcode, validate_service_phone

STALE_AFTER = timedelta(days=365)


class Theme(models.Model):
    """One row per theme of the shared vocabulary; the label comes from the code (so it
    is translated), the row exists so goals and services can point at it."""

    slug = models.SlugField(max_length=40, unique=True, choices=ThemeSlug.choices)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return str(ThemeSlug(self.slug).label)


class ServiceMap(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    is_shared = models.BooleanField(
        _("shared by a care group"),
        default=False,
        help_text=_(
            "Shared maps serve several practices; the others hold one practice's own additions."
        ),
    )

    class Meta:
        ordering = ["-is_shared", "name"]

    def __str__(self) -> str:
        return self.name


class Costs(models.TextChoices):
    FREE = "gratis", _("free")
    INSURED = "verzekerd", _("covered by basic health insurance")
    CONTRIBUTION = "eigen-bijdrage", _("own contribution")
    PAID = "betaald", _("paid")


class Referral(models.TextChoices):
    NONE = "geen", _("no referral needed: people can sign up themselves")
    GP = "huisarts", _("referral by the GP needed")
    OTHER = "anders", _("referral by someone else needed (see how to apply)")


# The same in a few words, for a column of the search results (the service's page and the
# filter keep the whole sentence).
REFERRAL_SHORT = {
    Referral.NONE: _("sign up yourself"),
    Referral.GP: _("GP's referral"),
    Referral.OTHER: _("referral by someone else"),
}


class ServiceQuerySet(models.QuerySet["Service"]):
    def in_maps(self, map_ids: list[int]) -> "ServiceQuerySet":
        return self.filter(service_map_id__in=map_ids)

    def active(self) -> "ServiceQuerySet":
        return self.filter(is_active=True)

    def stale(self, today: date | None = None) -> "ServiceQuerySet":
        today = today or timezone.localdate()
        return self.filter(
            Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=today - STALE_AFTER)
        )

    def for_age(self, age: int) -> "ServiceQuerySet":
        """Services whose age range (either end may be open) includes this age."""
        return self.filter(
            Q(age_min__isnull=True) | Q(age_min__lte=age),
            Q(age_max__isnull=True) | Q(age_max__gte=age),
        )

    def covering(self, postcode_number: int) -> "ServiceQuerySet":
        """Services that serve everyone in the region, or this four-digit postcode. An
        EXISTS, not a join: no service comes twice, so no DISTINCT is needed (which
        would sort every row found on all its columns)."""
        return self.filter(
            Q(serves_whole_region=True)
            | Exists(
                ServiceArea.objects.filter(
                    service=OuterRef("pk"),
                    postcode_from__lte=postcode_number,
                    postcode_to__gte=postcode_number,
                )
            )
        )


class Service(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_map = models.ForeignKey(
        ServiceMap,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("map"),
        db_index=False,  # leads the (service_map, is_active, name) index
    )
    external_id = models.CharField(
        _("import key"),
        max_length=60,
        blank=True,
        help_text=_(
            "A stable key from the source of an import, so importing again updates instead of adding."
        ),
    )
    name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    description = models.TextField(
        _("description in plain language"),
        max_length=1000,
        help_text=_("Short sentences, everyday words (B1): what the service does and for whom."),
    )
    themes = models.ManyToManyField(Theme, related_name="services", verbose_name=_("themes"))
    target_group = models.CharField(_("target group"), max_length=200, blank=True)
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    serves_whole_region = models.BooleanField(
        _("serves the whole region"),
        default=False,
        help_text=_("Everyone can go, wherever they live."),
    )
    area_postcodes = models.CharField(
        _("postcode areas served"),
        max_length=300,
        blank=True,
        help_text=_(
            "Four-digit postcodes or ranges, separated by commas, for example: 9990-9999, 9801."
        ),
        validators=[validate_areas],
    )
    neighbourhoods = models.CharField(_("neighbourhoods"), max_length=300, blank=True)
    costs = models.CharField(_("costs"), max_length=20, choices=Costs.choices, default=Costs.FREE)
    costs_note = models.CharField(_("about the costs"), max_length=200, blank=True)
    referral = models.CharField(
        _("referral"), max_length=20, choices=Referral.choices, default=Referral.NONE
    )
    how_to_apply = models.CharField(_("how to apply"), max_length=500, blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_service_phone]
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    street_address = models.CharField(_("street and number"), max_length=120, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("city"), max_length=80, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL keeps the Dutch full-text vector here (see search.py); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL also keeps a column theme_ids (integer[], with a GIN index) that the ORM
    # does not know: the ids of the service's themes, for the search's theme filter,
    # written with the vector (migration 0009_service_theme_ids).

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_map", "external_id"],
                condition=~Q(external_id=""),
                name="service_external_id_unique_per_map",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=models.F("age_max")),
                name="service_age_range",
            ),
        ]
        indexes = [
            models.Index(fields=["service_map", "is_active", "name"]),
            # A search for free services: on PostgreSQL intersected with the theme's and
            # the words' GIN indexes, so only services passing all three are fetched.
            models.Index(fields=["costs"], name="service_costs"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_stale(self) -> bool:
        return self.is_stale_on(timezone.localdate())

    def is_stale_on(self, today: date) -> bool:
        return self.last_checked_on is None or self.last_checked_on < today - STALE_AFTER


class ServiceArea(models.Model):
    """One range of four-digit postcodes a service covers, for fast area filtering."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="areas")
    postcode_from = models.PositiveSmallIntegerField()
    postcode_to = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["postcode_from", "postcode_to"])]

    def __str__(self) -> str:
        return f"{self.postcode_from}-{self.postcode_to}"


class SearchTerm(models.Model):
    """A word that occurs in a map's services, as the Dutch full-text search keeps it
    (a lexeme: "schulden" is kept as "schuld"). PostgreSQL looks up close spellings of
    a search's words here ("schuldn" finds "schuld"), then finds the services through
    the full-text index. Filled by services.refresh_search_vectors; a word that no
    service uses any more only costs a row. Unused on SQLite."""

    service_map = models.ForeignKey(
        ServiceMap,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # leads search_term_unique_per_map
    )
    term = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_map", "term"], name="search_term_unique_per_map"
            )
        ]

    def __str__(self) -> str:
        return self.term


class ServiceRevision(models.Model):
    """What a service looked like after each change, and who made it."""

    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="revisions",
        db_index=False,  # leads service_revision_number_unique
    )
    number = models.PositiveIntegerField()
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    change = models.CharField(max_length=20)
    data = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "number"], name="service_revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} r{self.number}"


# The import job lives in its own module; importing it here registers the model.
from sociale_kaart.csv_models import ImportJob  # noqa: E402, F401
