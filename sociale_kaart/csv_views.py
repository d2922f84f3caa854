"""The sociale kaart as a CSV file: upload and check, then import (with progress), and
export. Only map keepers, and only for their own practice's maps. The layout, the
rules and the writes are in the csv_io package."""

import logging
from collections.abc import Iterator
from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sociale_kaart.access import (
    KaartUser,
    get_import_job_for,
    kaart_user,
    map_ids_for,
    map_keeper_required,
)
from sociale_kaart.csv_io.columns import COLUMNS
from sociale_kaart.csv_io.export import export_csv
from sociale_kaart.csv_io.importing import (
    MODE_ALL_OR_NOTHING,
    MODE_VALID_ROWS,
    MODES,
    ImportSummary,
    Progress,
)
from sociale_kaart.csv_io.jobs import (
    import_job_claim,
    import_job_create,
    import_job_plan,
    import_job_run,
)
from sociale_kaart.csv_io.reading import CsvFileError, ParsedFile, parse_csv, read_upload
from sociale_kaart.csv_models import ImportJob, ImportStatus
from sociale_kaart.models import Costs, Referral, ServiceMap
from sociale_kaart.themes import ThemeSlug

logger = logging.getLogger(__name__)

TARGET_OWN = "eigen"
TARGET_SHARED = "gedeeld"
# The check page lists this many rejected rows at most (the count is always right).
REJECTED_SHOWN = 1000
PROGRESS_MARKER = "IMPORT-PROGRESS-8d1f0c"


def _targets(user: KaartUser) -> list[tuple[str, ServiceMap]]:
    """The maps this user may import into: the practice's own map, and its care group's
    shared map when it has one."""
    maps = ServiceMap.objects.in_bulk(map_ids_for(user))
    return [
        (code, maps[map_id])
        for code, map_id in ((TARGET_OWN, user.own_map_id), (TARGET_SHARED, user.shared_map_id))
        if map_id in maps
    ]


