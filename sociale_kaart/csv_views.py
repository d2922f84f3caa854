"""The sociale kaart as a CSV file: upload and check, then import (with progress), and
export. Only map keepers, and only for their own practice's maps. The layout and the
rules are in csv_io.py."""

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sociale_kaart.access import map_ids_for, map_keeper_required
from sociale_kaart.csv_io import (
    MODE_ALL_OR_NOTHING,
    MODE_VALID_ROWS,
    MODES,
    CsvFileError,
    ImportSummary,
    ParsedFile,
    Progress,
    column_docs,
    export_csv,
    parse_csv,
    plan_import,
    read_upload,
    run_import,
)
from sociale_kaart.csv_models import ImportJob, ImportStatus
from sociale_kaart.models import Costs, Referral, ServiceMap
from sociale_kaart.themes import ThemeSlug

logger = logging.getLogger(__name__)

TARGET_OWN = "eigen"
TARGET_SHARED = "gedeeld"
JOBS_KEPT = timedelta(days=1)
# The check page lists this many rejected rows at most (the count is always right).
REJECTED_SHOWN = 1000
PROGRESS_MARKER = "IMPORT-PROGRESS-8d1f0c"


def _targets(user: Any) -> list[tuple[str, ServiceMap]]:
    """The maps this user may import into: the practice's own map, and its care group's
    shared map when it has one."""
    practice = user.practice
    targets = []
    if practice.own_map_id:
        targets.append((TARGET_OWN, practice.own_map))
    if practice.shared_map_id:
        targets.append((TARGET_SHARED, practice.shared_map))
    return targets


def _other_maps(user: Any, service_map: ServiceMap) -> list[ServiceMap]:
    return [m for _code, m in _targets(user) if m.pk != service_map.pk]


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

    def clean_file(self) -> Any:
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
        "columns": column_docs(),
        "themes": ThemeSlug.choices,
        "costs": Costs.choices,
        "referrals": Referral.choices,
        **extra,
    }


@map_keeper_required
@require_http_methods(["GET", "POST"])
def service_import(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    targets = _targets(user)
    form = ImportForm(request.POST or None, request.FILES or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        ImportJob.objects.filter(created_at__lt=timezone.now() - JOBS_KEPT).delete()
        job = ImportJob.objects.create(
            created_by=user,
            service_map=form.target_map(),
            file_name=(upload.name or "")[:200],
            content=form.text,
        )
        return redirect("service_import_check", job_id=job.public_id)
    context = _page_context(
        form=form, shared=len(targets) > 1, service_list_url=_service_list_url()
    )
    return render(request, "sociale_kaart/import.html", context)


def _job_for(user: Any, job_id: UUID) -> ImportJob:
    """Only the user who uploaded the file, and only while the map is still theirs."""
    job = (
        ImportJob.objects.select_related("service_map")
        .filter(public_id=job_id, created_by=user, service_map_id__in=map_ids_for(user))
        .first()
    )
    if job is None:
        raise Http404
    return job


@map_keeper_required
@require_GET
def service_import_check(request: HttpRequest, job_id: UUID) -> HttpResponse:
    user: Any = request.user
    job = _job_for(user, job_id)
    context: dict[str, Any] = {"job": job, "service_list_url": _service_list_url()}
    if job.status != ImportStatus.CHECKED:
        context["counts"] = job.result or {}
        return render(request, "sociale_kaart/import_check.html", context)
    try:
        plan = plan_import(
            parse_csv(job.content), job.service_map, _other_maps(user, job.service_map)
        )
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
    user: Any = request.user
    job = _job_for(user, job_id)
    mode = request.POST.get("mode", "")
    if mode not in MODES:
        messages.error(request, _("Choose how to import the file."))
        return redirect("service_import_check", job_id=job.public_id)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        # Already imported (or being imported): the check page says so.
        return redirect("service_import_check", job_id=job.public_id)
    job.status = ImportStatus.RUNNING
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
    user: Any,
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
        yield format_html("<p>{}</p>\n", _("Reading and checking the file…"))
        finished = False
        events = None
        summary: ImportSummary | None = None
        try:
            parsed = parse_csv(job.content)
            events = run_import(
                parsed,
                job.service_map,
                user=user,
                mode=mode,
                other_maps=_other_maps(user, job.service_map),
                job=job,
            )
            for event in events:
                if isinstance(event, Progress):
                    yield _progress_html(event)
                else:
                    summary = event
            finished = True
        except Exception:
            logger.exception("Import of job %s failed", job.pk)
        finally:
            if events is not None:
                events.close()  # roll back first, then free the job
            if not finished:
                ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
                    status=ImportStatus.CHECKED
                )
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
                    "counts": {
                        "create": summary.created,
                        "update": summary.updated,
                        "unchanged": summary.unchanged,
                        "rejected": summary.rejected,
                    },
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
    user: Any = request.user
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
