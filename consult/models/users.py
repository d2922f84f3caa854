import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HUISARTS = "huisarts", _("GP (huisarts)")
    POH_S = "poh_s", _("Practice nurse somatic (POH-S)")
    POH_GGZ = "poh_ggz", _("Practice nurse mental health (POH-GGZ)")
    PRAKTIJKMANAGER = "praktijkmanager", _("Practice manager")
    BEHEERDER = "beheerder", _("Administrator")


# The name a practice uses for the role, where its full name is long (the top bar).
SHORT_ROLE_NAMES = {
    Role.POH_S: _("POH-S"),
    Role.POH_GGZ: _("POH-GGZ"),
}

# The roles that treat patients and so may see patient data.
CLINICAL_ROLES = frozenset({Role.HUISARTS, Role.POH_S, Role.POH_GGZ})
# The roles that keep the sociale kaart.
MAP_KEEPER_ROLES = frozenset({Role.PRAKTIJKMANAGER, Role.BEHEERDER})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("Users log in by e-mail: an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    practice = models.ForeignKey(
        "consult.Practice",
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("practice"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    must_change_password = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A treating account sees patient data only once a treating colleague confirmed
    # it: no single person (a beheerder) can grant themselves patient data.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Appointed by the practice to review the audit trail (a treating role only).
    reviews_audit = models.BooleanField(_("reviews the audit trail"), default=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name", "practice", "role"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def short_role(self) -> str:
        return str(SHORT_ROLE_NAMES.get(Role(self.role), self.get_role_display()))

    def clean(self) -> None:
        super().clean()
        self.email = self.email.lower()

    @property
    def is_clinician(self) -> bool:
        """A treating role, confirmed by a treating colleague: may see patient data."""
        return self.role in CLINICAL_ROLES and self.confirmed_at is not None

    @property
    def has_clinical_role(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def awaits_confirmation(self) -> bool:
        return self.role in CLINICAL_ROLES and self.confirmed_at is None

    @property
    def is_audit_reviewer(self) -> bool:
        return self.reviews_audit and self.is_clinician

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.BEHEERDER

    @property
    def keeps_map(self) -> bool:
        return self.role in MAP_KEEPER_ROLES

    # What the sociale kaart needs of a user (sociale_kaart.access.KaartUser): the maps
    # of the user's practice.
    @property
    def own_map_id(self) -> int | None:
        return self.practice.own_map_id

    @property
    def shared_map_id(self) -> int | None:
        return self.practice.shared_map_id
