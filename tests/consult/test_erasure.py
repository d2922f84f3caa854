"""Retention and erasure (issue 13, point 9): a beheerder erases a patient's record on a
justified request, with a treating colleague's agreement; nothing of the patient is
left, the audit trail stays whole and still says whose record it was without saying who;
`python manage.py retention` finds (and erases) records past the 20 years."""

import datetime
import hashlib
import html
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import models
from django.db.models.deletion import Collector
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from consult.access import Actor
from consult.audit_chain import seal_pending, verify_chain
from consult.models import (
    AuditEvent,
    AuditEventType,
    Consult,
    ErasureGround,
    ErasureRecord,
    Patient,
    Role,
)
from consult.registry import conversation_models
from consult.services import erasure as erasure_services
from consult.services.consults import consult_start
from consult.services.erasure import (
    erasure_candidate,
    erasure_lookup,
    his_number_hash,
    patient_erase,
    retention_due,
)
from consult.services.patient_links import link_create
from consult.services.plans import goal_add, network_add
from consult.services.referrals import referral_advance, referral_create
from emboss.demo import EMBOSS_CASE_HIS
from kop.demo import KOP_CASE_HIS
from models_4d.demo import FOUR_D_CASE_HIS
from models_4d.services import entry_add
from spinnenweb.demo import SPINNENWEB_CASE_HIS
from tests.conftest import client_for
from tests.factories import ConsentFactory, PatientFactory, UserFactory
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("consult", "models_4d", "spinnenweb", "kop", "emboss", "sociale_kaart")
HIS = "QX-4711"
FIRST, LAST = "Xandrijne", "Quaxelbeek"
BORN = datetime.date(1961, 8, 23)
COLLEAGUE_MESSAGE = (
    "Choose the treating colleague (GP or practice nurse) of your practice who agreed to the "
    "erasure."
)
BORN_SHOWN = ("23-08-1961", "1961-08-23", "23 augustus 1961", "23/08/1961", "23-8-1961")


def dutch(msgid: str) -> str:
    """The message as the Dutch screen shows it."""
    with translation.override("nl"):
        return gettext(msgid)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def poh_s_a(practice_a):
    return UserFactory.create(practice=practice_a, role=Role.POH_S, full_name="POH-S A")


@pytest.fixture
def beheerder_b(practice_b):
    return UserFactory.create(practice=practice_b, role=Role.BEHEERDER, full_name="Beheerder B")


@pytest.fixture
def patient_x(practice_a):
    return PatientFactory.create(
        practice=practice_a,
        first_name=FIRST,
        last_name=LAST,
        date_of_birth=BORN,
        his_number=HIS,
        notes="Zwuppelnotitie over de situatie thuis.",
    )


@pytest.fixture
def bystander(practice_a, huisarts_a):
    """Another patient of the practice, with a conversation: must stay as it is."""
    patient = PatientFactory.create(practice=practice_a, first_name="Blijft", last_name="Bestaan")
    ConsentFactory.create(patient=patient, given_to=huisarts_a, recorded_by=huisarts_a)
    consult = consult_start(actor=Actor(user=huisarts_a), patient=patient, model_slug="4d")
    goal_add(actor=Actor(user=huisarts_a), consult=consult, text="Blijven", domain="4d:lichaam")
    return patient


def build_full_record(patient, *, huisarts, poh_ggz, poh_s, service) -> None:
    """A record with something in every part of the app: the four models' demo
    conversations (KOP and EMBOSS trajectories, a closed risk flag, a link filled in
    at home, a teach-back), plus a referral with its history, a network member and an
    open link."""
    ConsentFactory.create(patient=patient, given_to=huisarts, recorded_by=huisarts)
    cases = dict.fromkeys(
        (FOUR_D_CASE_HIS, KOP_CASE_HIS, EMBOSS_CASE_HIS, SPINNENWEB_CASE_HIS), patient
    )
    staff = {"huisarts": huisarts, "poh_ggz": poh_ggz, "poh_s": poh_s}
    for model in conversation_models():
        model.seed_demo(patients=cases, staff=staff)
    actor = Actor(user=huisarts)
    consult = patient.consults.get(model_slug="4d")
    goal = goal_add(actor=actor, consult=consult, text="Van de schulden af", domain="4d:lichaam")
    referral = referral_create(actor=actor, consult=consult, service=service, goal=goal)
    referral_advance(
        actor=actor,
        consult=consult,
        referral=referral,
        status="aangenomen",
        on=timezone.localdate(),
        note="Intake gepland",
    )
    network_add(actor=actor, consult=consult, name="Zus Quaxelbeek", role="zus")
    link_create(actor=actor, patient=patient, model_slug="spinnenweb", purpose="web")


