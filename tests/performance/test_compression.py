"""Pages and partials are sent gzipped to a browser that accepts it (issue 14): over a
practice's connection the bytes of an uncompressed step were most of the time a step
switch took (bench/browser.py, the "_practice_network" figures). Each answer is padded
with random bytes against BREACH; static files keep WhiteNoise's own compression."""

import gzip

import pytest
from django.urls import reverse

from consult.models import Consult, User
from tests.conftest import client_for

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
FNAME = 0x08  # the gzip header's flag for a file name: where Django puts its padding


def workspace_url(consult: Consult, step: str | None = None) -> str:
    if step is None:
        return reverse("consult_detail", kwargs={"consult_id": consult.public_id})
    return reverse("consult_step", kwargs={"consult_id": consult.public_id, "step_slug": step})


@pytest.mark.django_db
def test_the_workspace_reaches_a_browser_that_accepts_gzip_at_a_fraction_of_its_size(
    huisarts_a: User, consult_4d: Consult
) -> None:
    client = client_for(huisarts_a)
    plain = client.get(workspace_url(consult_4d))
    packed = client.get(workspace_url(consult_4d), headers=GZIP)

    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert int(packed["Content-Length"]) == len(packed.content)
    page = gzip.decompress(packed.content).decode()
    assert consult_4d.patient.full_name in page
    assert "</html>" in page
    assert len(packed.content) * 4 < len(plain.content)


@pytest.mark.django_db
def test_a_step_swapped_in_by_htmx_is_gzipped_too(huisarts_a: User, consult_4d: Consult) -> None:
    client = client_for(huisarts_a)
    swap = {"HX-Request": "true", "HX-Target": "step", **GZIP}
    response = client.get(workspace_url(consult_4d, "lichaam"), headers=swap)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    step = gzip.decompress(response.content).decode()
    assert 'id="step-title"' in step
    assert "<html" not in step


@pytest.mark.django_db
def test_each_answer_is_padded_with_random_bytes_against_breach(
    huisarts_a: User, consult_4d: Consult
) -> None:
    client = client_for(huisarts_a)
    answers = [client.get(workspace_url(consult_4d), headers=GZIP).content for _ in range(8)]

    assert all(answer[3] & FNAME for answer in answers)
    # The padding is 1 to 100 random bytes: eight answers of one length would mean none.
    assert len({len(answer) for answer in answers}) > 1
