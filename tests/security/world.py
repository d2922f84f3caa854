"""A small, complete world to attack: two practices, every persona, one patient of
practice A with consent and one consult of every registered conversation model, a
shared plan with a goal, an agreement, a referral, a network member, a flag and
patient links; and every URL of the app, reversed with the ids of practice A's
objects (`World.url_cases()`).

Build it inside a test with database access: `world = build_world()`, or use the
module-scoped `security_world` fixture of tests/security/conftest.py. It is written
through the app's own services where there is one, so what the tests see is what a
professional would have made. `world.client_for(persona)` logs a client in as one of
PERSONAS; `world.valid_post(case)` is a body with which a POST to the case succeeds.

The personas: anonymous; huisarts_a, poh_s_a, poh_ggz_a (treating, practice A);
praktijkmanager_a, beheerder_a; huisarts_b (practice B, same care group: they share
a sociale kaart); deactivated_a (deactivated after logging in with both factors);
no_second_factor_a (password only); unconfirmed_a (a new huisarts of A whom no
treating colleague confirmed yet). huisarts_a and huisarts_b review their practice's
audit trail.

Every URL pattern of the URLconf must give at least one UrlCase: `url_cases()` walks
`get_resolver().url_patterns` and raises an AssertionError naming every pattern it
cannot fill in (an unknown kwarg, an autosave kind without a record), so that a URL
added later cannot escape the access matrix and the audit coverage test.
"""

import datetime
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from consult.access import Actor
from consult.audit import PatientVisitor
from consult.autosave import EditableKind, editable_kind
from consult.models import (
    Agreement,
    Consult,
    FlagLevel,
    Goal,
    NetworkMember,
    Patient,
    PatientFlag,
    PatientLink,
    Plan,
    Practice,
    Referral,
    Role,
    User,
)
from consult.refer_from_kaart import CONSULT_PARAMETER, GOAL_PARAMETER
from consult.registry import conversation_models, get_conversation_model
from consult.services import plans, referrals
from consult.services.consent import consent_record
from consult.services.consults import consult_start
from consult.services.flags import flag_raise
from consult.services.patient_links import entry_of, link_complete, link_create
from consult.services.patients import patient_create
from consult.services.users import user_create
from printing.jobs import print_job_start
from printing.models import PrintJob, PrintKind
from printing.tasks import render_print_job
from sociale_kaart.csv_io.jobs import import_job_create
from sociale_kaart.csv_models import ImportJob
from sociale_kaart.models import Service, ServiceMap
from sociale_kaart.services import service_save
from tests.conftest import client_for as two_factor_client_for
from tests.factories import PatientFactory, PracticeFactory, UserFactory

# The personas, in the order the access matrix lists them.
PERSONAS: tuple[str, ...] = (
    "anonymous",
    "huisarts_a",
    "poh_s_a",
    "poh_ggz_a",
    "praktijkmanager_a",
    "beheerder_a",
    "huisarts_b",
    "deactivated_a",
    "no_second_factor_a",
    "unconfirmed_a",
)
# The roles of practice A that treat the patient and so may see their data.
TREATING_PERSONAS: frozenset[str] = frozenset({"huisarts_a", "poh_s_a", "poh_ggz_a"})

# Patient A's identifying data, distinctive enough to search response bodies for.
PATIENT_FIRST_NAME = "Ingrid"
PATIENT_LAST_NAME = "Wijnbergen-Zeldenrust"
PATIENT_HIS_NUMBER = "7391046"
GOAL_TEXT = "Ik wil weer fietsen naar de Kloosterhoeve"
# Practice B's patient: never visible to anyone of practice A.
PATIENT_B_LAST_NAME = "Oosterbroek-Valkema"
PATIENT_B_HIS_NUMBER = "8462917"

# The values of string URL kwargs that the views accept (one case per value).
FMT_VALUES = ("pdf", "json")
DIRECTION_VALUES = ("omhoog",)

# URLs that read a patient's data under an id of their own: a print job's PDF.
PATIENT_DATA_BY_OWN_ID = frozenset({"print_job_pdf"})

# URL names that also get a case with a query string, as a professional's link has it.
SEARCH_QUERY = {"q": PATIENT_FIRST_NAME}

_IMPORT_CSV = "naam;beschrijving\r\nBuurthuis De Kloof;Een plek om elkaar te ontmoeten.\r\n"


