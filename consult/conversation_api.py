"""The published API for conversation-model apps (4D, Spinnenweb, KOP, EMBOSS, ...).

A model app imports from `consult` only this module, and `consult.models` for
foreign keys; the core never imports a model app. See docs/writing-a-model.md.

- Registry: subclass ConversationModel, describe its Steps and Domains, and call
  `register()` in the app's AppConfig.ready().
- Step actions: `step_action` wraps the model's own POSTs under a consult.
- Autosave: `register_editable(EditableKind(...))` for each kind of record the model
  edits, and `record_form(...)` (or `autosave_form(...)` for a form built otherwise)
  to wire an edit form to the one autosave endpoint.
- The shared plan and the patient: the plan services a model may call, flags,
  and the audit helper for the model's own writes.
- Demo data: `consult_start` and `step_complete`, to build a model's demo
  conversations through the same services as a professional would.
- Access: `Actor`, `clinician_required`, `get_consult_for`, `get_patient_for`.
"""

from consult.access import Actor, clinician_required, get_consult_for, get_patient_for
from consult.audit import audit_consult_change
from consult.autosave import EditableKind, register_editable, require_open
from consult.models import AuditAction, FlagLevel
from consult.plan_forms import autosave_form, record_form
from consult.registry import (
    ConversationModel,
    Domain,
    EntryScreen,
    GoalSuggestion,
    PatientEntry,
    PlanSection,
    SeriesLine,
    SeriesPoint,
    Step,
    Timeline,
    TimelineSeries,
    register,
)
from consult.selectors.from_home import sent_from_home
from consult.services.consults import consult_start
from consult.services.flags import flag_close, flag_raise
from consult.services.plans import (
    agreement_add,
    goal_add,
    goal_reach,
    item_remove,
    item_restore,
    step_complete,
    teach_back_record,
)
from consult.step_actions import step_action

__all__ = [
    "Actor",
    "AuditAction",
    "ConversationModel",
    "Domain",
    "EditableKind",
    "EntryScreen",
    "FlagLevel",
    "GoalSuggestion",
    "PatientEntry",
    "PlanSection",
    "SeriesLine",
    "SeriesPoint",
    "Step",
    "Timeline",
    "TimelineSeries",
    "agreement_add",
    "audit_consult_change",
    "autosave_form",
    "clinician_required",
    "consult_start",
    "flag_close",
    "flag_raise",
    "get_consult_for",
    "get_patient_for",
    "goal_add",
    "goal_reach",
    "item_remove",
    "item_restore",
    "record_form",
    "register",
    "register_editable",
    "require_open",
    "sent_from_home",
    "step_action",
    "step_complete",
    "teach_back_record",
]
