"""NEN 7513: every view or change of patient data leaves exactly the expected record."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consult.models import AuditEvent, AuditOutcome
from tests.conftest import client_for
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["patient_detail", "patient_edit"])
def test_each_patient_page_writes_one_read_record(huisarts_a, patient_a, url_name):
    client = client_for(huisarts_a)
    client.get(
        reverse(url_name, kwargs={"patient_id": patient_a.public_id}), REMOTE_ADDR="10.1.2.3"
    )
    event = AuditEvent.objects.get()
    assert event.action == "read"
    assert event.patient_id == patient_a.public_id
    assert event.user == huisarts_a
    assert event.role == "huisarts"
    assert event.practice == huisarts_a.practice
    assert event.client_address == "10.1.2.3"
    assert event.outcome == AuditOutcome.ALLOWED


def test_patient_list_records_each_patient_shown(huisarts_a, patient_a):
    client_for(huisarts_a).get(reverse("patient_list"))
    event = AuditEvent.objects.get()
    assert (event.object_type, event.patient_id) == ("patient_list", patient_a.public_id)


def test_consult_page_writes_a_read_record(huisarts_a, practice_a):
    from consult.access import Actor
    from consult.services.consults import consult_start

    consent = ConsentFactory.create(patient__practice=practice_a)
    consult = consult_start(actor=Actor(user=huisarts_a), patient=consent.patient, model_slug="4d")
    before = AuditEvent.objects.count()
    client_for(huisarts_a).get(reverse("consult_detail", kwargs={"consult_id": consult.public_id}))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("id").last()
    assert event is not None
    assert (event.action, event.object_type, event.patient_id) == (
        "read",
        "consult",
        consent.patient.public_id,
    )


def test_changes_write_create_and_update_records(huisarts_a, patient_a):
    client = client_for(huisarts_a)
    client.post(
        reverse("consent_give", kwargs={"patient_id": patient_a.public_id}),
        {"given_on": timezone.localdate().isoformat(), "given_to": huisarts_a.pk},
    )
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "object_type"))
    assert actions == [("read", "patient"), ("create", "consent")]


def test_audit_records_hold_no_names_or_free_text(huisarts_a, patient_a):
    client_for(huisarts_a).get(
        reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    )
    values = AuditEvent.objects.values().get()
    flattened = " ".join(str(value) for value in values.values())
    for text in (
        patient_a.first_name,
        patient_a.last_name,
        huisarts_a.full_name,
        patient_a.his_number,
    ):
        assert text not in flattened


def test_audit_records_are_append_only(huisarts_a, patient_a):
    client_for(huisarts_a).get(
        reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    )
    event = AuditEvent.objects.get()
    event.outcome = AuditOutcome.REFUSED
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_forwarded_address_is_used_only_when_trusted(huisarts_a, patient_a, settings):
    url = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    client = client_for(huisarts_a)
    client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    settings.TRUST_X_FORWARDED_FOR = True
    client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert list(AuditEvent.objects.order_by("id").values_list("client_address", flat=True)) == [
        "10.0.0.1",
        "203.0.113.9",
    ]


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("198.51.100.7, 203.0.113.9", 1, "203.0.113.9"),  # the client forged the left one
        ("198.51.100.7, 203.0.113.9, 10.0.0.2", 2, "203.0.113.9"),
        ("not-an-address", 1, "10.0.0.1"),
        ("<script>, 2001:db8::1", 1, "2001:db8::1"),
        ("203.0.113.9", 3, "10.0.0.1"),
    ],
)
def test_the_address_comes_from_the_trusted_proxy_and_is_never_garbage(
    huisarts_a, patient_a, settings, forwarded, proxies, expected
):
    settings.TRUST_X_FORWARDED_FOR = True
    settings.TRUSTED_PROXY_COUNT = proxies
    url = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    response = client_for(huisarts_a).get(
        url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert response.status_code == 200
    assert AuditEvent.objects.latest("id").client_address == expected


def test_patient_pages_are_never_cached(huisarts_a, patient_a, consult_4d):
    client = client_for(huisarts_a)
    for url in (
        reverse("patient_detail", kwargs={"patient_id": patient_a.public_id}),
        reverse("patient_list"),
        reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id}),
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control
        assert "private" in cache_control