@dataclass(frozen=True)
class RoutedPattern:
    """One URL pattern of the URLconf, with everything its resolvers added."""

    name: str | None  # with its namespace, "ns:name"
    route: str
    kwarg_names: frozenset[str]
    defaults: Mapping[str, Any]
    callback: Callable[..., Any]

    @property
    def methods(self) -> tuple[str, ...]:
        return view_methods(self.callback)


@dataclass(frozen=True)
class UrlCase:
    """One URL to request: a pattern filled in with practice A's objects. `variant`
    tells apart the cases of one pattern (the model of the consult, the step, the
    autosave kind, a query string)."""

    name: str
    path: str
    patient_public_id: UUID | None
    methods: tuple[str, ...]
    variant: str = ""
    route: str = ""
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The case's name in the access matrix: the URL name, with the variant."""
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    @property
    def has_patient_kwargs(self) -> bool:
        """The URL names a patient or a consult (and so a patient) of practice A, or a
        print job of one whose PDF it reads."""
        return (
            bool({"patient_id", "consult_id"} & set(self.kwargs))
            or self.name in PATIENT_DATA_BY_OWN_ID
        )


def _kwarg_names(pattern: Any) -> set[str]:
    names = set(getattr(pattern, "converters", {}) or {})
    regex = getattr(pattern, "regex", None)
    if regex is not None:
        names |= set(regex.groupindex)
    return names


def routed_patterns(
    patterns: Sequence[URLPattern | URLResolver] | None = None,
    *,
    prefix: str = "",
    namespace: str = "",
    kwarg_names: frozenset[str] = frozenset(),
    defaults: Mapping[str, Any] | None = None,
) -> Iterator[RoutedPattern]:
    """Every URL pattern of the URLconf, through every include, in order."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    defaults = defaults or {}
    for entry in patterns:
        names = kwarg_names | _kwarg_names(entry.pattern)
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner_namespace = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routed_patterns(
                entry.url_patterns,
                prefix=route,
                namespace=inner_namespace,
                kwarg_names=names,
                defaults={**defaults, **entry.default_kwargs},
            )
        else:
            yield RoutedPattern(
                name=f"{namespace}{entry.name}" if entry.name else None,
                route=route,
                kwarg_names=names,
                defaults={**defaults, **entry.default_args},
                callback=entry.callback,
            )


def view_methods(view: Callable[..., Any]) -> tuple[str, ...]:
    """The methods (of GET and POST) a view accepts: read from Django's
    require_http_methods family in its chain of decorators, or from a class-based
    view's handlers. A view that restricts nothing accepts both."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        handlers = {
            name.upper() for name in view_class.http_method_names if hasattr(view_class, name)
        }
        return tuple(method for method in ("GET", "POST") if method in handlers)
    seen: set[int] = set()
    current: Any = view
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "__code__", None)
        closure = getattr(current, "__closure__", None)
        if code is not None and closure and "request_method_list" in code.co_freevars:
            allowed = set(closure[code.co_freevars.index("request_method_list")].cell_contents)
            return tuple(method for method in ("GET", "POST") if method in allowed)
        current = getattr(current, "__wrapped__", None)
    return ("GET", "POST")


class MissingKwargs(Exception):
    """The world cannot fill in a URL pattern."""


# The kwargs a URL may take, each filled in from the world (see World._options).
KNOWN_KWARGS = frozenset(
    {
        "patient_id",
        "consult_id",
        "step_slug",
        "flag_id",
        "link_id",
        "token",
        "uidb64",
        "screen_key",
        "fmt",
        "kind",
        "record_id",
        "item_id",
        "goal_id",
        "agreement_id",
        "referral_id",
        "member_id",
        "direction",
        "entry_id",
        "connection_id",
        "service_id",
        "job_id",
        "user_id",
        "print_job_id",
    }
)

type Option = tuple[str, dict[str, Any]]


