from django.urls import include, path

urlpatterns = [
    path("", include("consult.urls")),
    path("consulten/<uuid:consult_id>/4d/", include("models_4d.urls")),
    path("sociale-kaart/", include("sociale_kaart.urls")),
    path("sociale-kaart/", include("sociale_kaart.csv_urls")),
]
