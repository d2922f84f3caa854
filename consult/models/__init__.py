from consult.models.audit import AuditAction, AuditEvent, AuditOutcome
from consult.models.consent import Consent
from consult.models.consults import Consult
from consult.models.patients import Patient
from consult.models.practices import Practice
from consult.models.users import CLINICAL_ROLES, Role, User

__all__ = [
    "CLINICAL_ROLES",
    "AuditAction",
    "AuditEvent",
    "AuditOutcome",
    "Consent",
    "Consult",
    "Patient",
    "Practice",
    "Role",
    "User",
]
