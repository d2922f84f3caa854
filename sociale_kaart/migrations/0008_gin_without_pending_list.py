"""PostgreSQL only: the kaart's GIN indexes take new entries straight into the index.

With GIN's default fast update, rows written after an index was built wait in a
pending list that every search reads through entry by entry, until a vacuum merges it.
After an import of 10,000 services that list held 122 pages of the words' trigram
index, and the planner, counting it, scanned the words table instead: 12 ms per search
word where the index answers in 0.05 ms. The kaart is searched far more often than it
is written, so writes pay the merge instead. The lists already pending are merged here.
"""

from django.db import migrations

INDEXES = ("search_term_trgm", "service_search_vector_gin")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} SET (fastupdate = off)")
        schema_editor.execute(
            "SELECT gin_clean_pending_list(index.oid) FROM pg_class AS index "
            "WHERE index.relname = %s AND index.relkind = 'i'",
            [name],
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("sociale_kaart", "0007_search_terms")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
