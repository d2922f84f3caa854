"""Recovery codes for a lost phone: ten, shown once when the app is linked; each logs
in once instead of the app's code."""

import pytest
from django.urls import reverse

from consult.models import AuditEvent
from tests.account_security.steps import codes_in, log_in_again, set_up_app, wrong_code

pytestmark = pytest.mark.django_db

RECOVERY_LINK = "Telefoon kwijt? Gebruik een herstelcode"
NOT_RIGHT = "Deze herstelcode klopt niet, of is al gebruikt."


def use_recovery_code(client, code):
    return client.post(reverse("two_factor_recovery"), {"code": code}, follow=True)


def test_linking_the_app_shows_ten_recovery_codes_once(client, huisarts_a):
    _device, page = set_up_app(client, huisarts_a)
    assert len(set(codes_in(page))) == 10
    assert "Je herstelcodes" in page
    assert "Druk ze nu af (Ctrl+P drukt alleen de codes af) of schrijf ze op papier." in page
    again = client.get(reverse("patient_list")).content.decode()
    assert "Je herstelcodes" not in again
    assert not codes_in(again)


def test_a_recovery_code_logs_in_once_and_not_twice(client, huisarts_a):
    _device, page = set_up_app(client, huisarts_a)
    codes = codes_in(page)
    log_in_again(client, huisarts_a)
    code_page = client.get(reverse("two_factor_verify")).content.decode()
    assert RECOVERY_LINK in code_page
    assert reverse("two_factor_recovery") in code_page

    page = use_recovery_code(client, codes[3].upper()).content.decode()
    assert "Je hebt nog 9 codes over." in page
    assert client.get(reverse("patient_list")).status_code == 200

    log_in_again(client, huisarts_a)
    page = use_recovery_code(client, codes[3]).content.decode()
    assert NOT_RIGHT in page
    assert client.get(reverse("patient_list")).status_code == 302


def test_a_wrong_app_code_does_not_hold_up_a_recovery_code(client, huisarts_a):
    device, page = set_up_app(client, huisarts_a)
    codes = codes_in(page)
    log_in_again(client, huisarts_a)
    client.post(reverse("two_factor_verify"), {"token": wrong_code(device)})
    use_recovery_code(client, codes[0])
    assert client.get(reverse("patient_list")).status_code == 200


def test_every_second_factor_check_is_audited(client, huisarts_a):
    device, page = set_up_app(client, huisarts_a)
    codes = codes_in(page)
    log_in_again(client, huisarts_a)
    client.post(reverse("two_factor_verify"), {"token": wrong_code(device)})
    use_recovery_code(client, codes[0])
    log_in_again(client, huisarts_a)
    use_recovery_code(client, "aaaa-aaaa")
    trail = list(
        AuditEvent.objects.filter(event="second_factor", object_type="user")
        .order_by("id")
        .values_list("action", "outcome", "object_id", "details")
    )
    account = str(huisarts_a.public_id)
    assert trail == [
        ("execute", "allowed", account, {"method": "authenticator"}),
        ("create", "allowed", account, {"recovery_codes": 10}),
        ("execute", "failed", account, {"method": "authenticator"}),
        ("execute", "allowed", account, {"method": "recovery_code", "recovery_codes_left": 9}),
        ("execute", "failed", account, {"method": "recovery_code"}),
    ]
    assert not any(code.replace("-", "") in str(row) for row in trail for code in codes)
