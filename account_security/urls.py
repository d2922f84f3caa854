from django.urls import path

from account_security import views

urlpatterns = [
    path("account/beveiliging/", views.security, name="account_security"),
    path("account/beveiliging/bevestigen/", views.reauthenticate, name="reauthenticate"),
    path("account/beveiliging/herstelcodes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("account/beveiliging/authenticator/", views.authenticator_new, name="authenticator_new"),
    path("account/sessie/", views.session_status, name="session_status"),
    path("account/sessie/verlengen/", views.session_keepalive, name="session_keepalive"),
]
