"""Issue 13.4: someone the practice appoints reviews the audit trail: a screen filtered
by patient, user and period, and a summary per month that points at what is unusual."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from account_security.lockout import login_succeeded
from consult.access import Actor
from consult.models import AuditEvent, AuditEventType, AuditOutcome, Role
from tests.conftest import client_for, record_failed_login
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(practice_a):
    return UserFactory.create(
        practice=practice_a, role=Role.HUISARTS, full_name="Dr. Controle", reviews_audit=True
    )


def read(user, patient):
    client_for(user).get(reverse("patient_detail", kwargs={"patient_id": patient.public_id}))


def filter_trail(client, **data):
    today = timezone.localdate()
    body = {"start": (today - timedelta(days=7)).isoformat(), "end": today.isoformat(), **data}
    return client.post(reverse("audit_trail"), body)


def test_only_the_appointed_reviewer_sees_the_trail(
    reviewer, huisarts_a, beheerder_a, manager_a, huisarts_b
):
    assert client_for(reviewer).get(reverse("audit_trail")).status_code == 200
    for other in (huisarts_a, beheerder_a, manager_a, huisarts_b):
        assert client_for(other).get(reverse("audit_trail")).status_code == 403
        assert client_for(other).get(reverse("audit_month")).status_code == 403
    refused = AuditEvent.objects.filter(
        event=AuditEventType.AUDIT_REVIEW, outcome=AuditOutcome.REFUSED
    )
    assert refused.count() == 8


def test_a_beheerder_cannot_appoint_a_non_treating_reviewer(beheerder_a, manager_a):
    response = client_for(beheerder_a).post(
        reverse("user_edit", kwargs={"user_id": manager_a.public_id}),
        {"full_name": manager_a.full_name, "role": manager_a.role, "is_active": "on",
         "reviews_audit": "on"},
    )  # fmt: skip
    assert "Alleen een behandelend collega" in response.content.decode()
    manager_a.refresh_from_db()
    assert not manager_a.reviews_audit


def test_the_trail_filters_by_patient_user_and_period(reviewer, huisarts_a, poh_a, practice_a):
    ingrid = PatientFactory.create(practice=practice_a, last_name="Hoekstra", his_number="1001")
    kees = PatientFactory.create(practice=practice_a, last_name="Mulder", his_number="1002")
    read(huisarts_a, ingrid)
    read(poh_a, kees)
    client = client_for(reviewer)
    by_patient = filter_trail(client, his_number="1001").content.decode()
    assert "Hoekstra" in by_patient
    assert "Mulder" not in by_patient
    by_user = filter_trail(client, user=str(poh_a.pk)).content.decode()
    assert "Mulder" in by_user
    assert "Hoekstra" not in by_user
    long_ago = filter_trail(
        client, start="2020-01-01", end="2020-01-31", his_number="1001"
    ).content.decode()
    assert "Hoekstra" not in long_ago
    assert "0 gebeurtenissen" in long_ago


def test_the_search_term_travels_in_the_body_not_the_url(reviewer, practice_a):
    PatientFactory.create(practice=practice_a, his_number="4242")
    response = filter_trail(client_for(reviewer), his_number="4242")
    assert "4242" not in response.request["PATH_INFO"]
    assert response.request.get("QUERY_STRING", "") == ""
    page = client_for(reviewer).get(reverse("audit_trail")).content.decode()
    assert 'method="post"' in page


def test_an_unknown_his_number_or_a_reversed_period_is_said_plainly(reviewer):
    client = client_for(reviewer)
    assert (
        "Geen patiënt van deze praktijk" in filter_trail(client, his_number="999").content.decode()
    )
    response = filter_trail(client, start="2026-05-01", end="2026-04-01")
    assert response.status_code == 400
    assert "ligt voor het begin" in response.content.decode()


def test_refusals_from_another_practice_show_in_our_trail(reviewer, huisarts_b, patient_a):
    read(huisarts_b, patient_a)
    page = filter_trail(client_for(reviewer), outcome="refused").content.decode()
    assert "Huisarts B" in page
    assert patient_a.last_name in page


def test_reviewing_is_itself_logged(reviewer, patient_a):
    filter_trail(client_for(reviewer), his_number=patient_a.his_number)
    event = AuditEvent.objects.filter(event=AuditEventType.AUDIT_REVIEW).latest("id")
    assert (event.user, event.patient_id, event.outcome) == (
        reviewer,
        patient_a.public_id,
        "allowed",
    )


def test_the_month_summary_points_at_unusual_reading(reviewer, huisarts_a, poh_a, practice_a):
    from consult.access import Actor
    from consult.services.consults import consult_start
    from tests.factories import ConsentFactory

    patients = PatientFactory.create_batch(35, practice=practice_a)
    for patient in patients:
        read(huisarts_a, patient)
    own = ConsentFactory.create(patient=patients[0], given_to=poh_a).patient
    consult_start(actor=Actor(user=poh_a), patient=own, model_slug="4d")
    read(poh_a, own)
    read(poh_a, patients[1])
    month = timezone.localdate().strftime("%Y-%m")
    page = client_for(reviewer).get(reverse("audit_month"), {"maand": month}).content.decode()
    assert "ongewoon veel" in page
    rows = [row.split("</tr>")[0] for row in page.split("<tr>")[1:]]
    assert any("Huisarts A" in row and "ongewoon veel" in row for row in rows)
    assert not any("POH A" in row and "ongewoon veel" in row for row in rows)


def test_the_month_summary_counts_reads_without_an_own_consult(reviewer, poh_a, practice_a):
    from consult.selectors.audit_review import month_summary

    stranger = PatientFactory.create(practice=practice_a)
    read(poh_a, stranger)
    summary = month_summary(practice_a.pk, timezone.localdate())
    row = next(r for r in summary.per_user if r.user == poh_a)
    assert (row.reads, row.patients_read, row.outside_own_consults) == (1, 1, 1)
    assert row in summary.attention


def test_the_summary_command_prints_what_to_look_at(huisarts_b, patient_a, capsys, practice_a):
    read(huisarts_b, patient_a)
    call_command(
        "audit_summary", "--month", timezone.localdate().strftime("%Y-%m"), "--practice",
        str(practice_a.pk),
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "refusals 1" in out
    assert "look closer: Huisarts B" in out


def test_an_erased_record_stays_in_the_trail_without_its_name(
    reviewer, huisarts_a, beheerder_a, patient_a
):
    from consult.access import Actor
    from consult.models import ErasureGround
    from consult.services.erasure import patient_erase

    read(huisarts_a, patient_a)
    record = patient_erase(
        actor=Actor(user=beheerder_a),
        his_number=patient_a.his_number,
        ground=ErasureGround.PATIENT_REQUEST,
        requested_on=timezone.localdate(),
        agreed_by=huisarts_a,
    )
    page = filter_trail(client_for(reviewer), user=str(huisarts_a.pk)).content.decode()
    assert f"vernietigd dossier (referentie {record.his_number_hash[:12]})" in page
    assert patient_a.last_name not in page


def test_the_trail_shows_failed_logins_on_our_accounts_and_not_what_another_practice_did(
    reviewer, huisarts_a, huisarts_b, practice_b
):
    record_failed_login(huisarts_a)
    read(huisarts_b, PatientFactory.create(practice=practice_b, last_name="Buitenpraktijk"))
    page = filter_trail(client_for(reviewer)).content.decode()
    failed = [row for row in page.split("<tr")[1:] if "192.0.2.7" in row]
    assert len(failed) == 1
    cells = [cell.partition(">")[2].partition("<")[0] for cell in failed[0].split("<td")[1:]]
    assert cells[1:4] == ["niet ingelogd", "inloggen", "uitvoeren"]
    assert cells[6] == "mislukt"
    assert "Huisarts B" not in page
    assert "Buitenpraktijk" not in page


def test_the_people_to_filter_on_are_named_with_their_short_role(reviewer, poh_a):
    """Not “POH A (POH-GGZ (praktijkondersteuner ggz))”."""
    page = client_for(reviewer).get(reverse("audit_trail")).content.decode()
    assert ">POH A (POH-GGZ)</option>" in page
    assert "(POH-GGZ (" not in page


def test_the_details_are_in_words(reviewer):
    """“factor: password” and “reden: idle timeout” were the app's own codes."""
    login_succeeded(actor=Actor(user=reviewer))
    page = client_for(reviewer).get(reverse("audit_trail")).content.decode()
    assert "factor: wachtwoord" in page
    assert "factor: password" not in page


def test_the_dates_in_the_details_read_as_the_rest_of_the_app_writes_them(reviewer):
    """The review's own record showed its period as “van: 2026-11-30”."""
    client = client_for(reviewer)
    filter_trail(client)
    page = filter_trail(client).content.decode()
    start = timezone.localdate() - timedelta(days=7)
    assert f"van: {start:%d-%m-%Y}" in page
    assert f"van: {start.isoformat()}" not in page


def test_each_moment_is_written_as_the_app_writes_dates(reviewer):
    """Only this page wrote 7-12-2026; every other writes 07-12-2026 (in January to
    September, and on the first nine days of a month, the old format shows)."""
    login_succeeded(actor=Actor(user=reviewer))
    page = filter_trail(client_for(reviewer)).content.decode()
    moments = re.findall(r'<td class="when"[^>]*>([^<]*)</td>', page)
    assert moments
    for moment in moments:
        assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d:\d\d", moment), moment
