"""CSV import and export of the sociale kaart, as the practice manager uses it: upload,
read the check, choose how to import, watch the progress, and export again.

Expected texts are looked up through gettext, so these tests hold before and after the
Dutch translation is added."""

import csv
import datetime
import html
import io
import re
import zlib
from unittest import mock

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

import brede_gesprek.urls
from consult.models import Role
from sociale_kaart.csv_io import importing
from sociale_kaart.csv_io.columns import COLUMN_NAMES, COLUMNS
from sociale_kaart.csv_io.importing import import_csv
from sociale_kaart.csv_models import ImportJob, ImportStatus
from sociale_kaart.models import Service, ServiceArea, ServiceMap, ServiceRevision
from sociale_kaart.search import Filters, search
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.sociale_kaart.conftest import make_service

# The app's URLs, plus the CSV URLs in case they are not included yet.
urlpatterns = [
    *brede_gesprek.urls.urlpatterns,
    path("sociale-kaart/", include("sociale_kaart.csv_urls")),
]
pytestmark = pytest.mark.urls(__name__)


def text_of(msgid: str, **params: object) -> str:
    """A message as the (Dutch) user reads it."""
    with translation.override("nl"):
        text = gettext(msgid)
    return text % params if params else text


def progress_text(done: int, total: int) -> str:
    with translation.override("nl"):
        text = ngettext("%(done)s of %(total)s row done", "%(done)s of %(total)s rows done", total)
    return text % {"done": done, "total": total}


def plain(page: str) -> str:
    """The page's HTML with the entities read (&#x27; is ')."""
    return html.unescape(page)


