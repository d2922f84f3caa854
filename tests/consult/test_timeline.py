"""The patient's timeline: every consult of every model, grouped by trajectory, with
each model's summary line and series, in a fixed number of queries."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.charts.trend import PLOT_BOTTOM, PLOT_TOP, render_trend_svg
from consult.models import PatientLink
from consult.registry import SeriesLine, SeriesPoint, TimelineSeries
from consult.services.consults import consult_start
from models_4d.services import entry_add
from tests.conftest import client_for
from tests.factories import ConsentFactory, PatientFactory
from tests.throwaway_model import SLUG, throwaway_model  # noqa: F401

pytestmark = pytest.mark.django_db


def history(patient, user, *, trajectories: int, sessions: int) -> None:
    """`trajectories` chains of `sessions` proef consults, plus 4D consults with entries."""
    actor = Actor(user=user)
    for _chain in range(trajectories):
        previous = None
        for _session in range(sessions):
            previous = consult_start(
                actor=actor, patient=patient, model_slug=SLUG, continues=previous
            )
        four_d = consult_start(actor=actor, patient=patient, model_slug="4d")
        entry_add(actor=actor, consult=four_d, domain="lichaam", kind="speelt", text="Moe")


def detail_queries(client, patient) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("patient_detail", kwargs={"patient_id": patient.public_id}))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_patient_page_runs_the_same_queries_for_3_or_30_consults(
    throwaway_model,  # noqa: F811
    practice_a,
    huisarts_a,
):
    client = client_for(huisarts_a)
    small, large = (PatientFactory.create(practice=practice_a) for _ in range(2))
    for patient in (small, large):
        ConsentFactory.create(patient=patient, given_to=huisarts_a, recorded_by=huisarts_a)
    history(small, huisarts_a, trajectories=1, sessions=2)  # 3 consults
    history(large, huisarts_a, trajectories=6, sessions=4)  # 30 consults
    few, _page = detail_queries(client, small)
    many, page = detail_queries(client, large)
    assert many == few
    assert page.count("Proefronde 4") == 6
    assert page.count("1 punten in 1 domeinen, 0 verbanden") == 6
    assert page.count("Start ronde 5") == 6


def test_trajectories_group_sessions_newest_first(
    throwaway_model,  # noqa: F811
    consult_4d,
    huisarts_a,
):
    patient = consult_4d.patient
    history(patient, huisarts_a, trajectories=1, sessions=3)
    _queries, page = detail_queries(client_for(huisarts_a), patient)
    timeline = page[page.index('class="timeline"') :]
    # Newest trajectory first: the 4D consult started last sits above the proef one.
    assert timeline.index("<h3>4D-model") < timeline.index("<h3>Proefmodel")
    proef = timeline[timeline.index("<h3>Proefmodel") :]
    assert "(3 sessies)" in proef[:200]
    rounds = re.findall(r"Proefronde (\d)", proef)
    assert rounds == ["3", "2", "1"]


def test_consults_that_do_not_continue_stand_under_one_heading(
    throwaway_model,  # noqa: F811
    consult_4d,
    huisarts_a,
):
    """Two 4D conversations with a proef trajectory between them: one heading "4D-model
    (2 gesprekken)" with both, newest first, not two tables under the same name."""
    patient = consult_4d.patient
    history(patient, huisarts_a, trajectories=1, sessions=2)
    _queries, page = detail_queries(client_for(huisarts_a), patient)
    timeline = page[page.index('class="timeline"') :]
    assert timeline.count("<h3>4D-model") == 1
    four_d = timeline[timeline.index("<h3>4D-model") :]
    four_d = four_d[: four_d.index("</table>")]
    assert "(2 gesprekken)" in four_d
    assert four_d.count("1 punten in 1 domeinen") == 1  # the newest, with its entry
    assert four_d.count("<tr>") == 3  # the head and both conversations
    newest, oldest = re.findall(r"(\d{2}-\d{2}-\d{4} \d{2}:\d{2})", four_d)
    assert (newest, oldest) == tuple(
        f"{timezone.localtime(c.started_at):%d-%m-%Y %H:%M}"
        for c in patient.consults.filter(model_slug="4d").order_by("-started_at")
    )
    assert 'Proefmodel <span class="hint">(2 sessies)' in timeline


def test_a_models_series_is_drawn_on_the_patient_page(
    throwaway_model,  # noqa: F811
    consult_4d,
    huisarts_a,
):
    patient = consult_4d.patient
    consult_start(actor=Actor(user=huisarts_a), patient=patient, model_slug=SLUG)
    for days_ago, score in ((60, 4), (30, 6), (1, 8)):
        PatientLink.objects.create(
            token_hash=f"{days_ago:064d}",
            patient=patient,
            model_slug=SLUG,
            purpose="thuis",
            created_by=huisarts_a,
            expires_at=timezone.now(),
            completed_at=timezone.now() - timedelta(days=days_ago),
            answers={"cijfer": {"score": score}},
        )
    _queries, page = detail_queries(client_for(huisarts_a), patient)
    assert "Proefcijfer van thuis" in page
    svg = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640') :]
    svg = svg[: svg.index("</svg>")]
    assert "Cijfer: 4 (" in svg
    assert "8 (" in svg


def test_the_trend_places_values_by_date_and_value_and_tells_lines_apart():
    series = TimelineSeries(
        key="test",
        title="Ernst",
        lines=[
            SeriesLine(
                "Hoofdpijn", [SeriesPoint(date(2026, 1, 1), 8), SeriesPoint(date(2026, 3, 1), 4)]
            ),
            SeriesLine("Slapen", [SeriesPoint(date(2026, 2, 1), 10)]),
        ],
        y_min=0,
        y_max=10,
    )
    svg = render_trend_svg(series)
    path = re.search(r'<path d="M([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+)"', svg)
    assert path
    x1, y1, x2, y2 = map(float, path.groups())
    assert x1 < x2  # January before March
    assert y1 < y2  # 8 drawn higher (smaller y) than 4
    height = PLOT_BOTTOM - PLOT_TOP
    assert y1 == pytest.approx(PLOT_BOTTOM - 0.8 * height, abs=0.2)
    # The single point of the second line sits at the top of the scale, as a square.
    assert re.search(rf'<rect x="[\d.]+" y="{PLOT_TOP - 5:.1f}"', svg)
    assert "Hoofdpijn" in svg
    assert "Slapen" in svg
    assert "Hoofdpijn: 8 (01-01-2026), 4 (01-03-2026)" in svg


def test_an_empty_series_draws_without_error():
    svg = render_trend_svg(TimelineSeries(key="leeg", title="Leeg", lines=[]))
    assert svg.startswith("<svg")
    assert "Nog geen waarden." in svg
