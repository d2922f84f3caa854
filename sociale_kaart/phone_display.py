"""Dutch phone numbers as people write them: stored as digits only, shown in the
groups a Dutch reader expects (050 123 4567, 06 1234 5678, 0591 123 456, 0800 1234,
14 050)."""

import re

# Area codes of two digits after the 0 (the big cities), and the non-geographic
# numbers written the same way: 0XX XXX XXXX. Every other area code has three digits.
# 010 013 015 020 023 024 026 030 033 035 036 038 040 043 045 046 050 053 055 058 070-079,
# and 084 085 087 088 091.
SHORT_AREA_CODE = re.compile(r"0(?:1[035]|2[0346]|3[03568]|4[0356]|5[0358]|7[0-9]|8[4578]|91)")
SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")


def format_phone(value: str) -> str:
    """'0501234567' -> '050 123 4567'. Anything it does not recognise comes back as it
    was given, so a number is never lost for want of a format."""
    digits = re.sub(r"[\s\-().]", "", value)
    if digits.startswith("+31"):
        digits = "0" + digits[3:]
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    if not digits.isdigit():
        return value
    if digits.startswith(SERVICE_PREFIXES) and len(digits) in (8, 11):
        rest = digits[4:]
        return f"{digits[:4]} {rest}" if len(rest) == 4 else f"{digits[:4]} {rest[:3]} {rest[3:]}"
    if digits.startswith("14") and len(digits) in (5, 6):
        return f"14 {digits[2:]}"
    if len(digits) != 10 or not digits.startswith("0"):
        return value
    if digits.startswith("06"):
        return f"06 {digits[2:6]} {digits[6:]}"
    if SHORT_AREA_CODE.fullmatch(digits[:3]):
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
