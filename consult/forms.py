from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from account_security.lockout import lockout_error, login_succeeded, password_failed
from consult.access import Actor, client_address
from consult.audit import Visitor
from consult.models import CLINICAL_ROLES, Patient, Practice, Role, User
from consult.registry import conversation_models
from sociale_kaart.validators import normalise_phone, normalise_postcode


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class LoginForm(AuthenticationForm):
    """The login, with the lockout after repeated wrong passwords
    (account_security.lockout): while locked every attempt is refused, the right
    password too, and the wrong password that reaches the limit already says so."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "This e-mail address and password do not match. Check the password: capitals count."
        ),
    }

    def clean(self) -> dict[str, Any]:
        if error := lockout_error(actor=self._visitor(), email=self._email()):
            raise error
        cleaned_data = super().clean()
        if isinstance(self.user_cache, User):
            login_succeeded(actor=Actor(self.user_cache, self._visitor().client_address))
        return cleaned_data

    def get_invalid_login_error(self) -> ValidationError:
        password_failed(actor=self._visitor(), email=self._email())
        locked = lockout_error(actor=self._visitor(), email=self._email())
        return locked or super().get_invalid_login_error()

    def _email(self) -> str:
        return str(self.cleaned_data.get("username") or "")

    def _visitor(self) -> Visitor:
        return Visitor(client_address(self.request) if self.request else None)


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's, with the one message in which its Dutch says "uw" said as the app does."""

    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": _("Your old password is not right. Type it again."),
    }


class CodeForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the six digits from your app.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for a patient"),
        max_length=100,
        required=False,
        help_text=_("Name, date of birth (dd-mm-yyyy) or HIS patient number."),
    )


class PatientForm(forms.ModelForm):
    # The model's field, with the box before its words.
    plain_language = Patient._meta.get_field("plain_language").formfield(
        template_name="components/check_field.html"
    )

    class Meta:
        model = Patient
        fields = [
            "first_name",
            "name_prefix",
            "last_name",
            "date_of_birth",
            "his_number",
            "postcode",
            "phone",
            "email",
            "preferred_language",
            "plain_language",
            "notes",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        date_field = self.fields["date_of_birth"]
        assert isinstance(date_field, forms.DateField)
        date_field.input_formats = ["%Y-%m-%d", "%d-%m-%Y"]

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data["postcode"]
        return normalise_postcode(value) if value else ""

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"]
        return normalise_phone(value) if value else ""

    def clean_his_number(self) -> str:
        value: str = self.cleaned_data["his_number"].strip()
        taken = Patient.objects.filter(practice=self.practice, his_number__iexact=value)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Another patient of this practice has this HIS number."))
        return value


def clinicians_of(practice_id: int) -> Any:
    return User.objects.filter(
        practice_id=practice_id, is_active=True, role__in=CLINICAL_ROLES, confirmed_at__isnull=False
    )


class ConsentForm(forms.Form):
    given_on = forms.DateField(label=_("Consent given on"), widget=DateInput())
    given_to = forms.ModelChoiceField(
        label=_("Given to"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, actor_user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"given_on": timezone.localdate(), "given_to": actor_user})
        super().__init__(*args, **kwargs)
        field = self.fields["given_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = clinicians_of(actor_user.practice_id)


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"withdrawn_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ConsultStartForm(forms.Form):
    model_slug = forms.ChoiceField(label=_("Conversation model"), widget=forms.RadioSelect)
    # The consult this one continues (the next KOP session, EMBOSS cycle), if any.
    continues = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["model_slug"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(model.slug, model.name) for model in conversation_models()]


class FlagCloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: discussed again on 12-03, no thoughts of suicide any more."),
    )


class PatientLinkForm(forms.Form):
    entry = forms.ChoiceField(label=_("What will the patient fill in?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["entry"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (f"{model.slug}:{entry.purpose}", entry.title)
            for model in conversation_models()
            for entry in model.patient_entries
        ]


class UserCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("There is already an account with this e-mail address."))
        return email


class UserUpdateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(
        template_name="components/check_field.html",
        label=_("Active"),
        required=False,
        help_text=_("A deactivated account can no longer log in. Its history is kept."),
    )
    reset_two_factor = forms.BooleanField(
        template_name="components/check_field.html",
        label=_("Set up two-step verification again"),
        required=False,
        help_text=_(
            "For a lost or new phone: at the next login the colleague links the app again. "
            "A treating colleague then confirms the account again before it shows patient data."
        ),
    )
    reviews_audit = forms.BooleanField(
        template_name="components/check_field.html",
        label=_("Reviews the audit trail"),
        required=False,
        help_text=_(
            "Appointed by the practice to check who looked at which record "
            "(a GP or practice nurse)."
        ),
    )
