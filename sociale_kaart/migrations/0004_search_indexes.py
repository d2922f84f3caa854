"""PostgreSQL only: the trigram extension and the indexes that make search fast. On
SQLite the search ranks in Python (see search.py) and these are skipped."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "service_search_vector_gin": "USING gin (search_vector)",
    "service_name_trgm": "USING gin (name gin_trgm_ops)",
    "service_organisation_trgm": "USING gin (organisation gin_trgm_ops)",
    "service_description_trgm": "USING gin (description gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON sociale_kaart_service {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("sociale_kaart", "0003_services")]
    operations = [TrigramExtension(), migrations.RunPython(create, drop)]
