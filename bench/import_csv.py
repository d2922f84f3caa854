"""Benchmark of the sociale kaart CSV import: 10,000 rows generated in memory.

Run with `uv run python bench/import_csv.py` (SQLite) or with DATABASE_URL set to a
PostgreSQL server. Like bench/run.py it creates its own test database and destroys it
afterwards. Prints the time of each step; exit code 1 when a step takes a minute or more.

Steps: check (parse and validate, as the check page does), the first import (10,000
new services), the same file again (nothing changes), a file in which every row
changed, and the whole flow through the browser's requests (upload, check page, the
streamed import page), then the export.
"""

import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import logged_in_client  # sets Django up before anything else

# isort: split
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django.urls import include, path, reverse

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
LIMIT_SECONDS = 60.0
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


def build_data():
    from consult.models import Practice, Role, User

    practice = Practice.objects.create(name="Benchpraktijk")
    user = User.objects.create_user(
        email="bench@praktijk.example",
        password="bench-password-2026",
        full_name="Bench",
        practice=practice,
        role=Role.PRAKTIJKMANAGER,
    )
    return user, practice


def timed(label: str, results: list[tuple[str, float, str]], run) -> object:
    start = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - start
    results.append((label, seconds, str(outcome)))
    return outcome


# The app's URLs plus the CSV URLs, in case they are not included yet.
urlpatterns = [
    path("", include("brede_gesprek.urls")),
    path("sociale-kaart/", include("sociale_kaart.csv_urls")),
]


def main() -> int:
    from sociale_kaart.csv_io.export import export_csv
    from sociale_kaart.csv_io.importing import import_csv
    from sociale_kaart.csv_io.planning import plan_import
    from sociale_kaart.csv_io.reading import parse_csv
    from sociale_kaart.models import Service

    results: list[tuple[str, float, str]] = []
    first = generate_csv(ROWS)
    changed = generate_csv(ROWS, variant="(gewijzigd)")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ROOT_URLCONF=sys.modules[__name__], DEBUG=False):
            user, practice = build_data()
            own = practice.own_map
            text = first.decode()

            def summary(s) -> str:
                return f"created {s.created}, updated {s.updated}, unchanged {s.unchanged}, rejected {s.rejected}"

            timed(
                "check (parse + validate, nothing written)",
                results,
                lambda: plan_import(parse_csv(text), own).counts(),
            )
            timed(
                "import: all rows new",
                results,
                lambda: summary(import_csv(text, own, user=user)),
            )
            timed(
                "import: the same file again",
                results,
                lambda: summary(import_csv(text, own, user=user)),
            )
            timed(
                "import: every row changed",
                results,
                lambda: summary(import_csv(changed.decode(), own, user=user)),
            )
            Service.objects.filter(service_map=own).delete()

            client = logged_in_client(user)

            def browser_flow() -> str:
                file = io.BytesIO(first)
                file.name = "bench.csv"
                response = client.post(reverse("service_import"), {"file": file, "target": "eigen"})
                assert response.status_code == 302, response.status_code
                check_url = response["Location"]
                assert client.get(check_url).status_code == 200
                response = client.post(check_url + "uitvoeren/", {"mode": "valid-rows"})
                page = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
                return (
                    f"{page.count('<progress')} progress lines, {Service.objects.count()} services"
                )

            timed("upload + check page + streamed import (HTTP)", results, browser_flow)
            timed(
                "export (CSV of all services)",
                results,
                lambda: f"{len(export_csv([own.pk]).encode()) // 1024} kB",
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {vendor}; {ROWS} rows, {len(first) // 1024} kB file")
    for label, seconds, outcome in results:
        print(f"{label:<48} {seconds:7.2f} s   {outcome}")
    slow = [label for label, seconds, _ in results if seconds >= LIMIT_SECONDS]
    if slow:
        print(f"FAIL: a minute or more: {', '.join(slow)}")
        return 1
    print("OK: every step well under a minute")
    return 0


if __name__ == "__main__":
    sys.exit(main())
