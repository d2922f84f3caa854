"""PostgreSQL only: the stored search vector now holds the service's themes as well
(see services.py); fill it in again for the services there are."""

from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Replace


def refresh(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Service = apps.get_model("sociale_kaart", "Service")
    Theme = apps.get_model("sociale_kaart", "Theme")
    theme_words = Subquery(
        Theme.objects.filter(services=OuterRef("pk"))
        .order_by()
        .values("services")
        .annotate(words=StringAgg(Replace("slug", Value("-"), Value(" ")), delimiter=Value(" ")))
        .values("words")
    )
    Service.objects.update(
        search_vector=SearchVector("name", weight="A", config="dutch")
        + SearchVector("organisation", weight="B", config="dutch")
        + SearchVector(theme_words, weight="B", config="dutch")
        + SearchVector("description", weight="C", config="dutch")
    )


class Migration(migrations.Migration):
    dependencies = [("sociale_kaart", "0005_importjob")]
    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
