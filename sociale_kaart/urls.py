from django.urls import path

from sociale_kaart import views

urlpatterns = [
    path("", views.service_list, name="service_list"),
    path("nieuw/", views.service_new, name="service_new"),
    path("controleren/", views.service_review, name="service_review"),
    path("<uuid:service_id>/", views.service_detail, name="service_detail"),
    path("<uuid:service_id>/wijzigen/", views.service_edit, name="service_edit"),
    path("<uuid:service_id>/gecontroleerd/", views.service_checked, name="service_checked"),
    path("<uuid:service_id>/actief/", views.service_active, name="service_active"),
    path("<uuid:service_id>/versies/", views.service_history, name="service_history"),
]
