"""The PDFs a professional prints, made from the same data and templates whether the
web request renders them (the default) or the worker does (PRINT_IN_WORKER)."""

from datetime import date

from consult.documents import render_pdf
from consult.models import Consult, Patient
from consult.patient_copy import access_lines, patient_record
from consult.plan_document import plan_document


def plan_pdf(consult: Consult, *, today: date) -> bytes:
    """The patient's plan ("Mijn plan")."""
    return render_pdf(
        "documents/plan.html", {"doc": plan_document(consult, today=today)}, fit_last_block=True
    )


def patient_copy_pdf(
    patient: Patient, *, since: date | None, until: date | None, today: date
) -> bytes:
    """Everything recorded about the patient, with who looked at it in the period."""
    record = patient_record(patient, access_since=since, access_until=until)
    return render_pdf(
        "documents/patient_copy.html",
        {"record": record, "access": access_lines(record["access"]), "today": today},
    )


def plan_file_name() -> str:
    return "mijn-plan.pdf"


def patient_copy_file_name(today: date) -> str:
    return f"mijn-gegevens-{today:%Y-%m-%d}.pdf"