def project_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in project_models()}


def erase_through_the_pages(client, colleague, *, his=HIS, confirm=None, **overrides):
    data = {
        "his_number": his,
        "ground": ErasureGround.PATIENT_REQUEST,
        "requested_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "agreed_by": str(colleague.public_id),
        **overrides,
    }
    step_1 = client.post(reverse("erasure_start"), data)
    step_2 = client.post(
        reverse("erasure_carry_out"), {**data, "confirm_his_number": confirm or his}
    )
    return step_1, step_2


# -- The beheerder's pages -------------------------------------------------------------


def test_the_beheerder_erases_in_two_steps_and_gets_a_receipt(beheerder_a, huisarts_a, patient_x):
    ConsentFactory.create(patient=patient_x, given_to=huisarts_a, recorded_by=huisarts_a)
    consult_start(actor=Actor(user=huisarts_a), patient=patient_x, model_slug="4d")
    client = client_for(beheerder_a)
    users = text_of(client.get(reverse("user_list")))
    assert reverse("erasure_start") in users

    data = {
        "his_number": HIS,
        "ground": ErasureGround.PATIENT_REQUEST,
        "requested_on": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "agreed_by": str(huisarts_a.public_id),
    }
    step_1 = client.post(reverse("erasure_start"), data)
    assert step_1.status_code == 200
    page = text_of(step_1)
    assert dutch("Conversations") in page
    assert dutch("Type the HIS number again to confirm") in page
    assert Patient.objects.filter(pk=patient_x.pk).exists(), "step 1 only shows the record"

    step_2 = client.post(reverse("erasure_carry_out"), {**data, "confirm_his_number": HIS})
    assert step_2.status_code == 302
    receipt = text_of(client.get(step_2["Location"]))
    record = ErasureRecord.objects.get()
    assert not Patient.objects.filter(pk=patient_x.pk).exists()
    assert record.his_number_hash[:12] in receipt
    assert dutch("the patient's request (WGBO art. 7:455, AVG art. 17)") in receipt
    assert huisarts_a.full_name in receipt
    assert (record.carried_out_by, record.agreed_by) == (beheerder_a, huisarts_a)
    assert record.ground == ErasureGround.PATIENT_REQUEST
    assert record.patient_public_id == patient_x.public_id

    listing = text_of(client.get(reverse("erasure_start")))
    assert record.his_number_hash[:12] in listing
    assert beheerder_a.full_name in listing


def test_the_beheerder_never_sees_the_patients_name_or_date_of_birth(
    beheerder_a, huisarts_a, patient_x
):
    client = client_for(beheerder_a)
    pages = [client.get(reverse("erasure_start"))]
    step_1, step_2 = erase_through_the_pages(client, huisarts_a, confirm="QX-0000")
    pages += [step_1, step_2]
    assert Patient.objects.filter(pk=patient_x.pk).exists(), "a wrong confirmation erases nothing"
    step_1, step_2 = erase_through_the_pages(client, huisarts_a)
    pages += [step_1, step_2, client.get(step_2["Location"]), client.get(reverse("erasure_start"))]
    assert not Patient.objects.filter(pk=patient_x.pk).exists()
    for response in pages:
        page = text_of(response)
        for secret in (FIRST, LAST, "Zwuppelnotitie", *BORN_SHOWN):
            assert secret not in page, (response.request["PATH_INFO"], secret)


