"""The patient's own entry at home, by link: no account, no name shown, large type,
plain Dutch, a few words per screen, and no JavaScript needed. Every token that does
not open a usable link gets the same page, whether it expired, was used, was
withdrawn or never existed."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from consult.access import client_address
from consult.audit import PatientVisitor
from consult.models import PatientLink
from consult.registry import AnswerLine, EntryScreen, PatientEntry
from consult.services.patient_links import (
    entry_of,
    is_throttled,
    link_complete,
    link_for_visitor,
    link_save_answers,
)

SEND = "versturen"
CHECK = "naar"  # ?naar=versturen: a screen opened to change an answer told back


@dataclass(frozen=True)
class Answered:
    """A screen's answers as the page before sending tells them back."""

    screen: EntryScreen
    skipped: bool
    lines: list[AnswerLine]


def _no_store(response: HttpResponse) -> HttpResponse:
    # The site's Referrer-Policy (same-origin) keeps the token from other sites; a
    # stricter one would make the browser send "Origin: null", which CSRF refuses.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _unavailable(request: HttpRequest, *, throttled: bool = False) -> HttpResponse:
    return _no_store(
        render(
            request,
            "patient_entry/unavailable.html",
            {"throttled": throttled},
            status=429 if throttled else 404,
        )
    )


def _open(request: HttpRequest, token: str) -> tuple[PatientVisitor, PatientLink | None, bool]:
    visitor = PatientVisitor(client_address=client_address(request))
    if is_throttled(visitor.client_address):
        return visitor, None, True
    return visitor, link_for_visitor(visitor=visitor, token=token), False


def _next_screen(entry: PatientEntry, link: PatientLink) -> str:
    return next((s.key for s in entry.screens if s.key not in link.answers), SEND)


@require_http_methods(["GET"])
def patient_entry(request: HttpRequest, token: str) -> HttpResponse:
    _visitor, link, throttled = _open(request, token)
    if link is None:
        return _unavailable(request, throttled=throttled)
    entry = entry_of(link)
    context = {
        "token": token,
        "entry": entry,
        "link": link,
        "started": bool(link.answers),
        "next_screen": _next_screen(entry, link),
    }
    return _no_store(render(request, "patient_entry/start.html", context))


@require_http_methods(["GET", "POST"])
def patient_entry_screen(request: HttpRequest, token: str, screen_key: str) -> HttpResponse:
    visitor, link, throttled = _open(request, token)
    if link is None:
        return _unavailable(request, throttled=throttled)
    entry = entry_of(link)
    screen = entry.screen(screen_key)
    if screen is None:
        raise Http404
    number = [s.key for s in entry.screens].index(screen.key) + 1
    # Opened from the answers told back before sending: saving goes back there.
    checking = request.GET.get(CHECK) == SEND or request.POST.get(CHECK) == SEND
    if request.method == "POST":
        form = screen.form_class(request.POST, label_suffix="")
        if form.is_valid():
            link = link_save_answers(
                visitor=visitor, link=link, screen_key=screen.key, answers=form.cleaned_data
            )
            if "stoppen" in request.POST:
                return redirect("patient_entry_paused", token=token)
            if checking:
                return redirect("patient_entry_send", token=token)
            following = entry.screens[number] if number < len(entry.screens) else None
            if following is None:
                return redirect("patient_entry_send", token=token)
            return redirect("patient_entry_screen", token=token, screen_key=following.key)
        status = 400
    else:
        form = screen.form_class(initial=link.answers.get(screen.key), label_suffix="")
        status = 200
    previous = entry.screens[number - 2] if number > 1 else None
    context = {
        "token": token,
        "entry": entry,
        "screen": screen,
        "form": form,
        "number": number,
        "total": len(entry.screens),
        "previous": previous,
        "checking": checking,
        "check_key": CHECK,
        "check_value": SEND,
    }
    return _no_store(render(request, "patient_entry/screen.html", context, status=status))


@require_http_methods(["GET"])
def patient_entry_paused(request: HttpRequest, token: str) -> HttpResponse:
    _visitor, link, throttled = _open(request, token)
    if link is None:
        return _unavailable(request, throttled=throttled)
    return _no_store(render(request, "patient_entry/paused.html", {"token": token, "link": link}))


@require_http_methods(["GET", "POST"])
def patient_entry_send(request: HttpRequest, token: str) -> HttpResponse:
    visitor, link, throttled = _open(request, token)
    if link is None:
        return _unavailable(request, throttled=throttled)
    entry = entry_of(link)
    missing = [screen for screen in entry.screens if screen.key not in link.answers]
    if request.method == "POST":
        try:
            link_complete(visitor=visitor, link=link)
        except ValidationError:
            return _unavailable(request)
        return _no_store(render(request, "patient_entry/thanks.html", {"entry": entry}))
    answered = [
        Answered(
            screen=screen,
            skipped=screen.key not in link.answers,
            lines=screen.answer_lines(link.answers.get(screen.key, {})),
        )
        for screen in entry.screens
    ]
    context = {
        "token": token,
        "entry": entry,
        "missing": missing,
        "last": entry.screens[-1],
        "answered": answered,
        "check_key": CHECK,
        "check_value": SEND,
    }
    return _no_store(render(request, "patient_entry/send.html", context))
