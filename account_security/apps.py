from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountSecurityConfig(AppConfig):
    """Guarding logins and sessions: lockout after wrong passwords, recovery codes for
    the second factor, re-authentication, the idle timeout, ending an account's
    sessions, and refusing guessable passwords."""

    name = "account_security"
    verbose_name = _("Account security")

    def ready(self) -> None:
        from account_security import sessions  # noqa: F401 - connects its signal receivers