def test_looking_a_record_up_for_erasure_is_audited(beheerder_a, patient_x):
    candidate = erasure_candidate(Actor(user=beheerder_a), HIS)
    assert candidate is not None
    assert candidate.public_id == patient_x.public_id
    read = AuditEvent.objects.get(event=AuditEventType.ERASURE, action="read")
    assert (read.user, read.patient_id, read.outcome) == (
        beheerder_a,
        patient_x.public_id,
        "allowed",
    )
    assert erasure_candidate(Actor(user=beheerder_a), "ONBEKEND-1") is None
    assert AuditEvent.objects.filter(event=AuditEventType.ERASURE, outcome="failed").count() == 1


def test_the_candidate_counts_conversations_and_its_last_change(beheerder_a, huisarts_a, patient_x):
    ConsentFactory.create(patient=patient_x, given_to=huisarts_a, recorded_by=huisarts_a)
    first = consult_start(actor=Actor(user=huisarts_a), patient=patient_x, model_slug="4d")
    consult_start(actor=Actor(user=huisarts_a), patient=patient_x, model_slug="spinnenweb")
    long_ago = timezone.now() - datetime.timedelta(days=3000)
    Patient.objects.filter(pk=patient_x.pk).update(created_at=long_ago, updated_at=long_ago)
    entry = entry_add(
        actor=Actor(user=huisarts_a), consult=first, domain="geest", kind="speelt", text="Somber"
    )
    candidate = erasure_candidate(Actor(user=beheerder_a), HIS)
    assert candidate is not None
    assert candidate.conversations == 2
    assert candidate.created_at == long_ago
    assert candidate.last_change >= entry.updated_at - datetime.timedelta(seconds=1)


# -- Nothing of the patient is left; the audit trail stays whole ------------------------


def test_after_erasure_nothing_of_the_patient_is_left_in_any_table(
    beheerder_a, huisarts_a, poh_a, poh_s_a, patient_x, bystander, practice_a
):
    service = make_service(practice_a.own_map, name="Schuldhulp Zonnedal")
    client_for(huisarts_a), client_for(beheerder_a)  # their sessions exist before
    before = row_counts()
    build_full_record(patient_x, huisarts=huisarts_a, poh_ggz=poh_a, poh_s=poh_s_a, service=service)
    with_record = row_counts()
    grew = {label for label in with_record if with_record[label] > before[label]}
    # The record really reaches into every app and every kind of thing.
    for label in (
        "consult.Consent",
        "consult.Consult",
        "consult.Plan",
        "consult.Goal",
        "consult.Agreement",
        "consult.NetworkMember",
        "consult.Referral",
        "consult.ReferralEvent",
        "consult.PatientFlag",
        "consult.PatientLink",
        "consult.TeachBack",
        "models_4d.FourDEntry",
        "models_4d.FourDConnection",
        "spinnenweb.Web",
        "spinnenweb.WebDimension",
        "kop.Complaint",
        "kop.Intervention",
        "emboss.Card",
        "emboss.CardMark",
        "emboss.GoalScale",
        "emboss.GoalEvaluation",
    ):
        assert label in grew, label
    assert Consult.objects.filter(patient=patient_x, continues__isnull=False).exists()
    consult_ids = {str(id_) for id_ in patient_x.consults.values_list("public_id", flat=True)}
    patient_pk, public_id = patient_x.pk, str(patient_x.public_id)
    trail_before = set(
        AuditEvent.objects.filter(patient_id=patient_x.public_id).values_list("pk", flat=True)
    )

    record = patient_erase(
        Actor(user=beheerder_a),
        HIS,
        ErasureGround.PATIENT_REQUEST,
        timezone.localdate(),
        huisarts_a,
    )

    after = row_counts()
    before["consult.Patient"] -= 1  # the patient was there before their record grew
    for label, count in after.items():
        if label in ("consult.AuditEvent", "consult.ErasureRecord"):
            continue
        assert count == before[label], f"{label}: {before[label]} before the record, {count} now"
    assert after["consult.ErasureRecord"] == before["consult.ErasureRecord"] + 1

    # No row of any table points at the patient or holds who they were.
    traces = (FIRST, LAST, HIS, "Zwuppelnotitie", public_id, *consult_ids)
    for model in project_models():
        keeps_ids = model in (AuditEvent, ErasureRecord)
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Patient:
                assert not model._base_manager.filter(**{field.attname: patient_pk}).exists()
        for row in model._base_manager.values():
            text = json.dumps(row, default=str)
            for trace in traces:
                if keeps_ids and trace in (public_id, *consult_ids):
                    continue
                assert trace not in text, f"{model._meta.label} still holds {trace!r}: {row}"

    # The bystander is untouched and the patient search finds nothing.
    assert Patient.objects.filter(pk=bystander.pk).exists()
    search = client_for(huisarts_a)
    for query in (LAST, FIRST, HIS, "23-08-1961"):
        page = text_of(search.get(reverse("patient_list"), {"q": query}))
        assert LAST not in page
        assert FIRST not in page

    # Every audit record of the patient is still there, with the public id, and the
    # erasure itself is in the trail, naming the hash instead of the person.
    trail_after = set(
        AuditEvent.objects.filter(patient_id=patient_x.public_id).values_list("pk", flat=True)
    )
    assert trail_before < trail_after
    erased = AuditEvent.objects.get(event=AuditEventType.ERASURE, action="delete")
    assert erased.object_id == public_id
    assert erased.details == {
        "ground": "patient_request",
        "his_number_hash": record.his_number_hash,
    }
    assert erased.user == beheerder_a
    seal_pending()
    report = verify_chain()
    assert report.broken_at is None, report.reason
    assert report.unsealed == 0
    assert report.checked == AuditEvent.objects.count()


