from django.db import migrations

SLUGS = [
    "geld-en-schulden",
    "wonen",
    "werk-en-dagbesteding",
    "eenzaamheid-en-relaties",
    "bewegen-en-leefstijl",
    "voeding",
    "slaap",
    "lichamelijke-gezondheid",
    "psychische-klachten",
    "zingeving",
    "mantelzorg",
    "opvoeding",
    "verslaving",
    "taal-en-digitale-vaardigheden",
    "juridisch",
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("sociale_kaart", "Theme")
    for slug in SLUGS:
        Theme.objects.get_or_create(slug=slug)


class Migration(migrations.Migration):
    dependencies = [("sociale_kaart", "0001_themes")]
    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
