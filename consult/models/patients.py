import uuid
from datetime import date, datetime

from django.core.validators import MaxValueValidator
from django.db import connection, models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sociale_kaart.validators import validate_phone, validate_postcode


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")
    TURKISH = "tr", _("Turkish")
    ARABIC = "ar", _("Arabic")
    TARIFIT = "rif", _("Tarifit (Berber)")
    POLISH = "pl", _("Polish")
    UKRAINIAN = "uk", _("Ukrainian")
    PAPIAMENTO = "pap", _("Papiamento")
    SRANAN = "srn", _("Sranan Tongo")
    OTHER = "other", _("Other language")


class SearchText(models.Func):
    """What the search reads of a patient, in upper case: the practice's number, then
    the names, "17 ANNA DE VRIES". A word of a search matches part of the names.
    PostgreSQL keeps this text in a trigram index (migration
    0014_patient_search_indexes holds this very expression, and the test of the
    search's plan fails when a search does not use it); the practice's number at the
    start lets one index lookup find the patients of that name in that practice alone,
    among every practice's in a care group's database."""

    arg_joiner = " || ' ' || "
    template = "UPPER((%(expressions)s))"
    output_field = models.TextField()

    def __init__(self) -> None:
        practice = Cast("practice", output_field=models.TextField())
        super().__init__(practice, "first_name", "name_prefix", "last_name")


class Like(models.Func):
    """`text LIKE pattern`, the pattern's own % as wildcards and \\ as their escape."""

    arg_joiner = " LIKE "
    template = "%(expressions)s ESCAPE '\\'"
    output_field = models.BooleanField()


class PatientQuerySet(models.QuerySet["Patient"]):
    def for_practice(self, practice_id: int) -> "PatientQuerySet":
        return self.filter(practice_id=practice_id)

    def search(self, query: str, *, practice_id: int) -> "PatientQuerySet":
        """The practice's patients that the query finds: by date of birth (when the
        query is a date), or else by every word matching a part of the names or the
        whole HIS number."""
        practice = self.for_practice(practice_id)
        born = parse_dutch_date(query)
        if born is not None:
            return practice.filter(Q(date_of_birth=born) | Q(his_number__iexact=query.strip()))
        condition = Q()
        for word in query.split():  # no word holds a space: it matches within one name
            # Upper case on both sides, in the database: as the text is made.
            typed = connection.ops.prep_for_like_query(word)  # Django escapes %, _ and \
            pattern = Upper(Value(f"{practice_id} %{typed}%"))
            condition &= Q(Like(SearchText(), pattern)) | Q(his_number__iexact=word)
        # Sorted by the names' upper case, which no index is in the order of: a
        # search finds its patients through the indexes above and sorts them, and is
        # never walked through the practice's patients in the order of their names
        # until a page is full (which PostgreSQL chose for a page of 25, and which read
        # every patient of the practice when the name searched for was rare).
        return practice.filter(condition).order_by(
            Upper("last_name"), Upper("first_name"), "date_of_birth", "pk"
        )


DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d%m%Y")


def parse_dutch_date(text: str) -> date | None:
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def not_in_future(value: date) -> None:
    MaxValueValidator(timezone.localdate(), _("The date of birth cannot be in the future."))(value)


class Patient(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "consult.Practice",
        on_delete=models.PROTECT,
        related_name="patients",
        db_index=False,  # leads the (practice, last_name) index
    )
    first_name = models.CharField(_("first name"), max_length=80)
    name_prefix = models.CharField(
        _("prefix"), max_length=20, blank=True, help_text=_("For example: van, de, van der.")
    )
    last_name = models.CharField(_("last name"), max_length=120)
    date_of_birth = models.DateField(_("date of birth"), validators=[not_in_future])
    his_number = models.CharField(
        _("HIS patient number"),
        max_length=20,
        help_text=_("The patient number in the practice's record system (HIS)."),
    )
    postcode = models.CharField(
        _("postcode"),
        max_length=7,
        blank=True,
        validators=[validate_postcode],
        help_text=_("Used to find services near the patient."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail address"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.DUTCH
    )
    plain_language = models.BooleanField(
        _("plain language"),
        default=False,
        help_text=_("The patient reads with difficulty: keep texts short and simple."),
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["last_name", "first_name", "date_of_birth"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "his_number"], name="patient_his_number_unique_per_practice"
            ),
            # What the practice copied onto consults, plans and print jobs refers to, on
            # PostgreSQL (migration consult.0017): it is always the patient's.
            models.UniqueConstraint(fields=["id", "practice"], name="patient_id_practice"),
        ]
        indexes = [
            models.Index(fields=["practice", "last_name"]),
            # A search by date of birth or HIS number (search() above); SearchText has
            # a trigram index on PostgreSQL (migration 0014).
            models.Index(fields=["practice", "date_of_birth"], name="patient_practice_born"),
            models.Index(F("practice"), Upper("his_number"), name="patient_practice_his_upper"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.name_prefix, self.last_name) if part
        )

    @property
    def listed_name(self) -> str:
        """As a Dutch list writes it, sorted by the surname without its prefix: "Berg,
        Kees van der"."""
        first = " ".join(part for part in (self.first_name, self.name_prefix) if part)
        return f"{self.last_name}, {first}" if first else self.last_name

    @property
    def age(self) -> int:
        today = timezone.localdate()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
