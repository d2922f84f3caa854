"""The world of tests/security/world.py, grown to a size: patient A with a history of
consults of all four conversation models, a plan with many goals (with agreements,
referrals, KOP interventions, EMBOSS scales, evaluations and checks), a sociale kaart
with many services, other patients of practice A on the lists, colleagues, flags,
patient links, logins and, from all of that, audit records.

`build_sized_world(SMALL)` and `build_sized_world(LARGE)` make the same world at two
sizes: every URL case of `World.url_cases()` is filled in from the same kind of objects
in both, so a page that runs more queries in the large one does so because of the
data. The small world has at least two of everything a page lists (an empty list
skips a prefetch, one item hides nothing), the large one many times as many.

Everything is written through the app's services where there is one, as the security
world is; dates and scores are set afterwards with a plain UPDATE where no service
sets them (consults of the last year and a half, referrals without news for a month,
the scores of a spider web).
"""

import datetime
import itertools
from dataclasses import dataclass

from django.utils import timezone

from consult.access import Actor
from consult.audit import PatientVisitor
from consult.models import (
    Agreement,
    Consent,
    Consult,
    FlagLevel,
    Goal,
    Plan,
    Referral,
    ReferralStatus,
    Role,
    User,
    WhoKind,
)
from consult.registry import conversation_models, get_conversation_model
from consult.services import plans, referrals
from consult.services.consent import consent_record
from consult.services.consults import consult_start
from consult.services.flags import flag_close, flag_raise
from consult.services.patient_links import link_complete, link_create, link_withdraw
from consult.services.patients import patient_create
from sociale_kaart.csv_io.jobs import import_job_create
from sociale_kaart.csv_models import ImportJob
from sociale_kaart.models import Service, ServiceMap
from sociale_kaart.services import service_save
from sociale_kaart.themes import ThemeSlug
from tests.conftest import client_for as two_factor_client_for
from tests.factories import UserFactory
from tests.security.world import World, build_world

# The models in the order their history is made.
HISTORY_ORDER = ("4d", "spinnenweb", "kop", "emboss")


@dataclass(frozen=True)
class WorldSize:
    """How much of everything the grown world has. Counts are totals where the
    security world already made some (consults, goals), else what is added."""

    name: str
    consults: int  # patient A's consults, the security world's four open ones included
    goals: int  # active goals in patient A's plan, the security world's two included
    agreements_per_goal: int
    services: int  # per map: practice A's own and the care group's shared map
    patients: int  # other patients of practice A (lists, follow-up, evaluations)
    colleagues: int  # more users of practice A, some awaiting confirmation
    items: int  # per list in an open consult: 4D entries, KOP complaints, ...
    network: int  # people around patient A
    flags: int  # flags on patient A, half of them closed
    links: int  # patient links of patient A, made, withdrawn and sent back
    revisions: int  # edits of the world's service (its history page)
    import_jobs: int  # uploads of the practice's sociale kaart
    import_rows: int  # rows in the world's import job (its check page)
    logins: int  # more sessions of huisarts_a (the security page lists them)


SMALL = WorldSize(
    name="small",
    consults=8,
    goals=5,
    agreements_per_goal=2,
    services=4,
    patients=3,
    colleagues=2,
    items=3,
    network=2,
    flags=2,
    links=2,
    revisions=2,
    import_jobs=2,
    import_rows=3,
    logins=2,
)
LARGE = WorldSize(
    name="large",
    consults=30,
    goals=50,
    agreements_per_goal=2,
    services=60,
    patients=40,
    colleagues=20,
    items=20,
    network=12,
    flags=12,
    links=12,
    revisions=15,
    import_jobs=10,
    import_rows=60,
    logins=8,
)
SIZES = (SMALL, LARGE)


def build_sized_world(size: WorldSize) -> World:
    """The security world, grown to `size` (call it with database access)."""
    world = build_world()
    grow(world, size)
    return world


def grow(world: World, size: WorldSize) -> None:
    huisarts = world.user("huisarts_a")
    actor = Actor(user=huisarts, client_address="127.0.0.1")
    services = _kaart(world, size)
    _history(world, actor, size)
    _open_consults(world, actor, size)
    _plan(world, actor, size, services)
    _patient_extras(world, actor, size)
    _practice(world, actor, size, services)
    _logins(world, size)
    for consult in world.consults.values():
        consult.refresh_from_db()


# --- the sociale kaart ------------------------------------------------------------------


