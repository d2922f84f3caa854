"""The KOP schema of one consult as the article draws it: the complaints in the middle,
the circumstances that burden or support on one side, the personal style that falls
short or helps on the other."""

from collections.abc import Sequence
from dataclasses import dataclass

from consult.models import Consult
from kop.chart import render_kop_svg
from kop.models import Circumstance, Complaint, StyleItem


@dataclass(frozen=True)
class Schema:
    complaints: list[Complaint]
    circumstances: list[Circumstance]
    style: list[StyleItem]

    @property
    def burdens(self) -> list[Circumstance]:
        return [item for item in self.circumstances if not item.positive]

    @property
    def supports(self) -> list[Circumstance]:
        return [item for item in self.circumstances if item.positive]

    @property
    def falls_short(self) -> list[StyleItem]:
        return [item for item in self.style if not item.helps]

    @property
    def helps(self) -> list[StyleItem]:
        return [item for item in self.style if item.helps]

    def svg(self) -> str:
        return render_kop_svg(self.complaints, self.circumstances, self.style)


def schema_of(consult: Consult) -> Schema:
    return schemas_of([consult])[consult.pk]


def schemas_of(consults: Sequence[Consult]) -> dict[int, Schema]:
    """The schema of each consult, by consult pk: three queries for all."""
    ids = [consult.pk for consult in consults]
    schemas = {pk: Schema(complaints=[], circumstances=[], style=[]) for pk in ids}
    for complaint in Complaint.objects.active().filter(consult_id__in=ids):
        schemas[complaint.consult_id].complaints.append(complaint)
    for circumstance in Circumstance.objects.active().filter(consult_id__in=ids):
        schemas[circumstance.consult_id].circumstances.append(circumstance)
    for item in StyleItem.objects.active().filter(consult_id__in=ids):
        schemas[item.consult_id].style.append(item)
    return schemas
