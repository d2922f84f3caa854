"""The URLs that conversation models declare, included by the core: the project's
urls.py names no model app. Built from the registry when the URLconf is loaded,
which is after every app's ready() has registered its model."""

from django.urls import URLPattern, URLResolver, include, path

from consult.registry import conversation_models


def model_urlpatterns() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for model in conversation_models():
        if consult_urls := list(model.consult_urls()):
            patterns.append(
                path(
                    f"consulten/<uuid:consult_id>/{model.slug}/",
                    include(consult_urls),
                    {"model_slug": model.slug},
                )
            )
        if patient_urls := list(model.patient_urls()):
            patterns.append(
                path(f"patienten/<uuid:patient_id>/{model.slug}/", include(patient_urls))
            )
    return patterns
