from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from sociale_kaart.csv_io.columns import MAX_AGE
from sociale_kaart.models import Costs, Referral, Service, ServiceMap, Theme
from sociale_kaart.themes import ThemeSlug
from sociale_kaart.validators import (
    POSTCODE_RE,
    normalise_postcode,
    normalise_service_phone,
    parse_areas,
)

# The largest id a database column holds: a larger number is no theme, and SQLite
# cannot even look it up (OverflowError, a server error).
LARGEST_ID = 2**63 - 1


def _beyond_any_id(choice: Any) -> bool:
    try:
        return abs(int(str(choice))) > LARGEST_ID
    except ValueError:
        return False


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)

    def clean(self, value: Any) -> Any:
        for choice in value if isinstance(value, list | tuple) else ():
            if _beyond_any_id(choice):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": choice},
                )
        return super().clean(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ServiceForm(forms.ModelForm):
    themes = ThemeChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The life domains this service helps with: that is how professionals find it."),
    )

    serves_whole_region = forms.BooleanField(
        label=capfirst(_("serves the whole region")),
        help_text=_("Everyone can go, wherever they live."),
        required=False,
        template_name="components/check_field.html",  # the box before its words
    )

    class Meta:
        model = Service
        fields = [
            "service_map",
            "name",
            "organisation",
            "description",
            "themes",
            "target_group",
            "age_min",
            "age_max",
            "serves_whole_region",
            "area_postcodes",
            "neighbourhoods",
            "costs",
            "costs_note",
            "referral",
            "how_to_apply",
            "phone",
            "email",
            "website",
            "street_address",
            "postcode",
            "city",
            "opening_hours",
            "languages",
            "last_checked_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "how_to_apply": forms.Textarea(attrs={"rows": 2}),
            "last_checked_on": DateInput(),
        }

    def __init__(self, *args: Any, maps: list[ServiceMap], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service_map"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ServiceMap.objects.filter(pk__in=[m.pk for m in maps])
        field.empty_label = None
        field.label = _("Map")
        if len(maps) == 1:
            field.widget = forms.HiddenInput()
        themes = self.fields["themes"]
        assert isinstance(themes, forms.ModelMultipleChoiceField)
        order = {slug: index for index, slug in enumerate(ThemeSlug.values)}
        ordered = sorted(Theme.objects.all(), key=lambda theme: order.get(theme.slug, len(order)))
        themes.choices = [(theme.pk, theme.label) for theme in ordered]

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"]
        return normalise_service_phone(value) if value else ""

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data["postcode"]
        return normalise_postcode(value) if value else ""

    def clean_area_postcodes(self) -> str:
        value: str = self.cleaned_data["area_postcodes"]
        ranges = parse_areas(value)
        return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("serves_whole_region") and not data.get("area_postcodes"):
            self.add_error(
                "area_postcodes",
                _("Give the postcode areas served, or tick that it serves the whole region."),
            )
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error("age_max", _("The maximum age is lower than the minimum age."))
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("What are you looking for?"),
        max_length=100,
        required=False,
        help_text=_("For example: schulden, eenzaam, bewegen, taal."),
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    postcode = forms.CharField(
        label=_("Patient's postcode"),
        max_length=7,
        required=False,
        help_text=_("Only services that serve this area."),
    )
    age = forms.IntegerField(
        label=_("Patient's age"),
        min_value=0,
        max_value=MAX_AGE,
        required=False,
        help_text=_("Only services for this age."),
    )
    costs = forms.ChoiceField(label=_("Costs"), required=False)
    referral = forms.ChoiceField(label=_("Referral"), required=False)
    inactive = forms.BooleanField(
        label=_("Also show inactive services"),
        required=False,
        template_name="components/check_field.html",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("(all)"))]
        for name, choices in (
            ("theme", ThemeSlug.choices),
            ("costs", Costs.choices),
            ("referral", Referral.choices),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [*everything, *choices]

    def clean_postcode(self) -> int | None:
        value: str = self.cleaned_data["postcode"].strip()
        if not value:
            return None
        if len(value) == 4 and value.isdigit() and value[0] != "0":
            return int(value)
        if POSTCODE_RE.match(value):
            return int(normalise_postcode(value)[:4])
        raise forms.ValidationError(_("Enter a postcode such as 9999 AB, or its four digits."))
