"""Printing in a worker needs a tasks backend with a queue the worker reads: with
PRINT_IN_WORKER on, the default backend must be django-tasks-db's, and it must accept
the print task. Without it, any valid backend will do (the request renders itself)."""

from typing import Any

from django.conf import settings
from django.core import checks
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.tasks.exceptions import InvalidTask, InvalidTaskBackend
from django_tasks_db import DatabaseBackend


@checks.register("printing")
def check_print_worker(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    except InvalidTaskBackend as error:
        return [checks.Error(f"TASKS is not valid: {error}", id="printing.E001")]
    if settings.PRINT_IN_WORKER and not isinstance(backend, DatabaseBackend):
        return [
            checks.Error(
                "PRINT_IN_WORKER is on, but the default tasks backend is "
                f"{type(backend).__module__}.{type(backend).__qualname__}: "
                "`manage.py db_worker` would never see a print job.",
                hint='Set TASKS["default"]["BACKEND"] to "django_tasks_db.DatabaseBackend".',
                id="printing.E002",
            )
        ]
    from printing.tasks import render_print_job

    try:
        backend.validate_task(render_print_job)
    except InvalidTask as error:
        return [
            checks.Error(
                f"The default tasks backend does not take the print task: {error}",
                id="printing.E003",
            )
        ]
    return []
