from django.db import models

from sociale_kaart.themes import ThemeSlug


class Theme(models.Model):
    """One row per theme of the shared vocabulary; the label comes from the code (so it
    is translated), the row exists so goals and services can point at it."""

    slug = models.SlugField(max_length=40, unique=True, choices=ThemeSlug.choices)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return str(ThemeSlug(self.slug).label)
