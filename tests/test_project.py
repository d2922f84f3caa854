"""The project as a whole: settings, security headers, health, translations, demo."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from consult.demo import DEMO_PASSWORD, seed_demo
from consult.models import Consent, Patient, Practice, User
from consult.services.referrals import referrals_to_follow_up
from sociale_kaart.demo import SERVICES
from sociale_kaart.models import Service, Theme
from sociale_kaart.themes import ThemeSlug

ROOT = Path(__file__).resolve().parents[1]


def test_check_deploy_is_clean_with_production_values():
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "a-real-looking-secret-" + "x7Qk2pLm9Zr4Wv8Nb3Tc6Yh1Jd5Fs0Ga" * 2,
        "ALLOWED_HOSTS": "brede-gesprek.example",
        "HTTPS": "true",
        "STATIC_MANIFEST": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_secret_key_production_refuses_to_start():
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_every_page_has_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    content = response.content.decode()
    assert "<style" not in content
    assert 'style="' not in content
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert content.count("<script") == content.count(f'nonce="{nonce}"')


def test_no_inline_style_or_script_in_any_template():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert "<style" not in text, template
        assert 'style="' not in text, template
        assert "hx-on" not in text, template
        for line in text.splitlines():
            if "<script" in line:
                assert "src=" in line or "htmx_script" in line, template


@pytest.mark.django_db
def test_htmx_is_self_hosted_and_configured_for_csp(client):
    content = client.get(reverse("login")).content.decode()
    assert (
        'src="/static/django_htmx/htmx.min.js"' in content or "/static/django_htmx/htmx" in content
    )
    assert '"allowEval": false' in content
    assert '"includeIndicatorStyles": false' in content


@pytest.mark.django_db
def test_pages_are_dutch(client):
    content = client.get(reverse("login")).content.decode()
    assert '<html lang="nl">' in content
    assert "Inloggen" in content
    assert "E-mailadres" in content


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    "unreachable_database",
    [
        "sqlite:////nonexistent-directory/db.sqlite3",
        "postgres://postgres@127.0.0.1:1/brede_gesprek",
    ],
)
def test_healthz_answers_503_when_the_database_is_gone(unreachable_database):
    probe = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.json()['database'])"
    )
    env = {
        **os.environ,
        "DATABASE_URL": unreachable_database,
        "DJANGO_SETTINGS_MODULE": "brede_gesprek.settings",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ["503", "unreachable"], result.stderr


def test_every_message_has_a_compiled_dutch_translation():
    result = subprocess.run(
        [sys.executable, "scripts/check_translations.py", "locale/nl/LC_MESSAGES/django.po"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    with translation.override("nl"):
        assert translation.gettext("Consent recorded.") == "Toestemming vastgelegd."


def test_the_translation_check_refuses_a_sentence_that_says_u(tmp_path):
    """The app says "je" to the POH and to the patient: "Wat gaat u thuis vertellen?"
    stood in the teach-back step under a heading in "je"."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid "Ask: what are you going to tell?"\nmsgstr "Vraag: wat gaat u vertellen?"\n\n'
        'msgid "You can add it now."\nmsgstr "Je kunt het nu toevoegen, met uw naam."\n\n'
        'msgid "Now, one hour."\nmsgstr "Nu, één uur."\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "scripts/check_translations.py", str(po)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    formal = [line for line in result.stdout.splitlines() if line.startswith("says 'u'")]
    assert len(formal) == 2, result.stdout


def test_the_demos_services_say_je_as_the_app_does():
    """The demo's kaart spoke to the patient as "u" ("Heeft u schulden ...") on the
    screen and, quoted as how to apply, on the printed plan under words in "je"."""
    # The script is not a package's module (mypy reads it as a file of its own).
    spec = importlib.util.spec_from_file_location(
        "check_translations", ROOT / "scripts" / "check_translations.py"
    )
    assert spec
    assert spec.loader
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    texts = [text for service in SERVICES for text in service[-2:]]
    assert len(texts) == 2 * len(SERVICES) > 20
    assert [text for text in texts if check.FORMAL_ADDRESS.search(text)] == []


