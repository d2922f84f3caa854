"""Phone numbers on paper, grouped as a Dutch reader writes them."""

import pytest

from sociale_kaart.phone_display import format_phone


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("0501234567", "050 123 4567"),  # a city's two-digit area code
        ("0201234567", "020 123 4567"),
        ("0612345678", "06 1234 5678"),  # mobile
        ("0591123456", "0591 123 456"),  # a three-digit area code
        ("0251123456", "0251 123 456"),  # 025 is no area code of its own
        ("0881234567", "088 123 4567"),  # non-geographic
        ("08001234", "0800 1234"),  # free service number
        ("09001234567", "0900 123 4567"),
        ("14050", "14 050"),  # the municipality's 14 number
        ("140591", "14 0591"),
        ("+31 50 123 4567", "050 123 4567"),
        ("050-1234567", "050 123 4567"),
    ],
)
def test_numbers_are_grouped_as_people_write_them(stored, shown):
    assert format_phone(stored) == shown


@pytest.mark.parametrize("odd", ["112", "0800 bellen", "0123"])
def test_what_is_not_a_known_number_stays_as_it_was(odd):
    assert format_phone(odd) == odd
