from django.urls import path

from models_4d import views

urlpatterns = [
    path("items/", views.entry_add, name="fourd_entry_add"),
    path("items/<uuid:entry_id>/verwijderen/", views.entry_remove, name="fourd_entry_remove"),
    path("items/<uuid:entry_id>/terugzetten/", views.entry_restore, name="fourd_entry_restore"),
    path("verbanden/", views.connection_add, name="fourd_connection_add"),
    path(
        "verbanden/<uuid:connection_id>/verwijderen/",
        views.connection_remove,
        name="fourd_connection_remove",
    ),
]