def table_rows(content: str) -> list[str]:
    """Each table row of the page as plain text, tags removed, spaces collapsed."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", content, flags=re.S):
        text = html.unescape(re.sub(r"<[^>]+>", " ", row))
        rows.append(" ".join(text.split()))
    return rows


def row_with(content: str, *parts: str) -> str | None:
    for row in table_rows(content):
        if all(part in row for part in parts):
            return row
    return None


def line_label(line: int) -> str:
    return text_of("Line %(line)s", line=line)


def count_row(content: str, msgid: str, number: int) -> bool:
    return f"{text_of(msgid)} {number}" in table_rows(content)


def service_row(**overrides: str) -> dict[str, str]:
    row = {
        "sleutel": "buurtteam-noord",
        "naam": "Buurtteam Noord",
        "organisatie": "Gemeente Voorbeeld",
        "beschrijving": "Hulp bij geld, wonen en opvoeding. Gewoon binnenlopen mag.",
        "themas": "geld-en-schulden|wonen",
        "doelgroep": "Inwoners van Noord",
        "leeftijd_van": "18",
        "leeftijd_tot": "",
        "hele_regio": "nee",
        "postcodegebieden": "9990-9999, 9801",
        "wijken": "Noord",
        "kosten": "gratis",
        "kosten_toelichting": "",
        "verwijzing": "geen",
        "aanmelden": "Bellen of langskomen",
        "telefoon": "050 123 4567",
        "email": "info@buurtteam.example",
        "website": "www.buurtteam.example",
        "adres": "Dorpsstraat 1",
        "postcode": "9999ab",
        "plaats": "Voorbeeld",
        "openingstijden": "ma-vr 9-17",
        "talen": "Nederlands, Engels",
        "actief": "ja",
        "laatst_gecontroleerd": "01-03-2025",
    }
    row.update(overrides)
    return row


def make_csv(rows: list[dict[str, str]], *, delimiter: str = ";", columns=COLUMN_NAMES) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in columns})
    return buffer.getvalue().encode()


THREE = [
    service_row(),
    service_row(
        sleutel="schuldhulp",
        naam="Schuldhulp Zuid",
        themas="geld-en-schulden",
        hele_regio="ja",
        postcodegebieden="",
        kosten="verzekerd",
        verwijzing="huisarts",
        telefoon="0800 1234",
        actief="nee",
        laatst_gecontroleerd="2025-04-02",
    ),
    service_row(
        sleutel="", naam="Wandelgroep", organisatie="Sportief", themas="bewegen-en-leefstijl"
    ),
]


def upload(client: Client, content: bytes, *, name: str = "kaart.csv", target: str = "eigen"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("service_import"), {"file": file, "target": target})


def check(client: Client, content: bytes, **kwargs):
    """Upload and follow to the check page; returns (job, the page's HTML)."""
    response = upload(client, content, **kwargs)
    assert response.status_code == 302, response.content.decode()
    page = client.get(response["Location"])
    assert page.status_code == 200
    job = ImportJob.objects.get(public_id=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return job, page.content.decode()


def run(client: Client, job: ImportJob, mode: str = "valid-rows") -> str:
    response = client.post(
        reverse("service_import_run", kwargs={"job_id": job.public_id}), {"mode": mode}
    )
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def import_file(client: Client, content: bytes, mode: str = "valid-rows", **kwargs) -> str:
    job, _page = check(client, content, **kwargs)
    return run(client, job, mode)


@pytest.fixture
def manager_b(practice_b):
    return UserFactory.create(practice=practice_b, role=Role.PRAKTIJKMANAGER, full_name="Manager B")


# --- A good file --------------------------------------------------------------------------


def test_the_check_shows_what_will_happen_and_writes_nothing(manager_a):
    client = client_for(manager_a)
    job, page = check(client, make_csv(THREE))
    assert count_row(page, "New services", 3)
    assert count_row(page, "Changed services", 0)
    assert count_row(page, "Rows with errors", 0)
    assert Service.objects.count() == 0
    assert job.status == ImportStatus.CHECKED
    assert job.service_map == manager_a.practice.own_map


def test_importing_creates_the_services_with_everything_they_need(manager_a):
    client = client_for(manager_a)
    page = import_file(client, make_csv(THREE))

    assert text_of("Import done") in plain(page)
    assert count_row(page, "New services", 3)
    assert 'href="/sociale-kaart/"' in page
    own = manager_a.practice.own_map
    services = {s.external_id: s for s in Service.objects.filter(service_map=own)}
    assert set(services) == {"buurtteam-noord", "schuldhulp", "wandelgroep-sportief"}

    buurtteam = services["buurtteam-noord"]
    assert buurtteam.phone == "0501234567"
    assert buurtteam.postcode == "9999 AB"
    assert buurtteam.website == "https://www.buurtteam.example"
    assert buurtteam.age_min == 18
    assert buurtteam.age_max is None
    assert buurtteam.last_checked_on == datetime.date(2025, 3, 1)
    assert buurtteam.version == 1
    assert sorted(buurtteam.themes.values_list("slug", flat=True)) == ["geld-en-schulden", "wonen"]
    assert sorted(
        ServiceArea.objects.filter(service=buurtteam).values_list("postcode_from", "postcode_to")
    ) == [
        (9801, 9801),
        (9990, 9999),
    ]
    assert Service.objects.covering(9995).filter(pk=buurtteam.pk).exists()

    schuldhulp = services["schuldhulp"]
    assert schuldhulp.serves_whole_region
    assert not schuldhulp.is_active
    assert (schuldhulp.costs, schuldhulp.referral) == ("verzekerd", "huisarts")
    assert schuldhulp.phone == "08001234"
    assert schuldhulp.last_checked_on == datetime.date(2025, 4, 2)

    revision = ServiceRevision.objects.get(service=buurtteam)
    assert (revision.number, revision.change, revision.changed_by) == (1, "imported", manager_a)
    assert timezone.now() - revision.changed_at < datetime.timedelta(minutes=5)
    assert revision.data["themes"] == ["geld-en-schulden", "wonen"]
    assert revision.data["phone"] == "0501234567"
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE
    assert job.content == ""


def test_comma_separated_with_a_byte_order_mark_and_windows_line_ends(manager_a):
    content = "\ufeff".encode() + make_csv(THREE, delimiter=",").replace(b"\r\n", b"\n").replace(
        b"\n", b"\r\n"
    )
    page = import_file(client_for(manager_a), content)
    assert count_row(page, "New services", 3)
    assert Service.objects.filter(name="Wandelgroep").exists()


def test_the_progress_is_shown_while_it_imports(manager_a, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    rows = [service_row(sleutel=f"dienst-{n}", naam=f"Dienst {n}") for n in range(5)]
    page = import_file(client_for(manager_a), make_csv(rows))

    text = html.unescape(page)
    lines = [progress_text(n, 5) for n in (0, 2, 4, 5)]
    positions = [text.find(line) for line in lines]
    assert -1 not in positions, page
    assert positions == sorted(positions)
    assert '<progress max="5" value="4">80%</progress>' in page
    assert positions[-1] < text.find(text_of("Import done"))


def test_a_file_without_sleutel_can_be_imported_twice_without_doubles(manager_a):
    columns = [name for name in COLUMN_NAMES if name != "sleutel"]
    content = make_csv(THREE, columns=columns)
    client = client_for(manager_a)
    import_file(client, content)
    _job, page = check(client, content)
    assert count_row(page, "New services", 0)
    assert count_row(page, "Unchanged services", 3)
    assert Service.objects.count() == 3
    assert Service.objects.filter(external_id="buurtteam-noord-gemeente-voorbeeld").exists()


# --- Rows with errors -----------------------------------------------------------------------


BAD_ROWS = [
    # (line, row, column, msgid, params)
    (2, {"themas": "geld|wonen"}, "themas", "Unknown theme “%(theme)s”.", {"theme": "geld"}),
    (3, {"email": "info@"}, "email", "Enter a valid email address.", {}),
    (4, {"website": "http://"}, "website", "Enter a valid URL.", {}),
    (
        5,
        {"postcode": "12345"},
        "postcode",
        "Enter a Dutch postcode: four digits and two letters, such as 1234 AB.",
        {},
    ),
    (
        6,
        {"telefoon": "12345"},
        "telefoon",
        "Enter a Dutch phone number of ten digits (such as 050 123 4567), "
        "a service number (0800 or 0900) or a municipal 14 number.",
        {},
    ),
    (7, {"naam": "", "sleutel": "zonder-naam"}, "naam", "This field cannot be blank.", {}),
    (8, {"beschrijving": ""}, "beschrijving", "This field cannot be blank.", {}),
    (
        9,
        {"leeftijd_van": "65", "leeftijd_tot": "18"},
        "leeftijd_tot",
        "The maximum age is lower than the minimum age.",
        {},
    ),
    (
        10,
        {"kosten": "duur"},
        "kosten",
        "Unknown value “%(value)s”; use one of: %(values)s.",
        {"value": "duur", "values": "gratis, verzekerd, eigen-bijdrage, betaald"},
    ),
    (
        11,
        {"verwijzing": "wijkteam"},
        "verwijzing",
        "Unknown value “%(value)s”; use one of: %(values)s.",
        {"value": "wijkteam", "values": "geen, huisarts, anders"},
    ),
    (
        12,
        {"laatst_gecontroleerd": "31-02-2025"},
        "laatst_gecontroleerd",
        "Write a date as dd-mm-yyyy or yyyy-mm-dd, not “%(value)s”.",
        {"value": "31-02-2025"},
    ),
    (
        13,
        {"actief": "misschien"},
        "actief",
        "Write ja or nee, not “%(value)s”.",
        {"value": "misschien"},
    ),
    (
        14,
        {"leeftijd_van": "tien"},
        "leeftijd_van",
        "Write an age as a whole number from 0 to 120.",
        {},
    ),
    (
        15,
        {"hele_regio": "nee", "postcodegebieden": ""},
        "postcodegebieden",
        "Fill in the postcode areas, or write ja under hele_regio.",
        {},
    ),
    (
        16,
        {"themas": ""},
        "themas",
        "A service needs at least one theme: that is how professionals find it.",
        {},
    ),
    (
        17,
        {"postcodegebieden": "9999-9990"},
        "postcodegebieden",
        "In a range the first postcode comes first, such as 9990-9999.",
        {},
    ),
    (18, {"beschrijving": "x" * 1001}, "beschrijving", None, {}),
    (
        19,
        {"laatst_gecontroleerd": "01-01-2999"},
        "laatst_gecontroleerd",
        "The date lies in the future.",
        {},
    ),
]


def bad_file() -> bytes:
    rows = [
        service_row(sleutel=f"rij-{line}", naam=f"Dienst {line}", **changes)
        if "sleutel" not in changes
        else service_row(**changes)
        for line, changes, *_rest in BAD_ROWS
    ]
    rows.append(service_row(sleutel="goed", naam="Goede dienst"))  # line 20
    return make_csv(rows)


def test_every_rejected_row_is_reported_with_its_line_and_reason(manager_a):
    _job, page = check(client_for(manager_a), bad_file())

    assert count_row(page, "Rows with errors", len(BAD_ROWS))
    assert count_row(page, "New services", 1)
    for line, _changes, column, msgid, params in BAD_ROWS:
        if msgid is None:
            reason = "1001"  # Django's own "at most 1000 characters (it has 1001)"
        else:
            message = text_of(msgid, **params)
            reason = text_of("%(column)s: %(message)s", column=column, message=message)
        assert row_with(page, line_label(line), reason), (line, reason, table_rows(page))
    assert row_with(page, line_label(20)) is None
    assert Service.objects.count() == 0


def test_import_all_valid_rows_skips_the_rejected_ones(manager_a):
    page = import_file(client_for(manager_a), bad_file(), mode="valid-rows")
    assert count_row(page, "New services", 1)
    assert count_row(page, "Rows with errors", len(BAD_ROWS))
    assert row_with(page, line_label(3), text_of("Enter a valid email address."))
    assert list(Service.objects.values_list("external_id", flat=True)) == ["goed"]


def test_import_nothing_unless_every_row_is_valid(manager_a):
    client = client_for(manager_a)
    job, _page = check(client, bad_file())
    page = run(client, job, mode="all-or-nothing")

    assert text_of("Nothing was imported") in plain(page)
    assert row_with(page, line_label(2), text_of("Unknown theme “%(theme)s”.", theme="geld"))
    assert Service.objects.count() == 0
    assert ServiceRevision.objects.count() == 0
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED  # the user may still choose the valid rows

    page = run(client, job, mode="valid-rows")
    assert count_row(page, "New services", 1)
    assert Service.objects.count() == 1


def test_the_same_key_twice_in_one_file_is_rejected(manager_a):
    rows = [service_row(), service_row(naam="Buurtteam Noord (kopie)")]
    _job, page = check(client_for(manager_a), make_csv(rows))
    assert row_with(
        page,
        line_label(3),
        text_of(
            "The key “%(key)s” was already used on line %(line)s.", key="buurtteam-noord", line=2
        ),
    )


def test_a_row_with_more_values_than_columns_is_rejected(manager_a):
    content = make_csv([service_row()]) + b"x;" * 30 + b"\r\n"
    _job, page = check(client_for(manager_a), content)
    assert row_with(
        page, line_label(3), text_of("This row has more values than there are columns.")
    )


# --- Importing again ------------------------------------------------------------------------


def test_reimporting_the_same_file_creates_and_changes_nothing(manager_a):
    client = client_for(manager_a)
    content = make_csv(THREE)
    import_file(client, content)
    before = list(Service.objects.order_by("pk").values_list("pk", "version", "updated_at"))

    job, page = check(client, content)
    assert count_row(page, "New services", 0)
    assert count_row(page, "Changed services", 0)
    assert count_row(page, "Unchanged services", 3)
    assert text_of("There is nothing to import: no new or changed services.") in plain(page)
    page = run(client, job)
    assert count_row(page, "Unchanged services", 3)

    assert list(Service.objects.order_by("pk").values_list("pk", "version", "updated_at")) == before
    assert ServiceRevision.objects.count() == 3


def test_a_changed_row_is_updated_with_a_new_version_and_revision(manager_a):
    client = client_for(manager_a)
    import_file(client, make_csv(THREE))
    changed = [
        service_row(telefoon="06 12345678", themas="wonen", postcodegebieden="9801"),
        *THREE[1:],
    ]
    job, page = check(client, make_csv(changed))
    assert count_row(page, "Changed services", 1)
    assert count_row(page, "Unchanged services", 2)
    run(client, job)

    buurtteam = Service.objects.get(external_id="buurtteam-noord")
    assert buurtteam.version == 2
    assert buurtteam.phone == "0612345678"
    assert list(buurtteam.themes.values_list("slug", flat=True)) == ["wonen"]
    assert list(buurtteam.areas.values_list("postcode_from", "postcode_to")) == [(9801, 9801)]
    assert list(buurtteam.revisions.values_list("number", "change")) == [
        (2, "imported"),
        (1, "imported"),
    ]
    assert buurtteam.revisions.get(number=2).data["phone"] == "0612345678"
    assert set(Service.objects.exclude(pk=buurtteam.pk).values_list("version", flat=True)) == {1}
    assert ServiceRevision.objects.count() == 4


def test_a_file_with_some_columns_changes_only_those(manager_a):
    client = client_for(manager_a)
    import_file(client, make_csv(THREE))
    content = make_csv(
        [{"sleutel": "buurtteam-noord", "telefoon": "0507654321"}], columns=["sleutel", "telefoon"]
    )
    import_file(client, content)
    buurtteam = Service.objects.get(external_id="buurtteam-noord")
    assert buurtteam.phone == "0507654321"
    assert buurtteam.name == "Buurtteam Noord"
    assert buurtteam.postcode == "9999 AB"
    assert sorted(buurtteam.themes.values_list("slug", flat=True)) == ["geld-en-schulden", "wonen"]


def test_the_import_runs_once(manager_a):
    client = client_for(manager_a)
    job, _page = check(client, make_csv(THREE))
    run(client, job)
    response = client.post(
        reverse("service_import_run", kwargs={"job_id": job.public_id}), {"mode": "valid-rows"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert text_of("This file has been imported.") in plain(page)
    assert count_row(page, "New services", 3)
    assert Service.objects.count() == 3


def test_leaving_the_page_halfway_changes_nothing(manager_a, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    client = client_for(manager_a)
    rows = [service_row(sleutel=f"dienst-{n}", naam=f"Dienst {n}") for n in range(5)]
    job, _page = check(client, make_csv(rows))
    response = client.post(
        reverse("service_import_run", kwargs={"job_id": job.public_id}), {"mode": "valid-rows"}
    )
    halfway = progress_text(2, 5)
    assert isinstance(response, StreamingHttpResponse)
    for chunk in response.streaming_content:
        if halfway in plain(chunk.decode()):
            break
    assert Service.objects.count() == 2  # the first batch, not yet committed
    # The browser went away: the server closes the response. (The test keeps its
    # database connection, which the end of a real request would close.)
    with mock.patch.object(connection, "close_if_unusable_or_obsolete"):
        response.close()

    assert Service.objects.count() == 0
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_the_progress_reaches_a_browser_that_accepts_gzip_while_the_import_runs(
    manager_a, monkeypatch
):
    """Compressed, the page still arrives batch by batch: each piece is flushed."""
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    client = client_for(manager_a)
    rows = [service_row(sleutel=f"dienst-{n}", naam=f"Dienst {n}") for n in range(5)]
    job, _page = check(client, make_csv(rows))
    response = client.post(
        reverse("service_import_run", kwargs={"job_id": job.public_id}),
        {"mode": "valid-rows"},
        headers={"Accept-Encoding": "gzip"},
    )
    assert response["Content-Encoding"] == "gzip"
    assert isinstance(response, StreamingHttpResponse)
    unpack = zlib.decompressobj(wbits=31)  # a gzip stream
    shown = ""
    for chunk in response.streaming_content:
        shown += unpack.decompress(chunk).decode()
        if progress_text(2, 5) in plain(shown):
            break
    assert Service.objects.count() == 2  # shown while the import is halfway
    rest = b"".join(response.streaming_content)
    shown += (unpack.decompress(rest) + unpack.flush()).decode()
    assert count_row(shown, "New services", 5)
    assert Service.objects.count() == 5


def test_an_import_that_fails_halfway_changes_nothing_and_can_be_run_again(manager_a, monkeypatch):
    client = client_for(manager_a)
    job, _page = check(client, make_csv(THREE))

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(importing, "refresh_search_vectors", fail)
    page = run(client, job)

    assert text_of(
        "The import failed and nothing was changed. Try again; if it fails again, "
        "tell the application manager."
    ) in plain(page)
    assert Service.objects.count() == 0
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    monkeypatch.undo()
    assert count_row(run(client, job), "New services", 3)


def test_without_a_choice_nothing_is_imported(manager_a):
    client = client_for(manager_a)
    job, _page = check(client, make_csv(THREE))
    response = client.post(reverse("service_import_run", kwargs={"job_id": job.public_id}), {})
    assert response.status_code == 302
    assert text_of("Choose how to import the file.") in plain(
        client.get(response["Location"]).content.decode()
    )
    assert Service.objects.count() == 0


# --- Export -------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(manager_a, shared_map):
    own = manager_a.practice.own_map
    make_service(own, name="Formulierenhulp", organisation="Bibliotheek", themes=("juridisch",))
    make_service(
        own,
        name="Ouderengym",
        description="- Bewegen op muziek\r\n- Koffie na afloop",
        themes=("bewegen-en-leefstijl", "eenzaamheid-en-relaties"),
        serves_whole_region=False,
        area_postcodes="9990-9999, 9801",
        age_min=65,
        phone="0501234567",
        postcode="9999 AB",
        website="https://ouderengym.example",
        is_active=False,
    )
    make_service(own, name="=SUM(1+1)", organisation="+31 formule", themes=("voeding",))
    make_service(
        shared_map, name="Schuldhulp", organisation="Gemeente", themes=("geld-en-schulden",)
    )
    # Made by hand with the same naam and organisatie: twice on the own map, and on both maps.
    make_service(own, name="Inloop", organisation="Wijkteam", description="In de bibliotheek.")
    make_service(own, name="Inloop", organisation="Wijkteam", description="In het buurthuis.")
    make_service(own, name="Schuldhulp", organisation="Gemeente", description="Onze eigen versie.")
    import_csv(make_csv([service_row()]).decode(), own, user=manager_a)  # one with a key
    client = client_for(manager_a)

    response = client.get(reverse("service_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    exported = response.content
    assert exported.startswith("\ufeff".encode())
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(COLUMN_NAMES)
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 8
    assert rows[0]["naam"] == "Schuldhulp"  # the shared map first
    inloop = sorted(row["sleutel"] for row in rows if row["naam"] == "Inloop")
    assert inloop == ["inloop-wijkteam", "inloop-wijkteam-2"]
    by_name = {row["naam"]: row for row in rows}
    assert by_name["Ouderengym"]["themas"] == "bewegen-en-leefstijl|eenzaamheid-en-relaties"
    assert by_name["Ouderengym"]["actief"] == "nee"
    assert by_name["Ouderengym"]["hele_regio"] == "nee"
    assert by_name["Ouderengym"]["beschrijving"] == "'- Bewegen op muziek\r\n- Koffie na afloop"
    assert by_name["'=SUM(1+1)"]["organisatie"] == "'+31 formule"
    date_checked = (timezone.localdate() - datetime.timedelta(days=10)).strftime("%d-%m-%Y")
    assert by_name["Formulierenhulp"]["laatst_gecontroleerd"] == date_checked
    assert by_name["Formulierenhulp"]["sleutel"] == "formulierenhulp-bibliotheek"
    before = list(Service.objects.order_by("pk").values_list("pk", "version", "service_map_id"))
    revisions = ServiceRevision.objects.count()

    job, page = check(client, exported, name="export.csv")
    assert count_row(page, "New services", 0)
    assert count_row(page, "Changed services", 0)
    assert count_row(page, "Unchanged services", 8)
    assert count_row(page, "Rows with errors", 0)
    page = run(client, job)
    assert count_row(page, "New services", 0)
    assert count_row(page, "Changed services", 0)

    assert (
        list(Service.objects.order_by("pk").values_list("pk", "version", "service_map_id"))
        == before
    )
    assert ServiceRevision.objects.count() == revisions
    assert Service.objects.get(name="=SUM(1+1)").organisation == "+31 formule"
    # A service made by hand keeps the key it was matched on.
    assert Service.objects.get(name="Formulierenhulp").external_id == "formulierenhulp-bibliotheek"
    assert sorted(Service.objects.filter(name="Inloop").values_list("external_id", flat=True)) == [
        "inloop-wijkteam",
        "inloop-wijkteam-2",
    ]
    assert client.get(reverse("service_export")).content == exported


def test_a_changed_row_of_the_shared_map_is_not_copied_into_the_own_map(manager_a, shared_map):
    make_service(
        shared_map, name="Schuldhulp", organisation="Gemeente", themes=("geld-en-schulden",)
    )
    client = client_for(manager_a)
    text = client.get(reverse("service_export")).content.decode("utf-8-sig")
    changed = text.replace("Een dienst in de buurt.", "Een andere tekst.").encode()

    _job, page = check(client, changed)
    assert row_with(
        page,
        line_label(2),
        text_of(
            "The key “%(key)s” belongs to a service on the map “%(map)s”; choose that map to change it.",
            key="schuldhulp-gemeente",
            map="Zorggroep Test",
        ),
    )
    assert Service.objects.filter(service_map=manager_a.practice.own_map).count() == 0


def test_a_map_keeper_may_import_into_the_shared_map(manager_a, shared_map):
    import_file(client_for(manager_a), make_csv(THREE), target="gedeeld")
    assert Service.objects.filter(service_map=shared_map).count() == 3
    assert Service.objects.filter(service_map=manager_a.practice.own_map).count() == 0


def test_without_a_shared_map_there_is_no_shared_map_to_choose(manager_a):
    response = upload(client_for(manager_a), make_csv(THREE), target="gedeeld")
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0


def test_export_holds_only_the_practices_own_maps(manager_a, huisarts_b, shared_map):
    make_service(manager_a.practice.own_map, name="Eigen dienst")
    make_service(shared_map, name="Gedeelde dienst")
    make_service(huisarts_b.practice.own_map, name="Dienst van B")
    client = client_for(manager_a)

    both = client.get(reverse("service_export")).content.decode("utf-8-sig")
    assert "Eigen dienst" in both
    assert "Gedeelde dienst" in both
    assert "Dienst van B" not in both
    own_only = client.get(reverse("service_export") + "?kaart=eigen").content.decode("utf-8-sig")
    assert "Eigen dienst" in own_only
    assert "Gedeelde dienst" not in own_only
    assert client.get(reverse("service_export") + "?kaart=iets").status_code == 404


# --- Bad files ----------------------------------------------------------------------------


HEADER = ";".join(COLUMN_NAMES).encode()

BAD_FILES = [
    (b"", "The file is empty.", {}),
    (b"\r\n\r\n", "The file is empty.", {}),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, None, {}),
    (
        b"%PDF-1.4\x00\x00\x01binary",
        "This is not a CSV file. Save the list as “CSV UTF-8” and upload that file.",
        {},
    ),
    (
        HEADER + b"\r\nsleutel;Caf\xe9 De Hoek;" + b";" * 20,
        None,
        {},
    ),
    (b"Naam van de dienst;Omschrijving\r\nBuurtteam;Hulp\r\n", None, {}),
    (HEADER + b"\r\n", "The file has column names but no rows.", {}),
    (b"naam;beschrijving;telefoonnummer\r\nA;B;C\r\n", None, {}),
    (
        b"naam;naam\r\nA;B\r\n",
        "These columns appear more than once: %(columns)s.",
        {"columns": "naam"},
    ),
    (b"organisatie;beschrijving\r\nA;B\r\n", "The file needs a column naam or sleutel.", {}),
]


@pytest.mark.parametrize(("content", "msgid", "params"), BAD_FILES)
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(manager_a, content, msgid, params):
    response = upload(client_for(manager_a), content)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="form-errors"' in page
    if msgid:
        assert text_of(msgid, **params) in plain(page)
    assert ImportJob.objects.count() == 0
    assert Service.objects.count() == 0


def test_bad_file_messages_say_what_to_do(manager_a):
    client = client_for(manager_a)
    page = plain(upload(client, b"PK\x03\x04" + b"\x00" * 50, name="kaart.xlsx").content.decode())
    assert (
        text_of(
            "This is an Excel workbook, not a CSV file. In Excel choose Save as, then “CSV UTF-8 "
            "(comma delimited)”, and upload that file."
        )
        in page
    )
    latin1 = HEADER + b"\r\nx;Caf\xe9;" + b";" * 20
    page = plain(upload(client, latin1).content.decode())
    assert (
        text_of(
            "The file is not in UTF-8 (the first problem is on line %(line)s). In Excel choose "
            "Save as, then “CSV UTF-8 (comma delimited)”.",
            line=2,
        )
        in page
    )
    page = plain(upload(client, b"naam;beschrijving;telefoonnummer\r\nA;B;C\r\n").content.decode())
    assert (
        text_of(
            "Unknown columns: %(unknown)s. The columns are: %(columns)s",
            unknown="telefoonnummer",
            columns=";".join(COLUMN_NAMES),
        )
        in page
    )
    page = plain(upload(client, b"Naam van de dienst;Omschrijving\r\nA;B\r\n").content.decode())
    assert (
        text_of(
            "The first line must hold the column names, separated by ; or , such as: %(columns)s",
            columns=";".join(COLUMN_NAMES),
        )
        in page
    )


def test_a_file_over_5_mb_is_refused(manager_a):
    row = make_csv([service_row()]).split(b"\r\n", 1)[1]
    content = HEADER + b"\r\n" + row * (5 * 1024 * 1024 // len(row) + 1)
    response = upload(client_for(manager_a), content)
    assert text_of("The file is larger than %(size)s MB. Split it into smaller files.", size=5) in (
        plain(response.content.decode())
    )
    assert ImportJob.objects.count() == 0


def test_posting_without_a_file_asks_for_one(manager_a):
    response = client_for(manager_a).post(reverse("service_import"), {"target": "eigen"})
    assert response.status_code == 200
    assert text_of("This field is required.") in plain(response.content.decode())


# --- Who may do what ----------------------------------------------------------------------


def test_the_import_page_shows_the_column_layout(beheerder_a):
    page = client_for(beheerder_a).get(reverse("service_import")).content.decode()
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in page
        with translation.override("nl"):
            assert str(column.hint) in plain(page)
    assert "<code>geld-en-schulden</code>" in page
    assert "<code>eigen-bijdrage</code>" in page


def test_a_clinician_may_not_import_or_export(huisarts_a, manager_a):
    job, _page = check(client_for(manager_a), make_csv(THREE))
    client = client_for(huisarts_a)
    assert client.get(reverse("service_import")).status_code == 403
    assert upload(client, make_csv(THREE)).status_code == 403
    assert client.get(reverse("service_export")).status_code == 403
    assert (
        client.get(reverse("service_import_check", kwargs={"job_id": job.public_id})).status_code
        == 403
    )
    response = client.post(
        reverse("service_import_run", kwargs={"job_id": job.public_id}), {"mode": "valid-rows"}
    )
    assert response.status_code == 403
    assert Service.objects.count() == 0
    assert ImportJob.objects.count() == 1


def test_nobody_reaches_another_practices_import(manager_a, manager_b, huisarts_b):
    job, _page = check(client_for(manager_a), make_csv(THREE))
    check_url = reverse("service_import_check", kwargs={"job_id": job.public_id})
    run_url = reverse("service_import_run", kwargs={"job_id": job.public_id})

    other = client_for(manager_b)
    assert other.get(check_url).status_code == 404
    assert other.post(run_url, {"mode": "valid-rows"}).status_code == 404
    assert client_for(huisarts_b).get(check_url).status_code == 403
    assert Service.objects.count() == 0
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_logged_out_users_are_sent_to_the_login(db):
    response = Client().get(reverse("service_import"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- Speed --------------------------------------------------------------------------------


def test_a_large_file_is_written_in_batches_not_row_by_row(
    manager_a, django_assert_max_num_queries
):
    themes = ["wonen", "voeding", "geld-en-schulden|eenzaamheid-en-relaties"]
    rows = [
        service_row(
            sleutel=f"dienst-{n}",
            naam=f"Dienst {n}",
            themas=themes[n % 3],
            postcodegebieden=f"{1000 + n}, 9801",
        )
        for n in range(1200)
    ]
    text = make_csv(rows).decode()
    own = manager_a.practice.own_map
    make_service(own, name="Er al", external_id="er-al")
    with django_assert_max_num_queries(50):
        summary = import_csv(text, own, user=manager_a)
    assert summary.created == 1200
    assert Service.objects.filter(service_map=own).count() == 1201
    assert ServiceArea.objects.count() == 2400
    assert ServiceRevision.objects.filter(change="imported").count() == 1200
    # Every service got its own row's themes, areas and revision, in every batch.
    services = Service.objects.filter(service_map=own).exclude(external_id="er-al")
    for service in services.prefetch_related("themes", "areas", "revisions"):
        n = int(service.external_id.removeprefix("dienst-"))
        own_themes = sorted(themes[n % 3].split("|"))
        assert service.name == f"Dienst {n}"
        assert sorted(theme.slug for theme in service.themes.all()) == own_themes
        assert sorted((a.postcode_from, a.postcode_to) for a in service.areas.all()) == [
            (1000 + n, 1000 + n),
            (9801, 9801),
        ]
        [revision] = service.revisions.all()
        assert (revision.data["name"], revision.data["themes"]) == (service.name, own_themes)

    changed = [
        service_row(sleutel=f"dienst-{n}", naam=f"Dienst {n}", telefoon="0507654321")
        for n in range(1200)
    ]
    with django_assert_max_num_queries(120):
        summary = import_csv(make_csv(changed).decode(), own, user=manager_a)
    assert (summary.updated, summary.created) == (1200, 0)
    assert set(services.values_list("version", flat=True)) == {2}
    assert ServiceRevision.objects.filter(change="imported").count() == 2400
    assert not ServiceMap.objects.exclude(pk__in=[own.pk]).filter(services__isnull=False).exists()


def test_imported_and_changed_services_can_be_found(manager_a):
    client = client_for(manager_a)
    import_file(client, make_csv(THREE))
    map_ids = [manager_a.practice.own_map_id]
    found = search(map_ids, Filters(text="wandelgroep", include_inactive=True))
    assert [service.name for service in found] == ["Wandelgroep"]

    renamed = [*THREE[:2], {**THREE[2], "sleutel": "wandelgroep-sportief", "naam": "Fietsclub"}]
    import_file(client, make_csv(renamed))
    assert [s.name for s in search(map_ids, Filters(text="fietsclub", include_inactive=True))] == [
        "Fietsclub"
    ]
    assert search(map_ids, Filters(text="wandelgroep", include_inactive=True)) == []
    if connection.vendor == "postgresql":  # the stored Dutch search vector is current
        vector_hits = Service.objects.filter(search_vector=SearchQuery("fietsclub", config="dutch"))
        assert list(vector_hits.values_list("name", flat=True)) == ["Fietsclub"]
        assert not Service.objects.filter(search_vector__isnull=True).exists()


# --- Very long cells -----------------------------------------------------------------------


def longest_run(content: str, letter: str) -> int:
    return max((len(run) for run in re.findall(rf"{letter}+", content)), default=0)


def test_a_very_long_cell_is_shortened_in_the_report(manager_a):
    rows = [service_row(sleutel="lang", naam="x" * 100_000), service_row()]
    job, page = check(client_for(manager_a), make_csv(rows))
    assert row_with(page, line_label(2)) is not None  # the row is reported, with its line
    assert 0 < longest_run(page, "x") <= 80
    assert longest_run(run(client_for(manager_a), job), "x") <= 80  # and after the import


def test_a_very_long_unknown_column_name_is_shortened_in_the_message(manager_a):
    content = make_csv([service_row()], columns=[*COLUMN_NAMES, "y" * 100_000])
    response = upload(client_for(manager_a), content)
    page = response.content.decode()
    assert response.status_code == 200
    assert 0 < longest_run(page, "y") <= 80
