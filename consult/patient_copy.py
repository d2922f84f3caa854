"""Everything recorded about one patient, for the patient (right of inspection, AVG
art. 15): details, consent, conversations with what each model recorded, the plan,
referrals, and who looked at or changed the record (the audit trail)."""

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy, ngettext

from consult.models import AuditEvent, Consult, Patient, PatientLink, Role, TeachBack, User
from consult.registry import PatientEntry, get_conversation_model
from consult.selectors.plans import plan_view


def _when(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _entry_of(link: PatientLink) -> PatientEntry | None:
    """What the link was for; None once its model is no longer installed."""
    model = get_conversation_model(link.model_slug)
    return model.patient_entry(link.purpose) if model else None


def _entry_title(link: PatientLink) -> str:
    entry = _entry_of(link)
    return str(entry.patient_title) if entry else link.purpose


def _told_back(link: PatientLink) -> list[dict[str, Any]]:
    """What the patient sent from home in words, as the page before sending told it
    back: per question answered, its title and the answers (their own words quoted)."""
    entry = _entry_of(link)
    if entry is None:
        return []
    return [
        {
            "question": str(screen.title),
            "answers": [
                f"“{line.text}”" if line.own_words else line.text
                for line in screen.answer_lines(link.answers[screen.key])
            ],
        }
        for screen in entry.screens
        if screen.key in link.answers
    ]


# What the patient reads in the list of who looked at their file, per kind of object.
OBJECT_WORDS = {
    "patient": gettext_lazy("your details"),
    "patient_list": gettext_lazy("your name in a search result"),
    "patient_record": gettext_lazy("a copy of your whole file"),
    "consult": gettext_lazy("a conversation"),
    "plan": gettext_lazy("your plan"),
    "soep": gettext_lazy("the summary for the GP's record"),
    "fhir_bundle": gettext_lazy("your plan, sent as data"),
    "consent": gettext_lazy("your consent"),
    "referral": gettext_lazy("a referral"),
    "referral_list": gettext_lazy("the list of referrals"),
    "evaluation_list": gettext_lazy("the list of plans to evaluate"),
    "patient_flag": gettext_lazy("a warning in your file"),
    "patient_link": gettext_lazy("a link to fill in at home"),
    "teach_back": gettext_lazy("the check of the plan (teach-back)"),
    "audit_trail": gettext_lazy("the list of who looked at your file"),
}


# Who someone is, in the words a patient uses (the professional's role names, such as
# "POH-S (praktijkondersteuner somatiek)", are for the practice).
ROLE_WORDS: dict[str, Any] = {
    Role.HUISARTS: gettext_lazy("GP"),
    Role.POH_S: gettext_lazy("practice nurse"),
    Role.POH_GGZ: gettext_lazy("practice nurse for mental health"),
    Role.PRAKTIJKMANAGER: gettext_lazy("practice manager"),
    Role.BEHEERDER: gettext_lazy("administrator"),
}


def access_by_month(
    patient: Patient, *, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Every access to the patient's record in the period, grouped by month, oldest
    first: who (name and role), what they did, to what, and whether it was refused."""
    events = AuditEvent.objects.filter(patient_id=patient.public_id).order_by("at", "id")
    if since is not None:
        events = events.filter(at__date__gte=since)
    if until is not None:
        events = events.filter(at__date__lte=until)
    names = dict(
        User.objects.filter(pk__in=events.values("user_id")).values_list("pk", "full_name")
    )
    months: dict[str, dict[str, Any]] = {}
    for e in events:
        local = timezone.localtime(e.at)
        month = months.setdefault(
            local.strftime("%Y-%m"),
            {"month": date_format(local, "F Y"), "events": []},
        )
        month["events"].append(
            {
                "at": _when(e.at),
                "who": names.get(e.user_id or 0, "")
                or (str(gettext_lazy("you, on your own link")) if e.role == "patient" else ""),
                "role": str(ROLE_WORDS.get(e.role, "")),
                "action": str(e.get_action_display()),
                "what": str(OBJECT_WORDS.get(e.object_type, gettext_lazy("your file"))),
                "allowed": e.outcome == "allowed",
            }
        )
    return list(months.values())


def access_lines(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list of who looked at the file as the printed copy shows it: per day, what one
    person did to one part of the file is one line, with each time (to the minute) and
    how often, in the order of the first time. Nothing is left out; the data file keeps
    one entry per access."""
    printed = []
    for month in months:
        days: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
        for event in month["events"]:
            day, time = event["at"][:10], event["at"][11:]
            key = (event["who"], event["role"], event["action"], event["what"], event["allowed"])
            line = days.setdefault(day, {}).setdefault(key, {**event, "times": {}})
            line["times"][time] = line["times"].get(time, 0) + 1
        printed.append(
            {
                "month": month["month"],
                "days": [
                    {"day": day, "lines": [_with_times(line) for line in lines.values()]}
                    for day, lines in days.items()
                ],
            }
        )
    return printed


def _with_times(line: dict[str, Any]) -> dict[str, Any]:
    times = ", ".join(
        time if count == 1 else f"{time} ({_times(count)})" for time, count in line["times"].items()
    )
    return {**line, "times": times}


def _times(count: int) -> str:
    return ngettext("%(count)d time", "%(count)d times", count) % {"count": count}


def patient_record(
    patient: Patient, *, access_since: date | None = None, access_until: date | None = None
) -> dict[str, Any]:
    consents = [
        {
            "given_on": _when(c.given_on),
            "given_to": c.given_to.full_name,
            "withdrawn_on": _when(c.withdrawn_on),
        }
        for c in patient.consents.select_related("given_to").order_by("given_on")
    ]
    of_patient = list(patient.consults.select_related("started_by").order_by("started_at"))
    # What each model recorded, read for all the patient's consults of that model at once.
    by_model: dict[str, list[Consult]] = defaultdict(list)
    for consult in of_patient:
        by_model[consult.model_slug].append(consult)
    recorded: dict[int, dict[str, Any]] = {}
    findings: dict[int, list[str]] = {}
    for slug, of_model in by_model.items():
        model = get_conversation_model(slug)
        if model is not None:
            recorded.update(model.recorded_data_for(of_model))
            findings.update(model.findings_for(of_model))
    consults = []
    for consult in of_patient:
        model = get_conversation_model(consult.model_slug)
        consults.append(
            {
                "model": str(model.name) if model else consult.model_slug,
                "session": consult.session_number,
                "started_at": _when(consult.started_at),
                "started_by": consult.started_by.full_name,
                "finished_at": _when(consult.finished_at),
                "steps_done": [
                    str(step.title)
                    for step in (model.steps if model else [])
                    if step.slug in consult.completed_steps
                ],
                "icpc_codes": consult.icpc_codes,
                "recorded": recorded.get(consult.pk, {}),
                # The same findings in sentences, for the printed copy.
                "findings": findings.get(consult.pk, []),
            }
        )
    plan = plan_view(patient_id=patient.pk, include_removed=True, with_events=True)
    plan_data: dict[str, Any] = {}
    if plan is not None:
        plan_data = {
            "next_evaluation_on": _when(plan.plan.next_evaluation_on),
            "goals": [
                {
                    "text": goal.goal.text,
                    "domain": str(goal.domain_label),
                    "removed": goal.goal.removed_at is not None,
                    "reached_on": _when(goal.goal.reached_on),
                    "agreements": [
                        {
                            "what": a.what,
                            "who": a.get_who_kind_display() if not a.who_name else a.who_name,
                            "coordinator": a.coordinator,
                            "evaluate_on": _when(a.evaluate_on),
                            "removed": a.removed_at is not None,
                        }
                        for a in goal.agreements
                    ],
                }
                for goal in plan.goals
            ],
            "network": [
                {"name": m.name, "role": m.role, "phone": m.phone, "regiehouder": m.is_regiehouder}
                for m in plan.network
            ],
        }
    referrals = [
        {
            "service": r.service.name,
            "organisation": r.service.organisation,
            "status": str(r.get_status_display()),
            "since": _when(r.status_on),
            "feedback": r.feedback,
            "steps": [
                {"status": str(e.get_status_display()), "on": _when(e.on), "note": e.note}
                for e in r.events.all()
            ],
        }
        for r in (plan.referrals if plan else [])
    ]
    access = access_by_month(patient, since=access_since, until=access_until)
    return {
        "patient": {
            "first_name": patient.first_name,
            "name_prefix": patient.name_prefix,
            "last_name": patient.last_name,
            "date_of_birth": _when(patient.date_of_birth),
            "his_number": patient.his_number,
            "postcode": patient.postcode,
            "phone": patient.phone,
            "email": patient.email,
            "preferred_language": str(patient.get_preferred_language_display()),
            "plain_language": patient.plain_language,
            "notes": patient.notes,
        },
        "practice": patient.practice.name,
        "consents": consents,
        "consults": consults,
        "plan": plan_data,
        "referrals": referrals,
        "teach_backs": [
            {
                "on": _when(item.done_at),
                "by": item.done_by.full_name,
                "patient_said": item.patient_said,
                "explained_again": item.explained_again,
            }
            for item in TeachBack.objects.filter(consult__patient=patient)
            .select_related("done_by")
            .order_by("done_at")
        ],
        "flags": [
            {
                "level": str(flag.get_level_display()),
                "text": flag.text,
                "raised_at": _when(flag.raised_at),
                "raised_by": flag.raised_by.full_name,
                "closed_at": _when(flag.closed_at),
                "closed_by": flag.closed_by.full_name if flag.closed_by else "",
                "close_reason": flag.close_reason,
            }
            for flag in patient.flags.select_related("raised_by", "closed_by").order_by("raised_at")
        ],
        "filled_in_at_home": [
            {
                "for": _entry_title(link),
                "made_at": _when(link.created_at),
                "sent_at": _when(link.completed_at),
                "answers": link.answers,
                "in_words": _told_back(link),
            }
            for link in patient.patient_links.order_by("created_at")
            if link.answers
        ],
        "access_period": {"from": _when(access_since), "to": _when(access_until)},
        "access": access,
        "made_at": _when(timezone.now()),
    }