def test_every_translation_function_goes_by_a_name_makemessages_reads():
    """makemessages finds a message by the name of the function around it: under
    another name ("gettext_lazy as _lazy") five words of the kaart's history were never
    extracted, and the manager read "added" in English."""
    readable = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
    readable |= {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
    renamed = re.compile(r"from django\.utils\.translation import .*?\b(\w+) as (\w+)")
    wrong = [
        f"{path.relative_to(ROOT)}: {function} as {name}"
        for path in ROOT.glob("*/**/*.py")
        if not path.is_relative_to(ROOT / ".venv") and not path.is_relative_to(ROOT / "tests")
        for function, name in renamed.findall(path.read_text())
        if "gettext" in function and name not in readable
    ]
    assert not wrong


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_covers_the_cases():
    seed_demo()
    counts = (
        Practice.objects.count(),
        User.objects.count(),
        Patient.objects.count(),
        Consent.objects.count(),
    )
    seed_demo()
    assert (
        Practice.objects.count(),
        User.objects.count(),
        Patient.objects.count(),
        Consent.objects.count(),
    ) == counts
    assert counts[0] == 2
    roles = set(
        User.objects.filter(practice__name="Huisartsenpraktijk De Linde").values_list(
            "role", flat=True
        )
    )
    assert {"huisarts", "poh_ggz", "poh_s", "praktijkmanager"} <= roles
    assert User.objects.filter(practice__name="Gezondheidscentrum Oeverwijk").count() == 1
    kop_case = Patient.objects.get(last_name="Hoekstra")
    assert kop_case.age == 53
    # The ages the README gives, each on a birthday of its own (a list of patients all
    # born on one day reads as made up).
    assert {p.last_name: p.age for p in Patient.objects.all()} == {
        "Hoekstra": 53, "Martina": 41, "Yilmaz": 67, "Berg": 58, "Boer": 29,
        "Mulder": 74, "Kramer": 45,
    }  # fmt: skip
    birthdays = {(p.date_of_birth.month, p.date_of_birth.day) for p in Patient.objects.all()}
    assert len(birthdays) == counts[2]
    assert kop_case.consents.current().exists()
    # A referral without news for four weeks, so a new user sees the follow-up list at work.
    waiting = referrals_to_follow_up(kop_case.practice_id)
    assert [(r.plan.patient, r.service.name) for r in waiting] == [
        (kop_case, "Sociaal wijkteam Zuid")
    ]
    first_session = kop_case.consults.order_by("started_at").first()
    assert first_session
    assert waiting[0].status_on == timezone.localdate(first_session.started_at)
    assert waiting[0].events.get().on == waiting[0].status_on
    four_d_case = Patient.objects.get(last_name="Martina")
    assert "geldzorgen" in four_d_case.notes
    consult = four_d_case.consults.get()
    assert consult.completed_steps[-1] == "verbanden"
    assert consult.fourd_connections.count() == 2
    assert User.objects.get(email="huisarts@delinde.example").check_password(DEMO_PASSWORD)
    # Someone in the demo practice sees the Logboek (NEN 7513), as a practice appoints.
    assert list(
        User.objects.filter(
            practice__name="Huisartsenpraktijk De Linde", reviews_audit=True
        ).values_list("email", flat=True)
    ) == ["huisarts@delinde.example"]
    services = Service.objects.filter(service_map__is_shared=True)
    assert services.count() == 30
    covered = set(Theme.objects.filter(services__in=services).values_list("slug", flat=True))
    assert len(covered) >= len(ThemeSlug.values) - 1
    assert (
        Practice.objects.get(name="Huisartsenpraktijk De Linde").shared_map
        == services[0].service_map
    )


def test_a_refused_form_gets_a_plain_dutch_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/inloggen/", {"username": "x"})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Laad de pagina opnieuw" in content or "laad de pagina opnieuw" in content
    assert "<style" not in content


@pytest.mark.django_db
def test_demo_data_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.parametrize(("debug", "starts"), [("false", False), ("true", True)])
def test_two_factor_login_can_be_switched_off_only_with_debug(debug, starts):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "brede_gesprek.settings",
            "TWO_FACTOR_REQUIRED": "false",
            "DEBUG": debug,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode == 0) is starts, result.stderr
    if not starts:
        assert "TWO_FACTOR_REQUIRED=false is for local development only" in result.stderr