def test_erasure_is_all_or_nothing(beheerder_a, huisarts_a, patient_x, monkeypatch):
    def refuse(patient):
        raise models.ProtectedError("something points here", set())

    monkeypatch.setattr(erasure_services, "_delete_record", refuse)
    with pytest.raises(ValidationError) as refused:
        patient_erase(Actor(user=beheerder_a), HIS, ErasureGround.PATIENT_REQUEST, None, huisarts_a)
    assert refused.value.code == "requested_on"
    with pytest.raises(ValidationError) as refused:
        patient_erase(
            Actor(user=beheerder_a),
            HIS,
            ErasureGround.PATIENT_REQUEST,
            timezone.localdate(),
            huisarts_a,
        )
    assert refused.value.code == "protected"
    assert Patient.objects.filter(pk=patient_x.pk).exists()
    assert not ErasureRecord.objects.exists()
    attempt = AuditEvent.objects.get(event=AuditEventType.ERASURE, action="delete")
    assert attempt.outcome == "failed"


# -- Finding an erasure later; the hash ------------------------------------------------


def test_erasure_lookup_finds_the_record_with_the_right_his_number_only(
    beheerder_a, huisarts_a, patient_x, practice_a, practice_b
):
    patient_erase(
        Actor(user=beheerder_a),
        HIS,
        ErasureGround.PATIENT_REQUEST,
        timezone.localdate(),
        huisarts_a,
    )
    found = erasure_lookup(practice_a.pk, HIS)
    assert found is not None
    assert found.patient_public_id == patient_x.public_id
    assert erasure_lookup(practice_a.pk, f"  {HIS.lower()} ") == found
    assert erasure_lookup(practice_a.pk, "QX-4712") is None
    assert erasure_lookup(practice_b.pk, HIS) is None
    assert erasure_lookup(practice_a.pk, "") is None


def test_the_hash_is_keyed_and_differs_per_practice(practice_a, practice_b):
    hashed = his_number_hash(practice_a.pk, HIS)
    assert len(hashed) == 64
    assert hashed != hashlib.sha256(HIS.encode()).hexdigest()
    assert hashed != hashlib.sha256(f"{practice_a.pk}:{HIS}".encode()).hexdigest()
    assert hashed != his_number_hash(practice_b.pk, HIS)
    assert hashed == his_number_hash(practice_a.pk, f" {HIS.lower()} ")
    with override_settings(ERASURE_HASH_KEY="a-key-of-the-practice-kept-apart"):
        assert his_number_hash(practice_a.pk, HIS) != hashed
    with override_settings(SECRET_KEY="another-secret-key-for-this-test"):
        assert his_number_hash(practice_a.pk, HIS) != hashed


