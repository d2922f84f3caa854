"""The sociale kaart in the browser: searching (everyone), keeping it (map keepers)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sociale_kaart.access import (
    KaartUser,
    get_service_for,
    kaart_user,
    map_ids_for,
    map_keeper_required,
)
from sociale_kaart.forms import SearchForm, ServiceForm
from sociale_kaart.models import Service, ServiceMap
from sociale_kaart.referring import ReferContext, refer_context
from sociale_kaart.results import result_rows
from sociale_kaart.revisions import with_changes
from sociale_kaart.search import Filters, search
from sociale_kaart.services import service_mark_checked, service_save, service_set_active


def _search_data(request: HttpRequest, refer: ReferContext | None) -> QueryDict | None:
    """The search as asked; opened to refer someone, the area and age filters start with
    theirs (emptying a filter in the form switches it off)."""
    if refer is None:
        return request.GET or None
    data = request.GET.copy()
    if "postcode" not in data and refer.postcode:
        data["postcode"] = refer.postcode
    if "age" not in data and refer.age is not None:
        data["age"] = str(refer.age)
    return data


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    user = kaart_user(request)
    refer = refer_context(request)
    form = SearchForm(_search_data(request, refer))
    filters = Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = Filters(
            text=data["q"],
            theme=data["theme"],
            postcode_number=data["postcode"],
            costs=data["costs"],
            referral=data["referral"],
            age=data["age"],
            include_inactive=bool(data["inactive"]) and user.keeps_map,
        )
    results = search(map_ids_for(user), filters) if not form.errors else []
    context = {
        "form": form,
        "services": results,
        "rows": result_rows(results, refer.query if refer else ""),
        "searched": bool(request.GET),
        "refer": refer,
    }
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "service-results":
        return render(request, "sociale_kaart/service_list.html#results", context)
    return render(request, "sociale_kaart/service_list.html", context)


@login_required
def service_detail(request: HttpRequest, service_id: UUID) -> HttpResponse:
    service = get_service_for(kaart_user(request), service_id)
    refer = refer_context(request)
    context = {
        "service": service,
        "refer": refer,
        "fits_age": refer is None or refer.fits_age(service),
    }
    return render(request, "sociale_kaart/service_detail.html", context)


def _maps(user: KaartUser) -> list[ServiceMap]:
    return list(ServiceMap.objects.filter(pk__in=map_ids_for(user)))


@map_keeper_required
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest) -> HttpResponse:
    user = kaart_user(request)
    # Bound on every POST, an empty one too: it is answered with the form's errors.
    data = request.POST if request.method == "POST" else None
    form = ServiceForm(data, maps=_maps(user), initial={"service_map": user.own_map_id})
    if request.method == "POST" and form.is_valid():
        service = form.save(commit=False)
        # Whoever enters a service has just looked it up: that counts as a check.
        service.last_checked_on = service.last_checked_on or timezone.localdate()
        service_save(
            service=service,
            themes=[t.slug for t in form.cleaned_data["themes"]],
            user=user,
            change="created",
        )
        messages.success(request, _("Service added to the sociale kaart."))
        return redirect("service_detail", service_id=service.public_id)
    return render(request, "sociale_kaart/service_form.html", {"form": form, "service": None})


@map_keeper_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: UUID) -> HttpResponse:
    user = kaart_user(request)
    service = get_service_for(user, service_id)
    # Bound on every POST, an empty one too (an unbound form cannot take an error).
    data = request.POST if request.method == "POST" else None
    form = ServiceForm(data, instance=service, maps=_maps(user))
    if request.method == "POST":
        submitted_version = request.POST.get("version", "")
        if submitted_version != str(service.version):
            form.add_error(
                None,
                _(
                    "Someone else changed this service in the meantime. Your changes are below; "
                    "compare with the current version and save again."
                ),
            )
        elif form.is_valid():
            service_save(
                service=form.save(commit=False),
                themes=[t.slug for t in form.cleaned_data["themes"]],
                user=user,
                change="updated",
            )
            messages.success(request, _("Changes saved."))
            return redirect("service_detail", service_id=service.public_id)
    service.refresh_from_db()
    return render(request, "sociale_kaart/service_form.html", {"form": form, "service": service})


@map_keeper_required
@require_POST
def service_checked(request: HttpRequest, service_id: UUID) -> HttpResponse:
    user = kaart_user(request)
    service = service_mark_checked(service=get_service_for(user, service_id), user=user)
    messages.success(request, _("Marked as checked today."))
    if request.POST.get("next") == "review":
        return redirect("service_review")
    return redirect("service_detail", service_id=service.public_id)


@map_keeper_required
@require_POST
def service_active(request: HttpRequest, service_id: UUID) -> HttpResponse:
    user = kaart_user(request)
    service = get_service_for(user, service_id)
    active = request.POST.get("active") == "1"
    service_set_active(service=service, active=active, user=user)
    messages.success(
        request,
        _("The service is active again.")
        if active
        else _("The service is deactivated: it no longer shows up in searches."),
    )
    return redirect("service_detail", service_id=service.public_id)


@map_keeper_required
def service_history(request: HttpRequest, service_id: UUID) -> HttpResponse:
    """Every version of the service, each showing the fields that changed in it."""
    service = get_service_for(kaart_user(request), service_id)
    revisions = with_changes(list(service.revisions.select_related("changed_by")))
    return render(
        request, "sociale_kaart/service_history.html", {"service": service, "revisions": revisions}
    )


@map_keeper_required
def service_review(request: HttpRequest) -> HttpResponse:
    stale = (
        Service.objects.in_maps(map_ids_for(kaart_user(request)))
        .active()
        .stale()
        .order_by("last_checked_on", "name")
    )
    return render(request, "sociale_kaart/service_review.html", {"services": stale})
