"""Password guessing is refused: after five wrong passwords for an account (or twenty
from one address) the login says so and lets nobody in, the right password neither."""

import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse

from account_security.lockout import is_locked, password_failed, unlock
from account_security.models import LoginFailure
from consult.access import Actor
from consult.audit import Visitor
from consult.models import AuditEvent
from tests.account_security.steps import enter_password

pytestmark = pytest.mark.django_db

WRONG = (
    "Dit e-mailadres en wachtwoord horen niet bij elkaar. Controleer het wachtwoord: "
    "hoofdletters tellen mee."
)
LOCKED = (
    "Te veel pogingen om in te loggen. Probeer het over 15 minuten opnieuw, of vraag de "
    "beheerder van je praktijk om je account te ontgrendelen."
)
NOBODY = "niemand@praktijk.example"


def error_shown(response) -> str:
    found = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def five_wrong_passwords(client, email, address="10.0.0.1"):
    return [enter_password(client, email, "not-my-password", address) for _ in range(5)]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_fifth_wrong_password_locks_and_then_the_right_one_is_refused(client, huisarts_a):
    responses = five_wrong_passwords(client, huisarts_a.email)
    assert [error_shown(r) for r in responses] == [WRONG] * 4 + [LOCKED]
    response = enter_password(client, huisarts_a.email)
    assert error_shown(response) == LOCKED
    assert not logged_in(client)
    assert is_locked(huisarts_a)


def test_the_lock_tells_nobody_whether_the_account_exists(client, huisarts_a):
    known = five_wrong_passwords(client, huisarts_a.email, address="10.0.0.1")
    unknown = five_wrong_passwords(client, NOBODY, address="10.0.0.2")
    assert [error_shown(r) for r in known] == [error_shown(r) for r in unknown]
    assert error_shown(enter_password(client, NOBODY, address="10.0.0.2")) == LOCKED


def test_after_unlocking_the_right_password_works(client, huisarts_a, beheerder_a):
    five_wrong_passwords(client, huisarts_a.email)
    assert unlock(huisarts_a, actor=Actor(beheerder_a, "10.0.0.5"))
    assert not is_locked(huisarts_a)
    assert enter_password(client, huisarts_a.email).status_code == 302
    assert logged_in(client)


def test_the_lock_passes_with_the_window(client, huisarts_a):
    five_wrong_passwords(client, huisarts_a.email)
    LoginFailure.objects.update(at=F("at") - timedelta(minutes=14))
    assert "Probeer het over 1 minuut opnieuw" in error_shown(
        enter_password(client, huisarts_a.email)
    )
    LoginFailure.objects.update(at=F("at") - timedelta(minutes=1))
    assert enter_password(client, huisarts_a.email).status_code == 302
    assert logged_in(client)


def test_a_successful_login_forgets_the_wrong_passwords_before_it(client, huisarts_a):
    for _ in range(2):
        for _ in range(4):
            enter_password(client, huisarts_a.email, "not-my-password")
        assert enter_password(client, huisarts_a.email).status_code == 302
        client.post(reverse("logout"))


def test_twenty_failures_from_one_address_lock_that_address_only(client, huisarts_a):
    for number in range(20):
        enter_password(client, f"gok{number}@praktijk.example", "not-my-password", "10.0.0.9")
    assert error_shown(enter_password(client, huisarts_a.email, address="10.0.0.9")) == LOCKED
    assert not logged_in(client)
    assert not is_locked(huisarts_a)
    assert enter_password(client, huisarts_a.email, address="10.0.0.10").status_code == 302


def test_logins_failures_locks_and_logouts_are_audited(client, huisarts_a):
    enter_password(client, NOBODY, "not-my-password")
    five_wrong_passwords(client, huisarts_a.email)
    enter_password(client, huisarts_a.email)
    LoginFailure.objects.all().delete()
    enter_password(client, huisarts_a.email)
    client.post(reverse("logout"), REMOTE_ADDR="10.0.0.1")
    account = str(huisarts_a.public_id)
    trail = list(
        AuditEvent.objects.order_by("id").values_list(
            "event", "outcome", "object_id", "details", "client_address"
        )
    )
    assert trail == [
        ("login", "failed", "", {"account": "unknown"}, "10.0.0.1"),
        *[("login", "failed", account, {}, "10.0.0.1")] * 5,
        ("lockout", "refused", account, {"scope": "account"}, "10.0.0.1"),
        ("lockout", "refused", account, {"scope": "account"}, "10.0.0.1"),
        ("login", "allowed", account, {"factor": "password"}, "10.0.0.1"),
        ("logout", "allowed", account, {}, "10.0.0.1"),
    ]
    assert NOBODY not in str(list(AuditEvent.objects.values()))


def test_unlock_account_command(huisarts_a):
    for _ in range(5):
        password_failed(actor=Visitor("10.0.0.1"), email=huisarts_a.email)
    assert is_locked(huisarts_a)
    call_command("unlock_account", huisarts_a.email.upper())
    assert not is_locked(huisarts_a)
    event = AuditEvent.objects.filter(event="lockout").get()
    assert (event.action, event.object_id, event.details) == (
        "delete",
        str(huisarts_a.public_id),
        {"was_locked": True, "failures_cleared": 5},
    )
    with pytest.raises(CommandError):
        call_command("unlock_account", NOBODY)