# -- Who may erase ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["huisarts_a", "manager_a"])
def test_only_the_beheerder_may_erase(persona, request, huisarts_a, patient_x):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("erasure_start")).status_code == 403
    step_1, step_2 = erase_through_the_pages(client, huisarts_a)
    assert (step_1.status_code, step_2.status_code) == (403, 403)
    assert client.get(reverse("erasure_receipt")).status_code == 403
    assert Patient.objects.filter(pk=patient_x.pk).exists()
    assert not ErasureRecord.objects.exists()
    with pytest.raises(PermissionDenied):
        patient_erase(
            Actor(user=user), HIS, ErasureGround.PATIENT_REQUEST, timezone.localdate(), huisarts_a
        )
    with pytest.raises(PermissionDenied):
        erasure_candidate(Actor(user=user), HIS)
    assert Patient.objects.filter(pk=patient_x.pk).exists()


def test_a_beheerder_of_another_practice_cannot_erase(beheerder_b, huisarts_b, patient_x):
    client = client_for(beheerder_b)
    step_1, step_2 = erase_through_the_pages(client, huisarts_b)
    assert (step_1.status_code, step_2.status_code) == (404, 404)
    assert dutch("There is no patient with this HIS number in your practice.") in text_of(step_1)
    with pytest.raises(ValidationError) as refused:
        patient_erase(
            Actor(user=beheerder_b),
            HIS,
            ErasureGround.PATIENT_REQUEST,
            timezone.localdate(),
            huisarts_b,
        )
    assert refused.value.code == "not_found"
    assert Patient.objects.filter(pk=patient_x.pk).exists()
    assert not ErasureRecord.objects.exists()


def test_the_agreeing_colleague_must_be_a_confirmed_treating_colleague_of_the_practice(
    beheerder_a, manager_a, huisarts_b, practice_a, patient_x
):
    unconfirmed = UserFactory.create(practice=practice_a, role=Role.HUISARTS, confirmed_at=None)
    deactivated = UserFactory.create(practice=practice_a, role=Role.POH_S, is_active=False)
    for colleague in (manager_a, beheerder_a, unconfirmed, deactivated, huisarts_b, None):
        with pytest.raises(ValidationError) as refused:
            patient_erase(
                Actor(user=beheerder_a),
                HIS,
                ErasureGround.PATIENT_REQUEST,
                timezone.localdate(),
                colleague,
            )
        assert refused.value.code == "agreed_by"
    client = client_for(beheerder_a)
    page = text_of(client.get(reverse("erasure_start")))
    assert manager_a.full_name not in page
    assert unconfirmed.full_name not in page
    message = dutch(COLLEAGUE_MESSAGE)
    for colleague in (manager_a, unconfirmed, huisarts_b):
        step_1, step_2 = erase_through_the_pages(client, colleague)
        assert (step_1.status_code, step_2.status_code) == (400, 400)
        assert message in text_of(step_1)
        assert message in text_of(step_2)
    assert Patient.objects.filter(pk=patient_x.pk).exists()
    assert not ErasureRecord.objects.exists()


