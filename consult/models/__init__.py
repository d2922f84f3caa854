from consult.models.audit import AuditAction, AuditEvent, AuditEventType, AuditOutcome
from consult.models.consent import Consent
from consult.models.consults import Consult
from consult.models.erasure import ErasureGround, ErasureRecord
from consult.models.flags import FlagLevel, PatientFlag
from consult.models.patient_links import LinkAttempt, PatientLink
from consult.models.patients import Patient
from consult.models.plans import (
    Agreement,
    Goal,
    NetworkMember,
    Plan,
    Removable,
    Versioned,
    WhoKind,
)
from consult.models.practices import Practice
from consult.models.referrals import OPEN_STATUSES, Referral, ReferralEvent, ReferralStatus
from consult.models.teach_back import TeachBack
from consult.models.users import CLINICAL_ROLES, Role, User

__all__ = [
    "CLINICAL_ROLES",
    "OPEN_STATUSES",
    "Agreement",
    "AuditAction",
    "AuditEvent",
    "AuditEventType",
    "AuditOutcome",
    "Consent",
    "Consult",
    "ErasureGround",
    "ErasureRecord",
    "FlagLevel",
    "Goal",
    "LinkAttempt",
    "NetworkMember",
    "Patient",
    "PatientFlag",
    "PatientLink",
    "Plan",
    "Practice",
    "Referral",
    "ReferralEvent",
    "ReferralStatus",
    "Removable",
    "Role",
    "TeachBack",
    "User",
    "Versioned",
    "WhoKind",
]