def _service_list_url() -> str:
    try:
        return reverse("service_list")
    except NoReverseMatch:
        return "/sociale-kaart/"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        allow_empty_file=True,
        help_text=gettext_lazy("UTF-8, columns separated by ; or , and at most 5 MB."),
    )
    target = forms.ChoiceField(label=gettext_lazy("Import into"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, targets: list[tuple[str, ServiceMap]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = dict(targets)
        self.text = ""
        self.parsed: ParsedFile | None = None
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, service_map.name) for code, service_map in targets]
        field.initial = TARGET_OWN
        if len(targets) == 1:
            field.widget = forms.HiddenInput()

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        try:
            self.text = read_upload(upload)
            self.parsed = parse_csv(self.text)
        except CsvFileError as error:
            raise forms.ValidationError(error.message, code="csv") from None
        return upload

    def target_map(self) -> ServiceMap:
        return self.targets[self.cleaned_data["target"]]


def _page_context(**extra: Any) -> dict[str, Any]:
    return {
        "columns": COLUMNS,
        "themes": ThemeSlug.choices,
        "costs": Costs.choices,
        "referrals": Referral.choices,
        **extra,
    }


@map_keeper_required
@require_http_methods(["GET", "POST"])
def service_import(request: HttpRequest) -> HttpResponse:
    user = kaart_user(request)
    targets = _targets(user)
    form = ImportForm(request.POST or None, request.FILES or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            service_map=form.target_map(),
            file_name=form.cleaned_data["file"].name or "",
            content=form.text,
            user=user,
        )
        return redirect("service_import_check", job_id=job.public_id)
    context = _page_context(
        form=form, shared=len(targets) > 1, service_list_url=_service_list_url()
    )
    return render(request, "sociale_kaart/import.html", context)


@map_keeper_required
@require_GET
def service_import_check(request: HttpRequest, job_id: UUID) -> HttpResponse:
    user = kaart_user(request)
    job = get_import_job_for(user, job_id)
    context: dict[str, Any] = {"job": job, "service_list_url": _service_list_url()}
    if job.status != ImportStatus.CHECKED:
        context["counts"] = job.result or {}
        return render(request, "sociale_kaart/import_check.html", context)
    try:
        plan = import_job_plan(job=job, user=user)
    except CsvFileError as error:
        context["file_error"] = error.message
        return render(request, "sociale_kaart/import_check.html", context)
    counts = plan.counts()
    rejected = plan.rejected
    context.update(
        counts=counts,
        total=len(plan.rows),
        rejected_rows=rejected[:REJECTED_SHOWN],
        rejected_hidden=max(0, len(rejected) - REJECTED_SHOWN),
        mode_valid=MODE_VALID_ROWS,
        mode_all=MODE_ALL_OR_NOTHING,
        nothing_to_do=not counts["create"] and not counts["update"],
    )
    return render(request, "sociale_kaart/import_check.html", context)


@map_keeper_required
@require_POST
def service_import_run(request: HttpRequest, job_id: UUID) -> HttpResponse:
    user = kaart_user(request)
    job = get_import_job_for(user, job_id)
    mode = request.POST.get("mode", "")
    if mode not in MODES:
        messages.error(request, _("Choose how to import the file."))
        return redirect("service_import_check", job_id=job.public_id)
    if not import_job_claim(job=job):
        # Already imported (or being imported): the check page says so.
        return redirect("service_import_check", job_id=job.public_id)
    page = render_to_string(
        "sociale_kaart/import_run.html",
        {"job": job, "marker": PROGRESS_MARKER},
        request=request,
    )
    head, tail = page.split(PROGRESS_MARKER, 1)
    stream = _import_stream(
        job=job,
        user=user,
        mode=mode,
        head=head,
        tail=tail,
        language=translation.get_language(),
        check_url=reverse("service_import_check", kwargs={"job_id": job.public_id}),
    )
    response = StreamingHttpResponse(stream, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # a proxy must pass the progress on at once
    # map_keeper_required is typed for HttpResponse; a streaming response works the same.
    return cast(HttpResponse, response)


def _progress_html(progress: Progress) -> str:
    text = ngettext(
        "%(done)s of %(total)s row done", "%(done)s of %(total)s rows done", progress.total
    ) % {"done": progress.done, "total": progress.total}
    percent = round(100 * progress.done / progress.total) if progress.total else 100
    return format_html(
        '<p class="import-progress"><progress max="{}" value="{}">{}%</progress> {}</p>\n',
        progress.total,
        progress.done,
        percent,
        text,
    )


def _import_stream(
    *,
    job: ImportJob,
    user: KaartUser,
    mode: str,
    head: str,
    tail: str,
    language: str | None,
    check_url: str,
) -> Iterator[str]:
    """The page in pieces: the top, a line per batch, the summary, the bottom. The
    writing happens in one transaction; if the page is left halfway, nothing is kept."""
    with translation.override(language):
        yield head
        yield format_html(
            '<p class="while-importing">{}</p>\n', _("Reading and checking the file…")
        )
        summary: ImportSummary | None = None
        events = import_job_run(job=job, mode=mode, user=user)
        try:
            for event in events:
                if isinstance(event, Progress):
                    yield _progress_html(event)
                else:
                    summary = event
        except Exception:
            logger.exception("Import of job %s failed", job.pk)
        finally:
            events.close()  # the page was left halfway: roll back and free the job
        if summary is None:
            yield render_to_string(
                "sociale_kaart/import_failed.html",
                {"check_url": check_url, "service_list_url": _service_list_url()},
            )
        else:
            yield render_to_string(
                "sociale_kaart/import_summary.html",
                {
                    "summary": summary,
                    "counts": summary.counts,
                    "rejected_rows": summary.rejected_rows[:REJECTED_SHOWN],
                    "rejected_hidden": max(0, len(summary.rejected_rows) - REJECTED_SHOWN),
                    "check_url": check_url,
                    "service_list_url": _service_list_url(),
                },
            )
        yield tail


@map_keeper_required
@require_GET
def service_export(request: HttpRequest) -> HttpResponse:
    """The services of the practice's maps (both, or one with ?kaart=eigen|gedeeld) in
    the import layout."""
    user = kaart_user(request)
    targets = dict(_targets(user))
    which = request.GET.get("kaart", "")
    if which in targets:
        map_ids = [targets[which].pk]
    elif which:
        raise Http404
    else:
        map_ids = map_ids_for(user)
    content = export_csv(map_ids)
    response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"sociale-kaart-{which + '-' if which else ''}{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