# -- Bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"his_number": ""}, "Enter the patient's HIS number."),
        ({"his_number": "1" * 21}, None),
        ({"his_number": "9" * 5000}, None),
        ({"requested_on": ""}, "Enter the date of the request."),
        ({"requested_on": "morgen"}, "Enter the date of the request as dd-mm-yyyy."),
        (
            {"requested_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "The date of the request cannot be in the future.",
        ),
        ({"ground": "because-i-say-so"}, "Choose a ground for the erasure."),
        ({"ground": ""}, "Choose a ground for the erasure."),
        ({"agreed_by": "not-a-uuid"}, COLLEAGUE_MESSAGE),
        ({"agreed_by": ""}, COLLEAGUE_MESSAGE),
    ],
)
def test_bad_input_gives_a_dutch_message_and_changes_nothing(
    overrides, message, beheerder_a, huisarts_a, patient_x
):
    client = client_for(beheerder_a)
    step_1, step_2 = erase_through_the_pages(client, huisarts_a, **overrides)
    for response in (step_1, step_2):
        assert response.status_code == 400
        page = text_of(response)
        assert 'role="alert"' in page or "errorlist" in page
        if message:
            assert dutch(message) in page
    if overrides.get("his_number", "").startswith("1"):
        assert "niet meer dan 20 tekens" in text_of(step_1)
    assert Patient.objects.filter(pk=patient_x.pk).exists()
    assert not ErasureRecord.objects.exists()


def test_a_mismatched_confirmation_erases_nothing(beheerder_a, huisarts_a, patient_x):
    client = client_for(beheerder_a)
    _step_1, step_2 = erase_through_the_pages(client, huisarts_a, confirm="QX-4712")
    assert step_2.status_code == 400
    assert dutch("The HIS number you typed again does not match. Nothing was erased.") in text_of(
        step_2
    )
    _step_1, step_2 = erase_through_the_pages(client, huisarts_a, confirm=" ")
    assert step_2.status_code == 400
    assert Patient.objects.filter(pk=patient_x.pk).exists()
    assert not ErasureRecord.objects.exists()


def test_the_erasure_itself_is_post_only_and_needs_the_csrf_token(
    beheerder_a, huisarts_a, patient_x
):
    client = client_for(beheerder_a)
    assert client.get(reverse("erasure_carry_out")).status_code == 405
    client.handler.enforce_csrf_checks = True
    data = {
        "his_number": HIS,
        "ground": ErasureGround.PATIENT_REQUEST,
        "requested_on": timezone.localdate().isoformat(),
        "agreed_by": str(huisarts_a.public_id),
        "confirm_his_number": HIS,
    }
    assert client.post(reverse("erasure_carry_out"), data).status_code == 403
    assert Patient.objects.filter(pk=patient_x.pk).exists()


def test_the_retention_ground_needs_an_ended_retention_period(beheerder_a, huisarts_a, patient_x):
    client = client_for(beheerder_a)
    _step_1, step_2 = erase_through_the_pages(
        client, huisarts_a, ground=ErasureGround.RETENTION_ENDED
    )
    assert step_2.status_code == 400
    assert Patient.objects.filter(pk=patient_x.pk).exists()
    age_record(patient_x, timezone.now() - datetime.timedelta(days=21 * 366))
    _step_1, step_2 = erase_through_the_pages(
        client, huisarts_a, ground=ErasureGround.RETENTION_ENDED
    )
    assert step_2.status_code == 302
    assert ErasureRecord.objects.get().ground == ErasureGround.RETENTION_ENDED


# -- Retention -------------------------------------------------------------------------


def age_record(patient: Patient, when: datetime.datetime) -> None:
    """Make every row of the patient's record (as Django's own deletion collector
    finds it) look last written at `when`."""
    collector = Collector(using="default")
    collector.collect([patient])
    groups = [
        model._base_manager.filter(pk__in=[obj.pk for obj in objs])
        for model, objs in collector.data.items()
    ]
    groups += list(collector.fast_deletes)
    for queryset in groups:
        values: dict[str, datetime.date] = {}
        for field in queryset.model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                values[field.name] = when
            elif isinstance(field, models.DateField):
                values[field.name] = timezone.localdate(when)
        if values:
            queryset.update(**values)


@pytest.fixture
def with_conversation(huisarts_a):
    def make(patient: Patient) -> Patient:
        actor = Actor(user=huisarts_a)
        ConsentFactory.create(patient=patient, given_to=huisarts_a, recorded_by=huisarts_a)
        consult = consult_start(actor=actor, patient=patient, model_slug="4d")
        entry_add(actor=actor, consult=consult, domain="lichaam", kind="speelt", text="Moe")
        goal_add(actor=actor, consult=consult, text="Uitrusten", domain="4d:lichaam")
        return patient

    return make


