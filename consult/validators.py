"""Password rules for the accounts of this application."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


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
