from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from account_security.reauth import reauthenticate


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        reauthenticate(self.request, password)
        return password


class RecoveryCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Recovery code"),
        regex=r"^\s*[A-Za-z2-7]{4}[\s-]?[A-Za-z2-7]{4}\s*$",
        max_length=20,
        error_messages={
            "invalid": _("A recovery code has eight letters and digits, like abcd-ef23.")
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