@dataclass
class World:
    practice_a: Practice
    practice_b: Practice
    personas: dict[str, User | None]
    patient: Patient
    patient_b: Patient
    consults: dict[str, Consult]  # practice A's patient, one per model slug
    goal: Goal
    agreement: Agreement
    network_member: NetworkMember
    referral: Referral
    flag: PatientFlag
    service: Service  # on practice A's own map
    shared_service: Service  # on the map practices A and B share
    import_job: ImportJob
    print_job: PrintJob  # huisarts_a's printed plan, made
    entry_link: PatientLink  # open: its token is the key of the mijn/<token>/ URLs
    entry_token: str
    withdraw_link: PatientLink  # open, for the URL that withdraws a link
    colleague: User  # unconfirmed_a: the account of the user pages and the confirmation
    new_account: User  # made by the beheerder, not yet activated: its set-password link
    primary_slug: str  # the model of the consult used where one consult is enough

    @property
    def primary_consult(self) -> Consult:
        return self.consults[self.primary_slug]

    @property
    def patient_secrets(self) -> tuple[str, ...]:
        """What identifies patient A or is theirs (a goal in their words): never in a
        response to anyone but the treating roles of practice A."""
        return (PATIENT_LAST_NAME, PATIENT_HIS_NUMBER, GOAL_TEXT)

    def user(self, persona: str) -> User:
        user = self.personas[persona]
        assert user is not None, f"{persona} has no user"
        return user

    def client_for(self, persona: str) -> Client:
        """A client as the persona: anonymous without a session; no_second_factor_a
        logged in with the password only (Client.force_login); every other persona
        logged in with both factors, as tests/conftest.py's client_for does (for
        deactivated_a: a session of before the deactivation)."""
        if persona not in self.personas:
            raise KeyError(f"No persona {persona!r}; the personas are {', '.join(PERSONAS)}")
        user = self.personas[persona]
        if user is None:
            return Client()
        if persona == "no_second_factor_a":
            client = Client()
            client.force_login(user)
            return client
        return two_factor_client_for(user)

    # --- URL cases ---------------------------------------------------------------

    def url_cases(self) -> list[UrlCase]:
        """One case or more per URL pattern; AssertionError naming every pattern that
        cannot be filled in."""
        cases: list[UrlCase] = []
        missing: list[str] = []
        for pattern in routed_patterns():
            if pattern.name is None:
                missing.append(f"/{pattern.route}: the URL pattern has no name")
                continue
            try:
                options = self._options(pattern)
            except MissingKwargs as error:
                missing.append(f"{pattern.name} (/{pattern.route}): {error}")
                continue
            for variant, kwargs in options:
                query = kwargs.pop("?", None)
                path = reverse(pattern.name, kwargs=kwargs)
                if query:
                    path = f"{path}?{urlencode(query)}"
                # The patient's own entry is opened by its token alone; a token with a
                # user (uidb64) is an account's.
                touches = (
                    bool({"patient_id", "consult_id", "record_id"} & set(kwargs))
                    or ("token" in kwargs and "uidb64" not in kwargs)
                    or pattern.name in PATIENT_DATA_BY_OWN_ID
                )
                cases.append(
                    UrlCase(
                        name=pattern.name,
                        path=path,
                        patient_public_id=(
                            self.patient.public_id if touches or variant.endswith("refer") else None
                        ),
                        methods=pattern.methods,
                        variant=variant,
                        route=pattern.route,
                        kwargs=kwargs,
                    )
                )
        if missing:
            raise AssertionError(
                "tests/security/world.py has no kwargs for these URL patterns; fill them in "
                "(World._options) so they are in the access matrix and the audit coverage "
                "test:\n  " + "\n  ".join(missing)
            )
        keys = [case.key for case in cases]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        assert not duplicates, f"URL cases with the same key: {duplicates}"
        return cases

    def _options(self, pattern: RoutedPattern) -> list[Option]:
        names = set(pattern.kwarg_names)
        unknown = names - KNOWN_KWARGS
        if unknown:
            raise MissingKwargs(f"unknown URL kwargs {sorted(unknown)}")
        model_slug = pattern.defaults.get("model_slug")
        if model_slug is not None and model_slug not in self.consults:
            raise MissingKwargs(f"no consult of model {model_slug!r}")
        slugs: list[str | None]
        if "consult_id" not in names:
            slugs = [None]
        elif model_slug is not None:
            slugs = [model_slug]
        elif "GET" in pattern.methods and "record_id" not in names:
            # A page of the consult: drawn by each model in its own way.
            slugs = list(self.consults)
        else:
            slugs = [self.primary_slug]
        options: list[Option] = []
        for slug in slugs:
            consult = self.consults[slug] if slug else None
            dimensions = self._dimensions(pattern, names, consult)
            for combination in itertools.product(*dimensions):
                labels = [slug] if slug and len(slugs) > 1 else []
                kwargs: dict[str, Any] = {"consult_id": consult.public_id} if consult else {}
                for label, values in combination:
                    if label:
                        labels.append(label)
                    kwargs.update(values)
                options.append((":".join(labels), kwargs))
        for label, query in self._query_variants(pattern.name or ""):
            options.append((label, {"?": query}))
        return options

    def _query_variants(self, name: str) -> list[tuple[str, dict[str, str]]]:
        """Cases with a query string: the sociale kaart opened from a consult's goal to
        refer (it reads the consult), the patient search."""
        refer = {
            CONSULT_PARAMETER: str(self.primary_consult.public_id),
            GOAL_PARAMETER: str(self.goal.public_id),
        }
        return {
            "service_list": [("refer", refer)],
            "patient_list": [("search", SEARCH_QUERY)],
        }.get(name, [])

    def _dimensions(
        self, pattern: RoutedPattern, names: set[str], consult: Consult | None
    ) -> list[list[Option]]:
        """Per kwarg (or pair of kwargs) of the pattern, the values to try."""
        dimensions: list[list[Option]] = []
        simple: dict[str, Any] = {
            "patient_id": self.patient.public_id,
            "flag_id": self.flag.public_id,
            "link_id": self.withdraw_link.public_id,
            "token": self.entry_token,
            "screen_key": entry_of(self.entry_link).screens[0].key,
            "goal_id": self.goal.public_id,
            "agreement_id": self.agreement.public_id,
            "referral_id": self.referral.public_id,
            "member_id": self.network_member.public_id,
            "service_id": self.service.public_id,
            "job_id": self.import_job.public_id,
            "user_id": self.colleague.public_id,
            "print_job_id": self.print_job.public_id,
        }
        refer = {
            CONSULT_PARAMETER: str(self.primary_consult.public_id),
            GOAL_PARAMETER: str(self.goal.public_id),
        }
        if "uidb64" in names:
            # A one-time link to set one's password (account activation, password
            # forgotten): Django's token for the new account, which nobody logged in to.
            simple["uidb64"] = urlsafe_base64_encode(force_bytes(self.new_account.pk))
            simple["token"] = default_token_generator.make_token(self.new_account)
        for name in sorted(names & set(simple)):
            options: list[Option] = [("", {name: simple[name]})]
            if name == "service_id" and pattern.name == "service_detail":
                # Opened from a consult's goal to refer: the page reads the consult.
                # On the shared map, so that huisarts_b reaches that read too.
                options.append(("refer", {"service_id": self.shared_service.public_id, "?": refer}))
            dimensions.append(options)
        if "fmt" in names:
            dimensions.append([(fmt, {"fmt": fmt}) for fmt in FMT_VALUES])
        if "direction" in names:
            dimensions.append([("", {"direction": value}) for value in DIRECTION_VALUES])
        if "step_slug" in names:
            dimensions.append(self._steps(pattern, consult))
        if "record_id" in names:
            if "kind" not in names:
                raise MissingKwargs("record_id without kind")
            dimensions.append(self._autosave_records())
        if "item_id" in names:
            if "kind" not in names or consult is None:
                raise MissingKwargs("item_id without kind and consult")
            dimensions.append(self._model_items(consult))
        if "entry_id" in names or "connection_id" in names:
            dimensions.append(self._four_d_items(names, consult))
        if "kind" in names and not {"record_id", "item_id"} & names:
            raise MissingKwargs("kind without record_id or item_id")
        return dimensions

    def _steps(self, pattern: RoutedPattern, consult: Consult | None) -> list[Option]:
        if consult is None:
            raise MissingKwargs("step_slug without consult")
        model = get_conversation_model(consult.model_slug)
        assert model is not None
        if "GET" in pattern.methods:
            return [(step.slug, {"step_slug": step.slug}) for step in model.steps]
        return [("", {"step_slug": model.steps[0].slug})]

    def _autosave_records(self) -> list[Option]:
        """One case per registered autosave kind, with a record of it in the consult
        (of practice A) where it is edited."""
        return [
            (kind.key, {"consult_id": consult.public_id, "kind": kind.key, "record_id": record_id})
            for kind, consult, record_id in self.editable_records()
        ]

    def editable_records(self) -> list[tuple[EditableKind, Consult, UUID]]:
        """Every registered autosave kind (future ones too) with a record of it and the
        consult of practice A where it is edited; MissingKwargs names any kind the world
        has no record of."""
        from consult.autosave import _kinds

        found: list[tuple[EditableKind, Consult, UUID]] = []
        lacking: list[str] = []
        for key in sorted(_kinds):
            kind = editable_kind(key)
            assert kind is not None
            record = self._record_of(kind)
            if record is None:
                lacking.append(key)
            else:
                found.append((kind, *record))
        if lacking:
            raise MissingKwargs(f"no record in the world for autosave kinds {lacking}")
        return found

    def _record_of(self, kind: EditableKind) -> tuple[Consult, UUID] | None:
        records = kind.model._default_manager.filter(
            **{f"{kind.patient_path}__public_id": self.patient.public_id}
        ).order_by("pk")
        ordered = [self.primary_consult, *self.consults.values()]
        for record in records:
            for consult in ordered:
                if kind.locate(
                    practice_id=self.practice_a.pk,
                    consult_id=consult.public_id,
                    record_id=record.public_id,
                ):
                    return consult, record.public_id
        return None

    def _model_items(self, consult: Consult) -> list[Option]:
        """The removable items of a model's own, by the `kind` slug of its URLs."""
        if consult.model_slug != "kop":
            raise MissingKwargs(f"no items of kinds for model {consult.model_slug!r}")
        from kop.views import KINDS

        options: list[Option] = []
        for slug, (model, _key) in sorted(KINDS.items()):
            item = model._default_manager.filter(consult=consult).order_by("pk").first()
            if item is None:
                raise MissingKwargs(f"no KOP item of kind {slug!r}")
            options.append((slug, {"kind": slug, "item_id": item.public_id}))
        return options

    def _four_d_items(self, names: set[str], consult: Consult | None) -> list[Option]:
        from models_4d.models import FourDConnection, FourDEntry

        if consult is None or consult.model_slug != "4d":
            raise MissingKwargs("entry_id or connection_id outside a 4D consult")
        kwargs: dict[str, Any] = {}
        if "entry_id" in names:
            entry = FourDEntry.objects.filter(consult=consult).order_by("pk").first()
            assert entry is not None
            kwargs["entry_id"] = entry.public_id
        if "connection_id" in names:
            connection = FourDConnection.objects.filter(consult=consult).order_by("pk").first()
            assert connection is not None
            kwargs["connection_id"] = connection.public_id
        return [("", kwargs)]

    # --- POST bodies ---------------------------------------------------------------

    def valid_post(self, case: UrlCase) -> dict[str, str]:
        """A body with which the treating huisarts's POST to the case's URL succeeds
        (as far as the world allows: consent is there already, so recording it again is
        refused in the page); empty for a URL this does not know."""
        if case.name == "autosave":
            return self._autosave_post(case)
        today = timezone.localdate().isoformat()
        goal = self.goal.public_id
        referral = self.referral.public_id
        bodies: dict[str, Callable[[], dict[str, str]]] = {
            "consent_give": lambda: {
                "given_on": today,
                "given_to": str(self.user("huisarts_a").pk),
            },
            "consent_revoke": lambda: {"withdrawn_on": today},
            "consult_new": lambda: {"model_slug": self.primary_slug},
            "flag_close": lambda: {"reason": "Besproken met de patiënt."},
            "patient_link_new": lambda: {
                "entry": f"{self.entry_link.model_slug}:{self.entry_link.purpose}"
            },
            "consult_finish": lambda: {"confirm": "yes"},
            "soep": lambda: {"icpc_codes": "Z01 P03"},
            "goal_add": lambda: {"new-goal-text": "Weer naar de markt", "new-goal-domain": ""},
            "goal_from_suggestion": lambda: {"suggestion": self._suggestion_key()},
            "agreement_add": lambda: {
                f"new-{goal}-what": "Buurman bellen",
                f"new-{goal}-who_kind": "patient",
            },
            "referral_add": lambda: {"service": str(self.service.public_id)},
            "referral_update": lambda: {
                f"{referral}-status": str(self.referral.next_statuses[0]),
                f"{referral}-on": today,
            },
            "network_add": lambda: {"new-member-name": "Jan Visser", "new-member-role": "buurman"},
            "teach_back_add": lambda: {"terugvragen-patient_said": "Ik bel de buurman."},
            "patient_entry_screen": lambda: {},
            "fourd_entry_add": lambda: {
                "step": "lichaam",
                "domain": "lichaam",
                "kind": "speelt",
                "text": "Moe",
            },
            "fourd_entry_remove": lambda: {"step": "lichaam"},
            "fourd_entry_restore": lambda: {"step": "lichaam"},
            "fourd_connection_add": lambda: self._reverse_connection(),
            "fourd_connection_remove": lambda: {"step": "verbanden"},
            "spinnenweb_take_up_home": lambda: {"step": "scores"},
            "kop_complaint_add": lambda: {
                "step": "schema",
                "klacht-text": "Moe",
                "klacht-severity": "5",
            },
            "kop_circumstance_add": lambda: {
                "step": "schema",
                "prefix": "last",
                "last-area": "werk",
                "last-positive": "0",
                "last-text": "Druk op het werk",
            },
            "kop_style_add": lambda: {
                "step": "schema",
                "prefix": "helpt",
                "helpt-helps": "1",
                "helpt-text": "Wandelen",
            },
            "kop_item_remove": lambda: {"step": "schema"},
            "kop_item_restore": lambda: {"step": "schema"},
            "kop_risk_record": lambda: {"step": "risico"},
            "kop_intervention_add": lambda: {
                "step": "plan",
                "goal": str(goal),
                "intervention": "K:ontspanning",
                "who": "patient",
            },
            "emboss_take_up_home": lambda: {"step": "voorbereiden"},
        }
        return bodies[case.name]() if case.name in bodies else {}

    def _suggestion_key(self) -> str:
        model = get_conversation_model(self.primary_slug)
        assert model is not None
        suggestions = model.goal_suggestions(self.primary_consult)
        return suggestions[0].key if suggestions else ""

    def _reverse_connection(self) -> dict[str, str]:
        from models_4d.models import FourDConnection

        drawn = FourDConnection.objects.filter(consult=self.primary_consult).first()
        assert drawn is not None
        cause = drawn.effect.public_id
        effect = drawn.cause.public_id
        return {"step": "verbanden", "cause": str(cause), "effect": str(effect)}

    def _autosave_post(self, case: UrlCase) -> dict[str, str]:
        """The record's version and one of its fields changed to another valid value."""
        kind = editable_kind(str(case.kwargs["kind"]))
        assert kind is not None
        record = kind.model._default_manager.get(public_id=case.kwargs["record_id"])
        form = kind.form_class(instance=record, prefix=str(record.public_id))
        for name, form_field in form.fields.items():
            value = _another_value(form_field, getattr(record, name, None))
            if value is not None:
                return {
                    form.add_prefix("version"): str(record.version),
                    form.add_prefix(name): value,
                }
        raise AssertionError(f"No field of autosave kind {kind.key} to change")


