"""The sociale kaart's CSV import, on a generated file of 10,000 rows (BENCH_ROWS, or
BENCH_SERVICES when set; every column filled in, areas, several themes, quotes and
multi-line descriptions now and then). Each figure is beside checking the same file
(parse and validate, as the check page does, nothing written), interleaved:

- csv_import_new: all rows new, into an empty map. Target on SQLite: under 5 s
  (absolute); on PostgreSQL reported without a target.
- csv_import_unchanged: the same file again (nothing changes);
- csv_import_changed: a file in which every row changed;
- csv_import_http: the browser's requests: upload, check page, the streamed import;
- csv_export: the export of all services, beside writing the same number of rows
  with the csv module from memory.
These four are held to the old limit: under a minute.
"""

import csv
import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import logged_in_client, staff_user  # sets Django up before anything else

# isort: split
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse

from bench import harness

ROWS = int(os.environ.get("BENCH_ROWS") or harness.services_count())
ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS") or 3)  # of the main figure
TARGET_NEW_S = 5.0  # on SQLite
LIMIT_S = 60.0
FIGURES = (
    "csv_import_new",
    "csv_import_unchanged",
    "csv_import_changed",
    "csv_import_http",
    "csv_export",
)

THEMES = ["geld-en-schulden", "wonen", "werk-en-dagbesteding", "eenzaamheid-en-relaties", "voeding"]


def generate_csv(rows: int, *, variant: str = "") -> bytes:
    """A realistic file: every column filled in, areas, several themes, quotes and
    multi-line descriptions now and then."""
    from sociale_kaart.csv_io.columns import COLUMN_NAMES

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMN_NAMES)
    for n in range(rows):
        whole_region = n % 5 == 0
        writer.writerow(
            [
                f"dienst-{n:05d}",
                f"Dienst {n} {variant}".strip(),
                f"Organisatie {n % 300}",
                f'Hulp bij "dingen" nummer {n}.\nGewoon binnenlopen mag. {variant}'.strip(),
                "|".join(THEMES[n % 3 : n % 3 + 1 + n % 2]),
                "Volwassenen",
                "18" if n % 2 else "",
                "67" if n % 4 == 1 else "",
                "ja" if whole_region else "nee",
                "" if whole_region else f"{9000 + n % 900}-{9000 + n % 900 + 9}, 9801",
                "Noord, Zuid",
                ["gratis", "verzekerd", "eigen-bijdrage", "betaald"][n % 4],
                "",
                ["geen", "huisarts", "anders"][n % 3],
                "Bellen of mailen",
                f"050 {1000000 + n}" if not variant else f"06 {10000000 + n}",
                f"info{n}@dienst.example",
                f"https://dienst{n}.example/",
                f"Straat {n}",
                "9999 AB",
                "Voorbeeld",
                "ma-vr 9-17",
                "Nederlands",
                "ja",
                "01-03-2025",
            ]
        )
    return buffer.getvalue().encode()


def measure() -> None:
    from consult.models import Practice, Role
    from sociale_kaart.csv_io.export import export_csv
    from sociale_kaart.csv_io.importing import import_csv
    from sociale_kaart.csv_io.planning import plan_import
    from sociale_kaart.csv_io.reading import parse_csv
    from sociale_kaart.models import Service

    practice = Practice.objects.create(name="Benchpraktijk")
    user = staff_user(practice, Role.PRAKTIJKMANAGER)
    own = practice.own_map
    assert own is not None
    first = generate_csv(ROWS).decode()
    changed = generate_csv(ROWS, variant="(gewijzigd)").decode()
    extra = {"rows": ROWS, "file_kB": len(first.encode()) // 1024}
    state = {"file": ""}  # which file the map holds now

    def empty_map() -> None:
        Service.objects.filter(service_map=own).delete()
        state["file"] = ""

    def holding(text: str) -> None:
        if state["file"] != text:
            empty_map()
            import_csv(text, own, user=user)
            state["file"] = text

    def check(text: str) -> None:
        plan_import(parse_csv(text), own).counts()

    def importing(text: str, expected: str) -> None:
        summary = import_csv(text, own, user=user)
        counts = {"created": summary.created, "updated": summary.updated}
        counts["unchanged"] = summary.unchanged
        assert counts[expected] == ROWS, counts
        assert not summary.rejected, counts
        state["file"] = text

    new_target = TARGET_NEW_S if connection.vendor == "sqlite" else None
    harness.attempt(
        ["csv_import_new"],
        lambda: harness.measure_pair(
            "csv_import_new",
            lambda: importing(first, "created"),
            "csv_check",
            lambda: check(first),
            ROUNDS,
            unit="s",
            warmup=0,
            before_round=empty_map,
            target_abs=new_target,
            target_note="" if new_target else "the 5 s target is for SQLite",
            extra=extra,
        ),
    )
    harness.attempt(
        ["csv_import_unchanged"],
        lambda: harness.measure_pair(
            "csv_import_unchanged",
            lambda: importing(first, "unchanged"),
            "csv_check",
            lambda: check(first),
            1,
            unit="s",
            warmup=0,
            before_round=lambda: holding(first),
            target_abs=LIMIT_S,
            extra=extra,
        ),
    )
    harness.attempt(
        ["csv_import_changed"],
        lambda: harness.measure_pair(
            "csv_import_changed",
            lambda: importing(changed, "updated"),
            "csv_check",
            lambda: check(changed),
            1,
            unit="s",
            warmup=0,
            before_round=lambda: holding(first),
            target_abs=LIMIT_S,
            extra=extra,
        ),
    )
    client = logged_in_client(user)

    def browser_flow() -> None:
        file = io.BytesIO(first.encode())
        file.name = "bench.csv"
        response = client.post(reverse("service_import"), {"file": file, "target": "eigen"})
        assert response.status_code == 302, response.status_code
        check_url = response["Location"]
        assert client.get(check_url).status_code == 200
        response = client.post(check_url + "uitvoeren/", {"mode": "valid-rows"})
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert Service.objects.filter(service_map=own).count() == ROWS
        state["file"] = first

    harness.attempt(
        ["csv_import_http"],
        lambda: harness.measure_pair(
            "csv_import_http",
            browser_flow,
            "csv_check",
            lambda: check(first),
            1,
            unit="s",
            warmup=0,
            before_round=empty_map,
            target_abs=LIMIT_S,
            extra=extra,
        ),
    )
    harness.attempt(
        ["csv_export"],
        lambda: harness.measure_pair(
            "csv_export",
            lambda: export_csv([own.pk]),
            "csv_write_from_memory",
            lambda: generate_csv(ROWS),
            ROUNDS,
            unit="s",
            warmup=1,
            before_round=lambda: holding(first),
            target_abs=LIMIT_S,
            extra=extra,
        ),
    )


def measure_all() -> None:
    with harness.bench_database(), override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        measure()


if __name__ == "__main__":
    sys.exit(harness.main(FIGURES, measure_all))
