from django.contrib.auth import views as auth_views
from django.urls import path

from consult.forms import LoginForm
from consult.views import accounts, consults, health, patients, two_factor, users

urlpatterns = [
    path("", accounts.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(
        "inloggen/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("inloggen/code/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/tweestapsverificatie/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("account/wachtwoord/", accounts.password_change, name="password_change"),
    path("patienten/", patients.patient_list, name="patient_list"),
    path("patienten/nieuw/", patients.patient_new, name="patient_new"),
    path("patienten/<uuid:patient_id>/", patients.patient_detail, name="patient_detail"),
    path("patienten/<uuid:patient_id>/wijzigen/", patients.patient_edit, name="patient_edit"),
    path("patienten/<uuid:patient_id>/toestemming/", patients.consent_give, name="consent_give"),
    path(
        "patienten/<uuid:patient_id>/toestemming/intrekken/",
        patients.consent_revoke,
        name="consent_revoke",
    ),
    path("patienten/<uuid:patient_id>/consulten/", patients.consult_new, name="consult_new"),
    path("consulten/<uuid:consult_id>/", consults.consult_detail, name="consult_detail"),
    path("beheer/gebruikers/", users.user_list, name="user_list"),
    path("beheer/gebruikers/nieuw/", users.user_new, name="user_new"),
    path("beheer/gebruikers/<uuid:user_id>/", users.user_edit, name="user_edit"),
]