def _another_value(form_field: forms.Field, current: Any) -> str | None:
    """A valid value for the field, other than what is stored."""
    if isinstance(form_field, forms.ChoiceField):
        for value, _label in _flat_choices(form_field):
            if value not in ("", None) and str(value) != str(current):
                return str(value)
        return None
    if isinstance(form_field, forms.BooleanField):
        return None if current else "on"
    if isinstance(form_field, forms.IntegerField):
        low = form_field.min_value if isinstance(form_field.min_value, int) else 0
        return str(low + 1 if current == low else low)
    if isinstance(form_field, forms.DateField):
        day = timezone.localdate() + datetime.timedelta(days=30)
        return day.isoformat() if current != day else timezone.localdate().isoformat()
    if isinstance(form_field, forms.CharField):
        text = "Aangepast in de test"
        return text[: form_field.max_length] if form_field.max_length else text
    return None


def _flat_choices(form_field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    flat: list[tuple[Any, Any]] = []
    choices: Any = form_field.choices
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((value, label))
    return flat


def _two_factor_device(user: User) -> None:
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def build_world() -> World:
    """Make the world in the database (call it inside a test with database access)."""
    today = timezone.localdate()
    practice_a = PracticeFactory.create()
    practice_b = PracticeFactory.create()
    people: dict[str, tuple[Practice, Role, str]] = {
        "huisarts_a": (practice_a, Role.HUISARTS, "Huisarts A"),
        "poh_s_a": (practice_a, Role.POH_S, "POH-S A"),
        "poh_ggz_a": (practice_a, Role.POH_GGZ, "POH-GGZ A"),
        "praktijkmanager_a": (practice_a, Role.PRAKTIJKMANAGER, "Praktijkmanager A"),
        "beheerder_a": (practice_a, Role.BEHEERDER, "Beheerder A"),
        "huisarts_b": (practice_b, Role.HUISARTS, "Huisarts B"),
        "deactivated_a": (practice_a, Role.HUISARTS, "Gedeactiveerde huisarts A"),
        "no_second_factor_a": (practice_a, Role.HUISARTS, "Huisarts A zonder code"),
        "unconfirmed_a": (practice_a, Role.HUISARTS, "Nieuwe huisarts A"),
    }
    personas: dict[str, User | None] = {"anonymous": None}
    for persona, (practice, role, full_name) in people.items():
        personas[persona] = UserFactory.create(practice=practice, role=role, full_name=full_name)
    deactivated = personas["deactivated_a"]
    assert deactivated is not None
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    # A new treating account, activated but not yet confirmed by a treating colleague:
    # it sees no patient data until then.
    unconfirmed = personas["unconfirmed_a"]
    assert unconfirmed is not None
    User.objects.filter(pk=unconfirmed.pk).update(confirmed_at=None)
    no_second_factor = personas["no_second_factor_a"]
    assert no_second_factor is not None
    _two_factor_device(no_second_factor)

    # Each practice appointed its huisarts to review its audit trail.
    reviewers = [personas["huisarts_a"], personas["huisarts_b"]]
    User.objects.filter(pk__in=[r.pk for r in reviewers if r]).update(reviews_audit=True)
    for reviewer in reviewers:
        assert reviewer is not None
        reviewer.refresh_from_db()

    huisarts = personas["huisarts_a"]
    assert huisarts is not None
    actor = Actor(user=huisarts, client_address="127.0.0.1")
    patient = patient_create(
        actor=actor,
        first_name=PATIENT_FIRST_NAME,
        last_name=PATIENT_LAST_NAME,
        date_of_birth=datetime.date(1972, 3, 14),
        his_number=PATIENT_HIS_NUMBER,
        postcode="9991 AB",
        notes="Komt op de fiets.",
    )
    patient_b = PatientFactory.create(
        practice=practice_b, last_name=PATIENT_B_LAST_NAME, his_number=PATIENT_B_HIS_NUMBER
    )
    consent_record(
        actor=actor, patient=patient, given_on=today - datetime.timedelta(days=1), given_to=huisarts
    )

    consults = {
        model.slug: consult_start(actor=actor, patient=patient, model_slug=model.slug)
        for model in conversation_models()
    }
    primary_slug = "4d" if "4d" in consults else next(iter(consults))
    primary = consults[primary_slug]

    goal = plans.goal_add(
        actor=actor, consult=primary, text=GOAL_TEXT, domain=f"{primary_slug}:maatschappelijk"
    )
    plans.goal_add(actor=actor, consult=primary, text="Beter slapen")
    agreement = plans.agreement_add(
        actor=actor, consult=primary, goal=goal, what="Fiets laten maken bij de buurman"
    )
    network_member = plans.network_add(
        actor=actor, consult=primary, name="Sandra de Boer", role="dochter"
    )
    plans.teach_back_record(actor=actor, consult=primary, patient_said="Ik ga weer fietsen.")

    service = Service(
        service_map=practice_a.own_map,
        name="Fietsmaatjes Zonnedal",
        description="Samen fietsen in de buurt.",
        serves_whole_region=True,
        last_checked_on=today - datetime.timedelta(days=10),
    )
    service.full_clean(exclude=["themes"])
    service_save(service=service, themes=["geld-en-schulden"], user=None, change="created")
    # Both practices are in one care group, with a shared map and a service on it.
    shared_map = ServiceMap.objects.create(name=f"Zorggroep van {practice_a.name}", is_shared=True)
    for practice in (practice_a, practice_b):
        practice.shared_map = shared_map
        practice.save(update_fields=["shared_map"])
    shared_service = Service(
        service_map=shared_map,
        name="Schuldhulp Zonnedal",
        description="Hulp bij geldzorgen.",
        serves_whole_region=True,
        last_checked_on=today - datetime.timedelta(days=10),
    )
    shared_service.full_clean(exclude=["themes"])
    service_save(service=shared_service, themes=["geld-en-schulden"], user=None, change="created")
    referral = referrals.referral_create(actor=actor, consult=primary, service=service, goal=goal)
    # Quiet for a month, and the plan due for evaluation next week: the patient is on
    # the follow-up and evaluation lists.
    Referral.objects.filter(pk=referral.pk).update(status_on=today - datetime.timedelta(days=30))
    Plan.objects.filter(patient=patient).update(
        next_evaluation_on=today + datetime.timedelta(days=7)
    )

    flag_consult = consults.get("kop", primary)
    flag = flag_raise(
        actor=actor,
        consult=flag_consult,
        source_key="security:world",
        level=FlagLevel.RISK,
        text="Let op bij wisseling van behandelaar.",
    )

    _fill_models(actor, consults, goal, agreement)

    # Patient links: one open (its token opens the mijn/<token>/ URLs), one to
    # withdraw, and per model one the patient sent, so "take up from home" has something.
    entries = [(m.slug, e.purpose) for m in conversation_models() for e in m.patient_entries]
    assert entries, "No conversation model offers a patient entry: mijn/<token>/ is untested"
    entry_link, entry_token = link_create(
        actor=actor, patient=patient, model_slug=entries[0][0], purpose=entries[0][1]
    )
    withdraw_link, _token = link_create(
        actor=actor, patient=patient, model_slug=entries[0][0], purpose=entries[0][1]
    )
    for model_slug, purpose in entries:
        sent, _token = link_create(
            actor=actor, patient=patient, model_slug=model_slug, purpose=purpose
        )
        link_complete(visitor=PatientVisitor(client_address="127.0.0.1"), link=sent)

    manager = personas["praktijkmanager_a"]
    assert manager is not None
    assert practice_a.own_map is not None
    import_job = import_job_create(
        service_map=practice_a.own_map, file_name="diensten.csv", content=_IMPORT_CSV, user=manager
    )
    # The plan printed through the worker's path (made at once here, whatever the
    # tasks backend): its page and its PDF are huisarts_a's alone.
    print_job = print_job_start(
        actor=actor,
        kind=PrintKind.PLAN,
        patient=patient,
        consult=primary,
        options={"today": today.isoformat()},
        file_name="mijn-plan.pdf",
    )
    render_print_job.call(str(print_job.public_id))
    colleague = personas["unconfirmed_a"]
    assert colleague is not None
    beheerder = personas["beheerder_a"]
    assert beheerder is not None
    new_account = user_create(
        actor=Actor(user=beheerder, client_address="127.0.0.1"),
        email=f"nieuw-{practice_a.public_id}@praktijk.example",
        full_name="Nieuwe POH-S A",
        role=Role.POH_S,
    )

    # Every persona but two logs in with both factors: their authenticators exist now,
    # so that making a client later writes nothing.
    for persona, user in personas.items():
        if user is not None and persona != "no_second_factor_a":
            two_factor_client_for(user)

    return World(
        practice_a=practice_a,
        practice_b=practice_b,
        personas=personas,
        patient=patient,
        patient_b=patient_b,
        consults=consults,
        goal=goal,
        agreement=agreement,
        network_member=network_member,
        referral=referral,
        flag=flag,
        service=service,
        shared_service=shared_service,
        import_job=import_job,
        print_job=print_job,
        entry_link=entry_link,
        entry_token=entry_token,
        withdraw_link=withdraw_link,
        colleague=colleague,
        new_account=new_account,
        primary_slug=primary_slug,
    )


def _fill_models(
    actor: Actor, consults: dict[str, Consult], goal: Goal, agreement: Agreement
) -> None:
    """What each model's own URLs and autosave kinds need: a record of every kind."""
    if "4d" in consults:
        from models_4d import services as four_d
        from models_4d.models import FourDEntry

        consult = consults["4d"]
        debts = four_d.entry_add(
            actor=actor, consult=consult, domain="maatschappelijk", kind="speelt", text="Schulden"
        )
        worry = four_d.entry_add(
            actor=actor, consult=consult, domain="geest", kind="speelt", text="Zorgen"
        )
        four_d.connection_add(actor=actor, consult=consult, cause=debts, effect=worry)
        # The patient put the debts first: a goal suggestion to take over.
        FourDEntry.objects.filter(pk=debts.pk).update(priority=1)
    if "kop" in consults:
        from kop import services as kop
        from kop.models import KopSheet

        consult = consults["kop"]
        kop.complaint_add(actor=actor, consult=consult, text="Hoofdpijn", since="mei", severity=6)
        kop.circumstance_add(
            actor=actor, consult=consult, area="geld", positive=False, text="Schulden"
        )
        kop.style_add(actor=actor, consult=consult, helps=True, text="Zoekt steun")
        # The risk analysis answered (no risk), ready to be recorded.
        KopSheet.objects.filter(consult=consult).update(
            stressors="Schulden",
            protective="Dochter",
            acute_risk="nee",
            depression="nee",
            suicidality="nee",
            risk_conclusion="Geen verhoogd risico.",
        )
    if "emboss" in consults:
        from emboss import services as emboss

        consult = consults["emboss"]
        emboss.sheet_of(consult)
        emboss.card_of(consult)
        emboss.scale_of(goal)
        emboss.evaluation_of(consult, goal)
        emboss.check_of(consult, agreement)
    if "spinnenweb" in consults:
        from spinnenweb import services as spinnenweb

        spinnenweb.web_of(consults["spinnenweb"])
        spinnenweb.sheet_of(consults["spinnenweb"])


@contextmanager
def rolled_back() -> Iterator[None]:
    """Everything written in the block is undone when it ends (a savepoint): one
    request that changes data (finishes a consult, uses up a link) leaves the world as
    it was for the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def world_rolled_back() -> Iterator[World]:
    """A world for a whole test module, undone at the end: use it in a module-scoped
    fixture inside `django_db_blocker.unblock()` (see tests/security/conftest.py)."""
    with transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
