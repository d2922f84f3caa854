"""Password rules for the accounts of this application: Django's, said as the app speaks
to its users ("je", where Django's Dutch says "uw") and fitted to its user model."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Not the user's own name or e-mail address. Django's default attributes are
    username, first_name, last_name and email; this user model has only the last, so a
    password of one's own name passed."""

    def __init__(
        self, user_attributes: tuple[str, ...] = ("full_name", "email"), max_similarity: float = 0.7
    ) -> None:
        super().__init__(user_attributes, max_similarity)

    def get_error_message(self) -> str:
        return _("This password looks too much like your %(verbose_name)s.")

    def get_help_text(self) -> str:
        return _("Your password may not look too much like your name or e-mail address.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_help_text(self) -> str:
        return _("Your password may not be a commonly used password.")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_help_text(self) -> str:
        return _("Your password may not be digits only.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a complete Dutch message (Django's own Dutch catalogue
    lacks one of its plural forms)."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. Use at least %(min_length)d character.",
            "This password is too short. Use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(min_length)d character; a long sentence is easy to remember.",
            "Use at least %(min_length)d characters; a long sentence is easy to remember.",
            self.min_length,
        ) % {"min_length": self.min_length}
