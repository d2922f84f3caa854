"""CSV import and export of the sociale kaart; included under sociale-kaart/."""

from django.urls import path

from sociale_kaart import csv_views

urlpatterns = [
    path("importeren/", csv_views.service_import, name="service_import"),
    path(
        "importeren/<uuid:job_id>/",
        csv_views.service_import_check,
        name="service_import_check",
    ),
    path(
        "importeren/<uuid:job_id>/uitvoeren/",
        csv_views.service_import_run,
        name="service_import_run",
    ),
    path("exporteren.csv", csv_views.service_export, name="service_export"),
]
