"""Issue 13.1: no one grants themselves patient data. A beheerder makes an account but
never knows its password (the colleague activates it through a one-time link to
their own e-mail) and a treating colleague confirms a treating account before it sees
patient data; a reset second factor is confirmed again."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from consult.models import AuditEvent, AuditEventType, Role, User
from tests.conftest import client_for, current_code
from tests.consult.test_accounts import create_account

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mijn eigen lange zin 2026"


def activation_link() -> str:
    body = str(mail.outbox[-1].body)
    found = re.search(r"https?://[^/\s]+(/account/wachtwoord-instellen/\S+)", body)
    assert found, body
    return found.group(1)


def activate(client, link: str, password: str = NEW_PASSWORD):
    """Open the link and choose a password, as the colleague does."""
    opened = client.get(link)
    if opened.status_code != 302:
        return opened  # the link no longer works
    form_url = opened["Location"]  # Django moves the token out of the URL
    return client.post(
        form_url, {"new_password1": password, "new_password2": password}, follow=True
    )


def log_in_and_link_app(client, user: User, password: str = NEW_PASSWORD) -> None:
    client.post(reverse("login"), {"username": user.email, "password": password})
    setup = reverse("two_factor_setup")
    client.get(setup)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(setup, {"token": current_code(device)})


def test_the_beheerder_never_chooses_or_sees_the_password(beheerder_a):
    client = client_for(beheerder_a)
    form = client.get(reverse("user_new")).content.decode()
    assert 'type="password"' not in form
    response = create_account(client, role=Role.HUISARTS, email="dokter@praktijk.example")
    assert "krijgt een e-mail op dokter@praktijk.example" in response.content.decode()
    user = User.objects.get(email="dokter@praktijk.example")
    assert not user.has_usable_password()
    assert user.created_by == beheerder_a
    assert [message.to for message in mail.outbox] == [["dokter@praktijk.example"]]
    assert "Activeer je" in mail.outbox[0].subject
    # Nothing the beheerder can type logs in as the new account.
    assert not client_for(beheerder_a).login(username=user.email, password="")


def test_the_colleague_activates_once_with_their_own_password(beheerder_a, client):
    create_account(client_for(beheerder_a))
    link = activation_link()
    response = activate(client, link)
    assert "Je wachtwoord is ingesteld" in response.content.decode()
    user = User.objects.get(email="nieuw@praktijk.example")
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    again = activate(Client_(), link, password="een ander wachtwoord 2026")
    assert "Deze link werkt niet meer" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.filter(event=AuditEventType.PASSWORD).order_by("id")
    assert [(e.outcome, e.details.get("via")) for e in event] == [
        ("allowed", "activation link"),
        ("refused", "link"),
    ]


def Client_():
    from django.test import Client

    return Client()


def test_a_weak_password_is_refused_at_activation_and_nothing_changes(beheerder_a, client):
    create_account(client_for(beheerder_a))
    response = activate(client, activation_link(), password="kort-ww")
    assert "Dit wachtwoord is te kort" in response.content.decode()
    assert not User.objects.get(email="nieuw@praktijk.example").has_usable_password()


def test_a_beheerder_who_activates_a_treating_account_still_sees_no_patient(beheerder_a, patient_a):
    """The attack the confirmation stops: the beheerder gives the account an address
    they read themselves, activates it and links their own phone."""
    create_account(client_for(beheerder_a), role=Role.HUISARTS, email="alias@beheerder.example")
    impostor = Client_()
    activate(impostor, activation_link())
    user = User.objects.get(email="alias@beheerder.example")
    log_in_and_link_app(impostor, user)
    assert impostor.get(reverse("home")).status_code == 200
    assert "Wachten op een collega" in impostor.get(reverse("home")).content.decode()
    detail = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    for url in (reverse("patient_list"), detail):
        response = impostor.get(url)
        assert response.status_code == 403
        assert patient_a.last_name not in response.content.decode()


def test_a_treating_colleague_confirms_and_then_the_account_sees_patients(
    beheerder_a, huisarts_a, patient_a
):
    create_account(client_for(beheerder_a), role=Role.POH_GGZ)
    newcomer = Client_()
    activate(newcomer, activation_link())
    user = User.objects.get(email="nieuw@praktijk.example")
    log_in_and_link_app(newcomer, user)
    colleague = client_for(huisarts_a)
    page = colleague.get(reverse("colleagues_to_confirm")).content.decode()
    assert "Nieuwe Collega" in page
    colleague.post(reverse("colleague_confirm", kwargs={"user_id": user.public_id}))
    user.refresh_from_db()
    assert user.confirmed_by == huisarts_a
    assert newcomer.get(reverse("patient_list")).status_code == 200
    event = AuditEvent.objects.filter(event=AuditEventType.ACCOUNT).latest("id")
    assert (event.user, event.object_id, event.details) == (
        huisarts_a,
        str(user.public_id),
        {"confirmed": [False, True]},
    )


def test_nobody_confirms_themselves_and_only_treating_colleagues_confirm(
    beheerder_a, manager_a, huisarts_b, practice_a
):
    from tests.factories import UserFactory

    waiting = UserFactory.create(practice=practice_a, role=Role.HUISARTS, confirmed_at=None)
    url = reverse("colleague_confirm", kwargs={"user_id": waiting.public_id})
    assert client_for(beheerder_a).post(url).status_code == 403
    assert client_for(manager_a).post(url).status_code == 403
    assert client_for(huisarts_b).post(url).status_code == 404
    # Its own confirmation: it is no treating colleague yet, so it is refused too.
    assert client_for(waiting).post(url).status_code == 403
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None


def test_an_account_that_is_not_activated_cannot_be_confirmed(beheerder_a, huisarts_a):
    create_account(client_for(beheerder_a), role=Role.HUISARTS)
    user = User.objects.get(email="nieuw@praktijk.example")
    response = client_for(huisarts_a).post(
        reverse("colleague_confirm", kwargs={"user_id": user.public_id}), follow=True
    )
    assert "nog niet geactiveerd" in response.content.decode()
    user.refresh_from_db()
    assert user.confirmed_at is None


def test_a_new_treating_role_needs_confirmation_again(beheerder_a, manager_a):
    client_for(beheerder_a).post(
        reverse("user_edit", kwargs={"user_id": manager_a.public_id}),
        {"full_name": manager_a.full_name, "role": Role.HUISARTS, "is_active": "on"},
    )
    manager_a.refresh_from_db()
    assert (manager_a.role, manager_a.is_clinician) == (Role.HUISARTS, False)
    event = AuditEvent.objects.filter(event=AuditEventType.ACCOUNT).latest("id")
    assert event.details == {"role": ["praktijkmanager", "huisarts"]}
    assert event.user == beheerder_a


def test_resetting_the_second_factor_is_as_strict(beheerder_a, huisarts_a, patient_a):
    own = client_for(huisarts_a)
    assert own.get(reverse("patient_list")).status_code == 200
    client_for(beheerder_a).post(
        reverse("user_edit", kwargs={"user_id": huisarts_a.public_id}),
        {
            "full_name": huisarts_a.full_name,
            "role": huisarts_a.role,
            "is_active": "on",
            "reset_two_factor": "on",
        },
    )
    huisarts_a.refresh_from_db()
    assert huisarts_a.confirmed_at is None
    assert not TOTPDevice.objects.filter(user=huisarts_a).exists()
    # The colleague hears of it at their own address, and their session has ended.
    assert mail.outbox[-1].to == [huisarts_a.email]
    assert "tweestapsverificatie" in mail.outbox[-1].subject.lower()
    assert own.get(reverse("patient_list"))["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.filter(event=AuditEventType.ACCOUNT).latest("id")
    assert event.details == {"confirmed": [True, False], "second_factor": "reset"}


def test_deactivation_ends_the_sessions_it_has(beheerder_a, huisarts_a):
    own = client_for(huisarts_a)
    key = own.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client_for(beheerder_a).post(
        reverse("user_edit", kwargs={"user_id": huisarts_a.public_id}),
        {"full_name": huisarts_a.full_name, "role": huisarts_a.role},
    )
    assert not Session.objects.filter(session_key=key).exists()
    # Reactivated, the old session does not come back to life.
    client_for(beheerder_a).post(
        reverse("user_edit", kwargs={"user_id": huisarts_a.public_id}),
        {"full_name": huisarts_a.full_name, "role": huisarts_a.role, "is_active": "on"},
    )
    assert own.get(reverse("patient_list"))["Location"].startswith(reverse("login"))


def test_a_forgotten_password_is_reset_through_the_own_mailbox(client, huisarts_a):
    response = client.post(reverse("password_forgotten"), {"email": huisarts_a.email}, follow=True)
    assert "Kijk in je e-mail" in response.content.decode()
    assert mail.outbox[-1].to == [huisarts_a.email]
    activate(client, activation_link(), password="een nieuw lang wachtwoord")
    huisarts_a.refresh_from_db()
    assert huisarts_a.check_password("een nieuw lang wachtwoord")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(
        reverse("password_forgotten"), {"email": "niemand@x.example"}, follow=True
    )
    assert "Kijk in je e-mail" in response.content.decode()
    assert mail.outbox == []


def test_the_beheerder_can_send_a_new_activation_link(beheerder_a):
    create_account(client_for(beheerder_a))
    user = User.objects.get(email="nieuw@praktijk.example")
    client_for(beheerder_a).post(
        reverse("user_activation_resend", kwargs={"user_id": user.public_id})
    )
    assert len(mail.outbox) == 2


def test_the_first_treating_account_is_confirmed_from_the_server_only(practice_a, practice_b):
    from django.core.management import CommandError, call_command

    from tests.factories import UserFactory

    first = UserFactory.create(practice=practice_b, role=Role.HUISARTS, confirmed_at=None)
    call_command("confirm_clinician", first.email)
    first.refresh_from_db()
    assert first.is_clinician
    # Once a practice has a confirmed treating colleague, the command refuses.
    second = UserFactory.create(practice=practice_b, role=Role.POH_S, confirmed_at=None)
    with pytest.raises(CommandError, match="Collega's bevestigen"):
        call_command("confirm_clinician", second.email)
    second.refresh_from_db()
    assert second.confirmed_at is None


def test_the_beheerder_unlocks_a_locked_account(beheerder_a, huisarts_a, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": huisarts_a.email, "password": "fout-fout-fout"})
    admin = client_for(beheerder_a)
    page = admin.get(reverse("user_edit", kwargs={"user_id": huisarts_a.public_id}))
    assert "vergrendeld" in page.content.decode()
    response = admin.post(
        reverse("user_unlock", kwargs={"user_id": huisarts_a.public_id}), follow=True
    )
    assert "kan weer inloggen" in response.content.decode()
    from tests.factories import PASSWORD

    client.post(reverse("login"), {"username": huisarts_a.email, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(huisarts_a.pk)


def test_changing_ones_own_password_is_logged(huisarts_a):
    from tests.factories import PASSWORD

    client_for(huisarts_a).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "een heel nieuw wachtzinnetje",
         "new_password2": "een heel nieuw wachtzinnetje"},
    )  # fmt: skip
    event = AuditEvent.objects.filter(event=AuditEventType.PASSWORD).latest("id")
    assert (event.user, event.object_id, event.details) == (
        huisarts_a,
        str(huisarts_a.public_id),
        {"via": "own change"},
    )


def test_treating_colleagues_are_told_someone_waits(beheerder_a, huisarts_a, client):
    create_account(client_for(beheerder_a), role=Role.POH_S)
    page = client_for(huisarts_a).get(reverse("patient_list")).content.decode()
    assert "wacht op je bevestiging" not in page  # not activated yet: nothing to confirm
    activate(client, activation_link())
    page = client_for(huisarts_a).get(reverse("patient_list")).content.decode()
    assert "Een nieuwe collega wacht op je bevestiging" in page
    assert reverse("colleagues_to_confirm") in page