def _kaart(world: World, size: WorldSize) -> list[Service]:
    """Services on practice A's own map and on the care group's shared one, with
    themes, areas and review dates of every kind; the world's service edited again and
    again (its history); uploads of the map, the world's one with many rows."""
    today = timezone.localdate()
    own_map = world.practice_a.own_map
    shared_map = world.practice_a.shared_map
    assert own_map is not None
    assert shared_map is not None
    themes = list(ThemeSlug)
    made: list[Service] = []
    for map_, label in ((own_map, "Eigen"), (shared_map, "Zorggroep")):
        for n in range(size.services):
            service = Service(
                service_map=map_,
                name=f"{label} dienst {n:03d}",
                organisation=f"Stichting {label} {n % 7}",
                description=f"Hulp bij {themes[n % len(themes)].label} in de buurt.",
                serves_whole_region=n % 3 == 0,
                area_postcodes="" if n % 3 == 0 else ("9990-9999, 9801" if n % 2 else "9801"),
                phone="0501234567" if n % 2 else "",
                email=f"dienst{n}@welzijn.example",
                age_min=18 if n % 5 == 0 else None,
                is_active=n % 11 != 10,
                last_checked_on=None if n % 4 == 3 else today - datetime.timedelta(days=30 * n),
            )
            service.full_clean(exclude=["themes"])
            slugs = [themes[n % len(themes)].value, themes[(n + 3) % len(themes)].value]
            made.append(service_save(service=service, themes=slugs, user=None, change="created"))
    manager = world.user("praktijkmanager_a")
    for n in range(size.revisions):
        world.service.description = f"Samen fietsen in de buurt, ronde {n}."
        service_save(
            service=world.service, themes=["geld-en-schulden"], user=manager, change="updated"
        )
    _uploads(world, own_map, size, manager)
    return [service for service in made if service.is_active]


def _uploads(world: World, own_map: ServiceMap, size: WorldSize, manager: User) -> None:
    for n in range(size.import_jobs):
        import_job_create(
            service_map=own_map,
            file_name=f"diensten-{n}.csv",
            content="naam;beschrijving\r\nBuurthuis De Kloof;Een plek om elkaar te ontmoeten.\r\n",
            user=manager,
        )
    # The world's upload: half the rows update services of the map, half are new.
    rows = [
        f"Eigen dienst {n:03d};Bijgewerkt in de upload."
        if n % 2 and n < size.services
        else f"Nieuwe dienst {n:03d};Een nieuwe plek in de wijk."
        for n in range(size.import_rows)
    ]
    content = "naam;beschrijving\r\n" + "".join(f"{row}\r\n" for row in rows)
    ImportJob.objects.filter(pk=world.import_job.pk).update(content=content)


# --- patient A's history ----------------------------------------------------------------


