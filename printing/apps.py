from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    """PDFs rendered outside the web request: with PRINT_IN_WORKER, a print becomes a
    job that `manage.py db_worker` renders through Django's tasks framework, kept in
    the database for its requester until it expires."""

    name = "printing"
    verbose_name = _("Printing")

    def ready(self) -> None:
        from printing import checks  # noqa: F401 - registers the system check
