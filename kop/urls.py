from django.urls import path

from kop import views

urlpatterns = [
    path("klachten/", views.complaint_add, name="kop_complaint_add"),
    path("omstandigheden/", views.circumstance_add, name="kop_circumstance_add"),
    path("stijl/", views.style_add, name="kop_style_add"),
    path("<slug:kind>/<uuid:item_id>/verwijderen/", views.item_removed, name="kop_item_remove"),
    path("<slug:kind>/<uuid:item_id>/terugzetten/", views.item_restored, name="kop_item_restore"),
    path("risico/vastleggen/", views.risk_record, name="kop_risk_record"),
    path("interventies/", views.intervention_add, name="kop_intervention_add"),
]
