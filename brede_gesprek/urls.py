from django.urls import include, path

urlpatterns = [
    path("", include("consult.urls")),
    path("sociale-kaart/", include("sociale_kaart.urls")),
    path("sociale-kaart/", include("sociale_kaart.csv_urls")),
    path("afdrukken/", include("printing.urls")),
]