def test_retention_lists_a_record_unchanged_for_21_years_and_erases_only_that(
    practice_a, with_conversation
):
    now = timezone.now()
    old = with_conversation(PatientFactory.create(practice=practice_a, last_name="Oudvan"))
    recent = with_conversation(PatientFactory.create(practice=practice_a, last_name="Recentvan"))
    revived = with_conversation(PatientFactory.create(practice=practice_a, last_name="Terugvan"))
    age_record(old, now - datetime.timedelta(days=21 * 366))
    age_record(recent, now - datetime.timedelta(days=365))
    age_record(revived, now - datetime.timedelta(days=21 * 366))
    # Only the patient's row is old: a conversation of last month keeps the record.
    Consult.objects.filter(patient=revived).update(started_at=now - datetime.timedelta(days=30))

    assert retention_due(practice_a.pk, timezone.localdate()) == [old]
    assert retention_due(None, timezone.localdate()) == [old]

    listing = StringIO()
    call_command("retention", stdout=listing)
    out = listing.getvalue()
    assert str(old.public_id) in out
    assert str(recent.public_id) not in out
    assert str(revived.public_id) not in out
    for name in ("Oudvan", "Recentvan", "Terugvan", old.his_number):
        assert name not in out
    assert Patient.objects.filter(pk=old.pk).exists(), "listing erases nothing"

    erasing = StringIO()
    call_command("retention", "--erase", stdout=erasing)
    assert not Patient.objects.filter(pk=old.pk).exists()
    assert Patient.objects.filter(pk__in=[recent.pk, revived.pk]).count() == 2
    record = ErasureRecord.objects.get()
    assert record.patient_public_id == old.public_id
    assert record.ground == ErasureGround.RETENTION_ENDED
    assert (record.carried_out_by, record.agreed_by, record.requested_on) == (None, None, None)
    assert record.his_number_hash == his_number_hash(practice_a.pk, old.his_number)
    audited = AuditEvent.objects.get(event=AuditEventType.ERASURE, action="delete")
    assert (audited.user, audited.patient_id) == (None, old.public_id)
    assert audited.details["ground"] == "retention_ended"
    assert record.his_number_hash[:12] in erasing.getvalue()
    seal_pending()
    assert verify_chain().broken_at is None


def test_retention_for_one_practice_and_its_help_says_the_trail_stays(
    practice_a, practice_b, with_conversation
):
    old_a = with_conversation(PatientFactory.create(practice=practice_a))
    old_b = PatientFactory.create(practice=practice_b)
    for patient in (old_a, old_b):
        age_record(patient, timezone.now() - datetime.timedelta(days=21 * 366))
    out = StringIO()
    call_command("retention", "--practice", str(practice_b.pk), "--erase", stdout=out)
    assert Patient.objects.filter(pk=old_a.pk).exists()
    assert not Patient.objects.filter(pk=old_b.pk).exists()
    out = StringIO()
    call_command("retention", "--practice", str(practice_a.public_id), stdout=out)
    assert str(old_a.public_id) in out.getvalue()

    from consult.management.commands.retention import Command

    assert "five years" in Command.help
    assert "never deletes" in Command.help


def test_retention_counts_from_the_last_change_with_the_setting(practice_a):
    patient = PatientFactory.create(practice=practice_a)
    age_record(patient, timezone.now() - datetime.timedelta(days=6 * 366))
    assert retention_due(practice_a.pk, timezone.localdate()) == []
    with override_settings(RECORD_RETENTION_YEARS=5):
        assert retention_due(practice_a.pk, timezone.localdate()) == [patient]


def test_the_colleagues_to_choose_are_named_with_their_short_role(beheerder_a, poh_a):
    """Not “POH A (POH-GGZ (praktijkondersteuner ggz))”."""
    page = client_for(beheerder_a).get(reverse("erasure_start")).content.decode()
    assert ">POH A (POH-GGZ)</option>" in page