def _history(world: World, actor: Actor, size: WorldSize) -> None:
    """Finished consults of every model before the world's open ones: standalone 4D
    conversations and spider webs, a trajectory of KOP sessions and one of EMBOSS
    cycles that the world's open KOP and EMBOSS consults continue."""
    extra = size.consults - len(world.consults)
    assert extra >= len(HISTORY_ORDER), f"{size.name}: too few consults for a history"
    slugs = [slug for slug in HISTORY_ORDER if slug in world.consults]
    counts = {slug: extra // len(slugs) + (i < extra % len(slugs)) for i, slug in enumerate(slugs)}
    clinicians = [actor, Actor(user=world.user("poh_s_a"), client_address="127.0.0.1")]
    started: list[Consult] = []
    for slug in slugs:
        model = get_conversation_model(slug)
        assert model is not None
        previous: Consult | None = None
        for n in range(counts[slug]):
            by = clinicians[n % len(clinicians)]
            consult = consult_start(
                actor=by,
                patient=world.patient,
                model_slug=slug,
                continues=previous if model.continuable else None,
            )
            _fill_history(by, consult, n)
            started.append(consult)
            previous = consult
        if previous is not None and model.continuable:
            plans.consult_finish(actor=actor, consult=previous)
            _continue_with(world.consults[slug], previous)
    for consult in started:
        consult.refresh_from_db()
        if consult.finished_at is None:
            plans.consult_finish(actor=actor, consult=consult)
    # Oldest first, three weeks apart, all before the world's open consults.
    now = timezone.now()
    for index, consult in enumerate(started):
        when = now - datetime.timedelta(days=21 * (len(started) - index))
        Consult.objects.filter(pk=consult.pk).update(started_at=when, finished_at=when)
        _date_webs(consult, when.date())


def _fill_history(actor: Actor, consult: Consult, n: int) -> None:
    if consult.model_slug == "4d":
        from models_4d import services as four_d

        entries = [
            four_d.entry_add(actor=actor, consult=consult, domain=domain, kind=kind, text=text)
            for domain, kind, text in (
                ("lichaam", "speelt", f"Hoofdpijn ({n})"),
                ("geest", "speelt", "Somber, veel piekeren"),
                ("sociaal", "helpt", "Mijn zus luistert"),
                ("maatschappelijk", "speelt", "Schulden"),
            )
        ]
        four_d.connection_add(actor=actor, consult=consult, cause=entries[3], effect=entries[1])
        four_d.connection_add(actor=actor, consult=consult, cause=entries[1], effect=entries[0])
    elif consult.model_slug == "spinnenweb":
        from spinnenweb import services as spinnenweb
        from spinnenweb.models import WebDimension

        web = spinnenweb.web_of(consult)
        for index, dimension in enumerate(WebDimension.objects.filter(web=web).order_by("pk")):
            WebDimension.objects.filter(pk=dimension.pk).update(
                score=3 + (n + index) % 6, talk=index == n % 6
            )
    elif consult.model_slug == "kop":
        from kop import services as kop
        from kop.models import Complaint

        if consult.session_number == 1:
            for number in range(4):
                kop.complaint_add(
                    actor=actor, consult=consult, text=f"Klacht {number}", severity=8 - number
                )
        else:
            for number, complaint in enumerate(Complaint.objects.filter(consult=consult)):
                Complaint.objects.filter(pk=complaint.pk).update(
                    severity=max(1, 8 - number - n // 2)
                )
    elif consult.model_slug == "emboss":
        from emboss import services as emboss
        from emboss.models import CardMark

        card = emboss.card_of(consult)
        for index, mark in enumerate(CardMark.objects.filter(card=card).order_by("pk")):
            CardMark.objects.filter(pk=mark.pk).update(
                state=("goed", "zorgen", "")[(n + index) % 3], matters_most=index == n % 7
            )
        goal = plans.goal_add(
            actor=actor, consult=consult, text=f"Doel van cyclus {n}", domain="emboss:mensen"
        )
        evaluation = emboss.evaluation_of(consult, goal)
        evaluation.outcome = "deels"
        evaluation.score = n % 3 - 1
        evaluation.save()
        plans.goal_reach(actor=actor, consult=consult, goal=goal)


def _continue_with(consult: Consult, previous: Consult) -> None:
    """Make the world's open consult the next session of the history's trajectory,
    as consult_start(continues=...) would have, keeping what the world put in it.
    KOP complaints keep their lineage, so their severity can be followed."""
    Consult.objects.filter(pk=consult.pk).update(
        continues=previous,
        trajectory_id=previous.trajectory_id,
        session_number=previous.session_number + 1,
    )
    if consult.model_slug == "kop":
        from kop.models import Complaint

        Complaint.objects.bulk_create(
            Complaint(consult=consult, lineage=item.lineage, text=item.text, severity=item.severity)
            for item in Complaint.objects.active().filter(consult=previous)
        )


def _date_webs(consult: Consult, day: datetime.date) -> None:
    if consult.model_slug == "spinnenweb":
        from spinnenweb.models import Web

        Web.objects.filter(consult=consult).update(filled_on=day)
    elif consult.model_slug == "emboss":
        from emboss.models import Card

        Card.objects.filter(consult=consult).update(filled_on=day)


# --- the world's open consults ------------------------------------------------------------


def _open_consults(world: World, actor: Actor, size: WorldSize) -> None:
    """What each open consult lists on its steps: 4D entries and connections in every
    domain, a KOP schema of many complaints, burdens and styles, a spider web scored."""
    consults = world.consults
    if "4d" in consults:
        from models_4d import services as four_d

        domains = ("lichaam", "geest", "sociaal", "maatschappelijk")
        entries = [
            four_d.entry_add(
                actor=actor,
                consult=consults["4d"],
                domain=domains[n % len(domains)],
                kind=("speelt", "helpt")[n // len(domains) % 2],
                text=f"Wat speelt er {n}",
            )
            for n in range(size.items)
        ]
        for cause, effect in itertools.pairwise(entries):
            if cause.domain != effect.domain:
                four_d.connection_add(
                    actor=actor, consult=consults["4d"], cause=cause, effect=effect
                )
    if "kop" in consults:
        from kop import services as kop

        consult = consults["kop"]
        for n in range(size.items):
            kop.complaint_add(
                actor=actor, consult=consult, text=f"Klacht {n}", since="mei", severity=n % 10 + 1
            )
            kop.circumstance_add(
                actor=actor,
                consult=consult,
                area=("geld", "werk", "familie")[n % 3],
                positive=n % 2 == 0,
                text=f"Omstandigheid {n}",
            )
            kop.style_add(actor=actor, consult=consult, helps=n % 2 == 0, text=f"Stijl {n}")
    if "spinnenweb" in consults:
        from spinnenweb import services as spinnenweb
        from spinnenweb.models import WebDimension

        web = spinnenweb.web_of(consults["spinnenweb"])
        for index, dimension in enumerate(WebDimension.objects.filter(web=web).order_by("pk")):
            WebDimension.objects.filter(pk=dimension.pk).update(score=2 + index, talk=index < 2)


# --- the plan ---------------------------------------------------------------------------


def _plan(world: World, actor: Actor, size: WorldSize, services: list[Service]) -> None:
    """Goals from every open consult in its model's domains, each with agreements;
    referrals for every third goal, referred, accepted or started; removed goals (the
    history reached some); the people around the patient; KOP interventions and EMBOSS
    scales, evaluations and agreement checks for the goals."""
    domains: list[tuple[Consult, str]] = []
    for consult in world.consults.values():
        model = get_conversation_model(consult.model_slug)
        assert model is not None
        domains.extend((consult, f"{model.slug}:{domain.key}") for domain in model.domains)
    active = Goal.objects.active().filter(plan__patient=world.patient, reached_on__isnull=True)
    goals: list[Goal] = list(active)
    who = [WhoKind.PATIENT, WhoKind.PROFESSIONAL, WhoKind.ORGANISATION, WhoKind.INFORMAL]
    today = timezone.localdate()
    for n in range(size.goals - len(goals)):
        consult, domain = domains[n % len(domains)]
        goal = plans.goal_add(
            actor=actor, consult=consult, text=f"Doel {n} van de patiënt", domain=domain
        )
        for m in range(size.agreements_per_goal):
            kind = who[(n + m) % len(who)]
            plans.agreement_add(
                actor=actor,
                consult=consult,
                goal=goal,
                what=f"Afspraak {m} bij doel {n}",
                who_kind=kind,
                who_name="" if kind == WhoKind.PATIENT else f"Betrokkene {m}",
                coordinator="POH" if m else "",
                evaluate_on=today + datetime.timedelta(days=14 + n),
            )
        goals.append(goal)
    primary = world.primary_consult
    for n, goal in enumerate(goals[::3]):
        service = services[n % len(services)]
        referral = referrals.referral_create(
            actor=actor, consult=primary, service=service, goal=goal
        )
        for status in (ReferralStatus.ACCEPTED, ReferralStatus.STARTED)[: n % 3]:
            referrals.referral_advance(
                actor=actor,
                consult=primary,
                referral=referral,
                status=status,
                on=today,
                note="Gebeld",
            )
    # Gone from the plan: removed goals, with an agreement (they can be put back).
    for n in range(max(1, size.goals // 10)):
        goal = plans.goal_add(actor=actor, consult=primary, text=f"Weggehaald doel {n}")
        plans.agreement_add(actor=actor, consult=primary, goal=goal, what="Vervallen afspraak")
        plans.item_remove(actor=actor, consult=primary, item=goal, kind="goal")
    for n in range(size.network):
        member = plans.network_add(
            actor=actor, consult=primary, name=f"Naaste {n}", role="buurman", phone="0612345678"
        )
        if n == 0:
            plans.network_set_regiehouder(actor=actor, consult=primary, member=member)
    _goal_extras(world, actor, goals)


def _goal_extras(world: World, actor: Actor, goals: list[Goal]) -> None:
    if "kop" in world.consults:
        from kop import services as kop
        from kop.interventions import INTERVENTIONS_BY_TARGET

        offered = [
            (str(target), str(kind))
            for target, kinds in INTERVENTIONS_BY_TARGET.items()
            for kind in kinds
        ]
        for n, goal in enumerate(goals[: max(2, len(goals) // 5)]):
            target, kind = offered[n % len(offered)]
            kop.intervention_add(
                actor=actor,
                consult=world.consults["kop"],
                goal=goal,
                target=target,
                kind=kind,
                who="patient" if n % 2 else "professional",
            )
    if "emboss" in world.consults:
        from emboss import services as emboss

        consult = world.consults["emboss"]
        for n, goal in enumerate(goals):
            scale = emboss.scale_of(goal)
            scale.as_hoped = f"Zoals gehoopt {n}"
            scale.save()
            evaluation = emboss.evaluation_of(consult, goal)
            evaluation.score = n % 3 - 1
            evaluation.save()
        for agreement in Agreement.objects.active().filter(goal__in=goals):
            emboss.check_of(consult, agreement)


# --- around patient A ---------------------------------------------------------------------


def _patient_extras(world: World, actor: Actor, size: WorldSize) -> None:
    """Flags (half closed), patient links (sent back, open, withdrawn), teach-back in
    every open consult, and an older consent that was withdrawn."""
    patient = world.patient
    consults = list(world.consults.values())
    for n in range(size.flags):
        flag = flag_raise(
            actor=actor,
            consult=consults[n % len(consults)],
            source_key=f"performance:{n}",
            level=(FlagLevel.ATTENTION, FlagLevel.RISK, FlagLevel.ACUTE)[n % 3],
            text=f"Signaal {n}: let op.",
        )
        if n % 2:
            flag_close(actor=actor, flag=flag, reason="Besproken.")
    # Sent back from home after the history: each open consult has one to take up.
    visitor = PatientVisitor(client_address="127.0.0.1")
    entries = [(m.slug, e.purpose) for m in conversation_models() for e in m.patient_entries]
    for model_slug, purpose in entries:
        link, _token = link_create(
            actor=actor, patient=patient, model_slug=model_slug, purpose=purpose
        )
        link_complete(visitor=visitor, link=link)
    for n in range(size.links):
        model_slug, purpose = entries[n % len(entries)]
        link, _token = link_create(
            actor=actor, patient=patient, model_slug=model_slug, purpose=purpose
        )
        if n % 2:
            link_withdraw(actor=actor, link=link)
    for consult in consults:
        if consult.pk != world.primary_consult.pk:
            plans.teach_back_record(actor=actor, consult=consult, patient_said="Ik snap het plan.")
    today = timezone.localdate()
    huisarts = world.user("huisarts_a")
    Consent.objects.create(
        patient=patient,
        given_on=today - datetime.timedelta(days=400),
        given_to=huisarts,
        recorded_by=huisarts,
        withdrawn_on=today - datetime.timedelta(days=300),
        withdrawn_recorded_by=huisarts,
    )


def _practice(world: World, actor: Actor, size: WorldSize, services: list[Service]) -> None:
    """Other patients of practice A, each consenting with a consult and a plan due for
    evaluation, every other one with a referral without news for a month; colleagues
    of every role, the clinicians among them awaiting confirmation every other one."""
    today = timezone.localdate()
    huisarts = world.user("huisarts_a")
    for n in range(size.patients):
        patient = patient_create(
            actor=actor,
            first_name=f"Anne{n}",
            last_name=f"de Vries-{n:03d}",
            date_of_birth=datetime.date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
            his_number=f"{5100000 + n}",
            postcode="9801 AB",
        )
        consent_record(
            actor=actor,
            patient=patient,
            given_on=today - datetime.timedelta(days=5),
            given_to=huisarts,
        )
        consult = consult_start(actor=actor, patient=patient, model_slug=world.primary_slug)
        plans.goal_add(actor=actor, consult=consult, text="Beter slapen")
        Plan.objects.filter(patient=patient).update(
            next_evaluation_on=today + datetime.timedelta(days=n % 10 - 3)
        )
        if n % 2 == 0:
            referral = referrals.referral_create(
                actor=actor, consult=consult, service=services[n % len(services)], goal=None
            )
            Referral.objects.filter(pk=referral.pk).update(
                status_on=today - datetime.timedelta(days=30 + n)
            )
    roles = [Role.HUISARTS, Role.POH_S, Role.POH_GGZ, Role.PRAKTIJKMANAGER, Role.BEHEERDER]
    for n in range(size.colleagues):
        role = roles[n % len(roles)]
        colleague = UserFactory.create(
            practice=world.practice_a, role=role, full_name=f"Collega {n:03d}"
        )
        if colleague.is_clinician and n % 2:
            User.objects.filter(pk=colleague.pk).update(confirmed_at=None)


def _logins(world: World, size: WorldSize) -> None:
    """huisarts_a logged in on more computers: sessions on the security page."""
    for _n in range(size.logins):
        two_factor_client_for(world.user("huisarts_a"))
