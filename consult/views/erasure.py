"""The beheerder erases a patient's record on a justified request (WGBO art. 7:455):
step 1 looks the record up by HIS number and shows it without who the patient is;
step 2, after typing the HIS number again, erases it and shows a receipt. The pages
never show a name or a date of birth: the beheerder sees no patient data."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consult.access import Actor, administrator_required
from consult.forms import DateInput
from consult.models import CLINICAL_ROLES, ErasureGround, ErasureRecord, Practice, User
from consult.services.erasure import (
    HIS_NUMBER_MAX_LENGTH,
    Candidate,
    erasure_candidate,
    erasures_of,
    normalise_his_number,
    patient_erase,
)

RECEIPT_SESSION_KEY = "erasure_receipt"


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.short_role})"


class ErasureRequestForm(forms.Form):
    his_number = forms.CharField(
        label=_("HIS patient number"),
        max_length=HIS_NUMBER_MAX_LENGTH,
        help_text=_("The patient number in the practice's record system (HIS)."),
        error_messages={"required": _("Enter the patient's HIS number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    ground = forms.ChoiceField(
        label=_("Ground"),
        choices=ErasureGround.choices,
        error_messages={
            "required": _("Choose a ground for the erasure."),
            "invalid_choice": _("Choose a ground for the erasure."),
        },
    )
    requested_on = forms.DateField(
        label=_("Date of the request"),
        help_text=_("The day the patient (or their representative) asked for it."),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date of the request."),
            "invalid": _("Enter the date of the request as dd-mm-yyyy."),
        },
    )
    agreed_by = ColleagueChoiceField(
        label=_("Agreed by"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        empty_label=_("Choose a colleague"),
        help_text=_(
            "The treating colleague (GP or practice nurse) who agreed to erase the record: "
            "the WGBO lets a caregiver refuse when someone else's interest weighs heavier."
        ),
        error_messages={
            "required": _(
                "Choose the treating colleague (GP or practice nurse) of your practice who "
                "agreed to the erasure."
            ),
            "invalid_choice": _(
                "Choose the treating colleague (GP or practice nurse) of your practice who "
                "agreed to the erasure."
            ),
        },
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agreed_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            practice=practice,
            is_active=True,
            role__in=CLINICAL_ROLES,
            confirmed_at__isnull=False,
        ).order_by("full_name")

    def clean_his_number(self) -> str:
        return str(self.cleaned_data["his_number"]).strip()

    def clean_requested_on(self) -> Any:
        requested_on = self.cleaned_data["requested_on"]
        if requested_on > timezone.localdate():
            raise ValidationError(_("The date of the request cannot be in the future."))
        return requested_on


class ErasureConfirmForm(ErasureRequestForm):
    """Step 2: what step 1 asked, carried along hidden, and the HIS number typed again."""

    confirm_his_number = forms.CharField(
        label=_("Type the HIS number again to confirm"),
        max_length=HIS_NUMBER_MAX_LENGTH,
        error_messages={"required": _("Type the HIS number again to confirm.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("his_number", "ground", "requested_on", "agreed_by"):
            self.fields[name].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = cleaned.get("confirm_his_number")
        his_number = cleaned.get("his_number")
        if typed and his_number and normalise_his_number(typed) != normalise_his_number(his_number):
            self.add_error(
                "confirm_his_number",
                _("The HIS number you typed again does not match. Nothing was erased."),
            )
        return cleaned

    @property
    def request_errors(self) -> bool:
        """Step 1's fields are wrong (changed on the way): start again from step 1."""
        return any(
            name in self.errors for name in ("his_number", "ground", "requested_on", "agreed_by")
        )


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def _page(
    request: HttpRequest, actor: Actor, form: ErasureRequestForm, *, status: int = 200
) -> HttpResponse:
    context = {"form": form, "erasures": erasures_of(actor.user.practice_id)}
    return _no_store(render(request, "consult/erasure.html", context, status=status))


def _confirm_page(
    request: HttpRequest,
    form: ErasureConfirmForm,
    candidate: Candidate,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "candidate": candidate}
    return _no_store(render(request, "consult/erasure_confirm.html", context, status=status))


@administrator_required
@require_http_methods(["GET", "POST"])
def erasure_start(request: HttpRequest) -> HttpResponse:
    """Step 1: the request, and the list of past erasures."""
    actor = Actor.from_request(request)
    practice = actor.user.practice
    if request.method != "POST":
        return _page(request, actor, ErasureRequestForm(practice=practice))
    form = ErasureRequestForm(request.POST, practice=practice)
    if not form.is_valid():
        return _page(request, actor, form, status=400)
    candidate = erasure_candidate(actor, form.cleaned_data["his_number"])
    if candidate is None:
        form.add_error(
            "his_number", _("There is no patient with this HIS number in your practice.")
        )
        return _page(request, actor, form, status=404)
    confirm = ErasureConfirmForm(
        initial={
            **form.cleaned_data,
            "agreed_by": form.cleaned_data["agreed_by"].public_id,
        },
        practice=practice,
    )
    return _confirm_page(request, confirm, candidate)


@administrator_required
@require_POST
def erasure_carry_out(request: HttpRequest) -> HttpResponse:
    """Step 2: erase, and show the receipt."""
    actor = Actor.from_request(request)
    practice = actor.user.practice
    form = ErasureConfirmForm(request.POST, practice=practice)
    if not form.is_valid() and form.request_errors:
        request_form = ErasureRequestForm(request.POST, practice=practice)
        request_form.is_valid()
        return _page(request, actor, request_form, status=400)
    his_number = str(form.cleaned_data["his_number"])
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = patient_erase(
                actor,
                his_number,
                data["ground"],
                data["requested_on"],
                data["agreed_by"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[RECEIPT_SESSION_KEY] = str(record.patient_public_id)
            return redirect("erasure_receipt")
    candidate = erasure_candidate(actor, his_number)
    if candidate is None:
        request_form = ErasureRequestForm(request.POST, practice=practice)
        request_form.is_valid()
        request_form.add_error(
            "his_number", _("There is no patient with this HIS number in your practice.")
        )
        return _page(request, actor, request_form, status=404)
    return _confirm_page(request, form, candidate, status=400)


@administrator_required
@require_GET
def erasure_receipt(request: HttpRequest) -> HttpResponse:
    """The receipt of the erasure just carried out in this session."""
    actor = Actor.from_request(request)
    public_id = request.session.get(RECEIPT_SESSION_KEY)
    record = (
        ErasureRecord.objects.filter(
            practice_id=actor.user.practice_id, patient_public_id=public_id
        )
        .select_related("carried_out_by", "agreed_by")
        .first()
        if public_id
        else None
    )
    if record is None:
        return redirect("erasure_start")
    return _no_store(render(request, "consult/erasure_receipt.html", {"record": record}))
