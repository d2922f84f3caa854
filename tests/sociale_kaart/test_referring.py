"""Referring from the sociale kaart's own pages, through the hook whoever refers
registers (the core does, for a consult's goal): here with a stand-in provider, since
the sociale kaart knows nothing of consults."""

import ast
import html
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from sociale_kaart import referring
from sociale_kaart.referring import ReferContext
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db

ACTION_URL = "/ergens/verwijzen/"
RETURN_URL = "/ergens/terug/#doel"


@pytest.fixture
def services(practice_a):
    own = practice_a.own_map
    return {
        "here": make_service(
            own, name="Schuldhulp hier", serves_whole_region=False, area_postcodes="9990-9994"
        ),
        "elsewhere": make_service(
            own, name="Schuldhulp elders", serves_whole_region=False, area_postcodes="9800"
        ),
        "elderly": make_service(own, name="Ouderenadvies", age_min=65),
        "everyone": make_service(own, name="Budgetcoach"),
    }


@pytest.fixture
def refer_for(monkeypatch):
    """Install a provider that refers when the request carries ?voor=test."""

    def install(**overrides) -> None:
        def provider(request: HttpRequest) -> ReferContext | None:
            if request.GET.get("voor") != "test":
                return None
            return ReferContext(
                **{
                    "label": "Van mijn schulden af",
                    "action_url": ACTION_URL,
                    "return_url": RETURN_URL,
                    "return_label": "Terug",
                    "carry": {"voor": "test"},
                    "postcode": "9992 AB",
                    "age": 47,
                    **overrides,
                }
            )

        monkeypatch.setattr(referring, "_providers", [provider])

    return install


def page(client, url, **params) -> tuple[list[str], str]:
    response = client.get(url, params)
    assert response.status_code == 200
    names = [service.name for service in response.context.get("services", [])]
    return names, html.unescape(response.content.decode())


def test_opened_to_refer_the_search_filters_for_the_persons_area_and_age(
    huisarts_a, services, refer_for
):
    refer_for()
    names, content = page(client_for(huisarts_a), reverse("service_list"), voor="test")

    assert names == ["Budgetcoach", "Schuldhulp hier"]
    assert 'name="voor" value="test"' in content  # the search keeps the context
    assert 'name="age" value="47"' in content
    assert 'value="9992 AB"' in content


def test_emptying_the_age_filter_shows_every_age(huisarts_a, services, refer_for):
    refer_for()
    names, _content = page(client_for(huisarts_a), reverse("service_list"), voor="test", age="")
    assert "Ouderenadvies" in names


def test_each_result_gets_a_button_that_refers_for_the_need_and_returns(
    huisarts_a, services, refer_for
):
    refer_for(referred=frozenset({services["everyone"].pk}))
    _names, content = page(client_for(huisarts_a), reverse("service_list"), voor="test")

    forms = content.split(f'action="{ACTION_URL}"')
    assert len(forms) == 2  # one button: Budgetcoach was referred to already
    assert f'name="service" value="{services["here"].public_id}"' in forms[1]
    assert f'name="next" value="{RETURN_URL}"' in forms[1]
    assert "Van mijn schulden af" in forms[1]
    detail = reverse("service_detail", kwargs={"service_id": services["here"].public_id})
    assert f'href="{detail}?voor=test"' in content
    assert f'href="{RETURN_URL}"' in content


def test_the_service_page_opened_to_refer_has_the_button_and_warns_about_the_age(
    huisarts_a, services, refer_for
):
    refer_for()
    client = client_for(huisarts_a)
    elderly = reverse("service_detail", kwargs={"service_id": services["elderly"].public_id})
    _names, content = page(client, elderly, voor="test")
    assert f'action="{ACTION_URL}"' in content
    assert f'name="service" value="{services["elderly"].public_id}"' in content
    assert "47" in content.split('class="notice"')[1].split("</p>")[0]

    fitting = reverse("service_detail", kwargs={"service_id": services["everyone"].public_id})
    _names, content = page(client, fitting, voor="test")
    assert 'class="notice"' not in content


def test_without_a_context_the_pages_do_not_refer(huisarts_a, services, refer_for):
    refer_for()
    client = client_for(huisarts_a)
    names, content = page(client, reverse("service_list"))
    assert {"Ouderenadvies", "Schuldhulp elders"} <= set(names)
    assert ACTION_URL not in content
    detail = reverse("service_detail", kwargs={"service_id": services["here"].public_id})
    assert ACTION_URL not in page(client, detail)[1]


def test_the_sociale_kaart_imports_nothing_of_the_other_apps():
    others = {"consult", "models_4d", "spinnenweb", "kop", "emboss"}
    app = Path(settings.BASE_DIR) / "sociale_kaart"
    reaching = []
    for path in app.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            reaching += [f"{path.name}: {m}" for m in modules if m.split(".")[0] in others]
    assert reaching == []
