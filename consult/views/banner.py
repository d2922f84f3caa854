"""The patient banner at the top of every page about one patient."""

from consult.access import Actor
from consult.models import Patient
from consult.services.flags import open_flags_seen


def banner_context(actor: Actor, patient: Patient) -> dict[str, object]:
    """What components/patient_banner.html shows: the patient, whether consent stands
    and the open warning flags (each shown flag is a logged read). A page that leaves
    these out tells the professional that consent was not given."""
    return {
        "patient": patient,
        "consent": patient.consents.current().select_related("given_to").first(),
        "flags": open_flags_seen(actor=actor, patient=patient),
    }
