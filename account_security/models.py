from django.conf import settings
from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """A wrong password: for which typed e-mail address, as a keyed hash (so the table
    names nobody, and counts addresses without an account alike), and from which client
    address. Kept for the lockout window only."""

    account_key = models.CharField(max_length=64)
    client_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["account_key", "at"]),
            models.Index(fields=["client_address", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.client_address} {self.at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """A session a user is logged in with, so all of an account's sessions can be
    ended (deactivation, a reset second factor) rather than only suspended."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M}"
