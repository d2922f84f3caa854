"""Reading a patient's links for the patient page: what each is for and its state."""

from dataclasses import dataclass

from consult.models import Patient, PatientLink
from consult.registry import get_conversation_model


@dataclass(frozen=True)
class LinkRow:
    link: PatientLink
    title: str
    filled_screens: int
    total_screens: int


def patient_links_of(patient: Patient, *, limit: int = 10) -> list[LinkRow]:
    rows = []
    for link in patient.patient_links.select_related("created_by")[:limit]:
        model = get_conversation_model(link.model_slug)
        entry = model.patient_entry(link.purpose) if model else None
        rows.append(
            LinkRow(
                link=link,
                title=str(entry.title) if entry else link.purpose,
                filled_screens=len(link.answers),
                total_screens=len(entry.screens) if entry else 0,
            )
        )
    return rows
