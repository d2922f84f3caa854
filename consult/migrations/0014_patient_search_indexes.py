"""Indexes for the patient search (consult.models.patients.PatientQuerySet.search), so
that a search reads the patients it finds, not every patient of the practice (10,000
in a large one, and more than a million in a care group's database):

- the practice with the date of birth, and with the HIS number in upper case (a
  search by date, or for a whole HIS number, case-insensitive);
- on PostgreSQL, the practice's number and the names in upper case (SearchText:
  "17 ANNA DE VRIES") in a GIN index of trigrams. A search asks for "17 %VRIES%",
  which the index answers for words of three letters or more; the practice's number
  at the start keeps other practices' patients of that name out of the lookup, so in
  a care group's database it reads the practice's Jansens, not the region's (with the
  names alone, 4,000 Jansens among a million patients; with the practice as a column
  of its own in the index, btree_gin, PostgreSQL did not use it; both measured 6
  December). New patients go straight into it (no fast update): in a pending list
  they would be read entry by entry by every search until a vacuum, as the kaart's
  indexes were (sociale_kaart.0008); patients are searched far more often than added.
  SQLite (the demo) has no such index and reads the practice's patients, as before.

Built CONCURRENTLY on PostgreSQL, so that patients can be added and changed meanwhile
(the migration runs outside a transaction for that)."""

from django.db import migrations, models
from django.db.models.functions import Upper

from brede_gesprek.migration_operations import AddIndexWhileWriting

# The expression of consult.models.patients.SearchText:
# tests/consult/test_patient_search_plan.py fails when a search does not use it.
SEARCH_TEXT_INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS patient_search_text_trgm ON consult_patient "
    "USING gin (UPPER((practice_id::text || ' ' || first_name || ' ' || name_prefix || ' ' "
    "|| last_name)) gin_trgm_ops) WITH (fastupdate = off)"
)


def create_search_text_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The extension stays when the migration is reversed: the kaart's search
        # indexes use it too (sociale_kaart.0004).
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(SEARCH_TEXT_INDEX)


def drop_search_text_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS patient_search_text_trgm")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consult", "0013_redundant_fk_indexes"),
    ]

    operations = [
        AddIndexWhileWriting(
            model_name="patient",
            index=models.Index(fields=["practice", "date_of_birth"], name="patient_practice_born"),
        ),
        AddIndexWhileWriting(
            model_name="patient",
            index=models.Index(
                models.F("practice"), Upper("his_number"), name="patient_practice_his_upper"
            ),
        ),
        migrations.RunPython(create_search_text_index, drop_search_text_index),
    ]
