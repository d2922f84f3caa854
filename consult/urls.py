from django.contrib.auth import views as auth_views
from django.urls import include, path

from consult.forms import LoginForm
from consult.model_urls import model_urlpatterns
from consult.views import (
    account_links,
    accounts,
    audit_review,
    documents,
    erasure,
    fhir,
    health,
    patient_entry,
    patient_links,
    patients,
    plan,
    suggestions,
    two_factor,
    users,
    workspace,
)

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
    path("inloggen/herstelcode/", two_factor.two_factor_recovery, name="two_factor_recovery"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/tweestapsverificatie/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("account/wachtwoord/", accounts.password_change, name="password_change"),
    path("", include("account_security.urls")),
    path("patienten/", patients.patient_list, name="patient_list"),
    path("verwijzingen/", patients.referral_follow_up, name="referral_follow_up"),
    path("evaluaties/", patients.evaluations, name="evaluations_due"),
    path("patienten/nieuw/", patients.patient_new, name="patient_new"),
    path("patienten/<uuid:patient_id>/", patients.patient_detail, name="patient_detail"),
    path("patienten/<uuid:patient_id>/wijzigen/", patients.patient_edit, name="patient_edit"),
    path("patienten/<uuid:patient_id>/toestemming/", patients.consent_give, name="consent_give"),
    path(
        "patienten/<uuid:patient_id>/signalen/<uuid:flag_id>/sluiten/",
        patients.flag_close,
        name="flag_close",
    ),
    path("patienten/<uuid:patient_id>/links/", patient_links.link_new, name="patient_link_new"),
    path(
        "patienten/<uuid:patient_id>/links/<uuid:link_id>/intrekken/",
        patient_links.link_withdrawn,
        name="patient_link_withdraw",
    ),
    # The patient's own entry at home: no account, the token is the key.
    path("mijn/<str:token>/", patient_entry.patient_entry, name="patient_entry"),
    path(
        "mijn/<str:token>/pauze/", patient_entry.patient_entry_paused, name="patient_entry_paused"
    ),
    path(
        "mijn/<str:token>/versturen/", patient_entry.patient_entry_send, name="patient_entry_send"
    ),
    path(
        "mijn/<str:token>/<slug:screen_key>/",
        patient_entry.patient_entry_screen,
        name="patient_entry_screen",
    ),
    path(
        "patienten/<uuid:patient_id>/toestemming/intrekken/",
        patients.consent_revoke,
        name="consent_revoke",
    ),
    path("patienten/<uuid:patient_id>/consulten/", patients.consult_new, name="consult_new"),
    path(
        "patienten/<uuid:patient_id>/inzage.<str:fmt>",
        documents.patient_copy,
        name="patient_copy",
    ),
    path("consulten/<uuid:consult_id>/", workspace.workspace, name="consult_detail"),
    path(
        "consulten/<uuid:consult_id>/stap/<slug:step_slug>/",
        workspace.workspace,
        name="consult_step",
    ),
    path(
        "consulten/<uuid:consult_id>/stap/<slug:step_slug>/klaar/",
        workspace.step_done,
        name="step_done",
    ),
    path("consulten/<uuid:consult_id>/afronden/", workspace.finish, name="consult_finish"),
    path("consulten/<uuid:consult_id>/meekijken/", workspace.look_along, name="look_along"),
    path("consulten/<uuid:consult_id>/mijn-plan.pdf", documents.plan_pdf, name="plan_pdf"),
    path("consulten/<uuid:consult_id>/soep/", documents.soep, name="soep"),
    path("consulten/<uuid:consult_id>/plan.fhir.json", fhir.plan_fhir, name="plan_fhir"),
    path(
        "consulten/<uuid:consult_id>/bewaar/<slug:kind>/<uuid:record_id>/",
        workspace.autosave,
        name="autosave",
    ),
    path("consulten/<uuid:consult_id>/plan/doelen/", plan.goal_add, name="goal_add"),
    path(
        "consulten/<uuid:consult_id>/plan/doelen/uit-gesprek/",
        suggestions.goal_from_suggestion,
        name="goal_from_suggestion",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/doelen/<uuid:goal_id>/verwijderen/",
        plan.goal_remove,
        name="goal_remove",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/doelen/<uuid:goal_id>/terugzetten/",
        plan.goal_restore,
        name="goal_restore",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/doelen/<uuid:goal_id>/verplaatsen/<str:direction>/",
        plan.goal_move,
        name="goal_move",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/doelen/<uuid:goal_id>/afspraken/nieuw/",
        plan.agreement_add_form,
        name="agreement_add_form",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/doelen/<uuid:goal_id>/afspraken/",
        plan.agreement_add,
        name="agreement_add",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/afspraken/<uuid:agreement_id>/",
        plan.agreement_editor,
        name="agreement_editor",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/afspraken/<uuid:agreement_id>/verwijderen/",
        plan.agreement_remove,
        name="agreement_remove",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/afspraken/<uuid:agreement_id>/terugzetten/",
        plan.agreement_restore,
        name="agreement_restore",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/afspraken/<uuid:agreement_id>/verplaatsen/<str:direction>/",
        plan.agreement_move,
        name="agreement_move",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/doelen/<uuid:goal_id>/verwijzen/",
        plan.referral_add,
        name="referral_add",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/verwijzingen/<uuid:referral_id>/",
        plan.referral_update,
        name="referral_update",
    ),
    path("consulten/<uuid:consult_id>/plan/netwerk/", plan.network_add, name="network_add"),
    path(
        "consulten/<uuid:consult_id>/plan/terugvragen/", plan.teach_back_add, name="teach_back_add"
    ),
    path(
        "consulten/<uuid:consult_id>/plan/netwerk/<uuid:member_id>/verwijderen/",
        plan.network_remove,
        name="network_remove",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/netwerk/<uuid:member_id>/terugzetten/",
        plan.network_restore,
        name="network_restore",
    ),
    path(
        "consulten/<uuid:consult_id>/plan/netwerk/<uuid:member_id>/regiehouder/",
        plan.network_regiehouder,
        name="network_regiehouder",
    ),
    path("beheer/gebruikers/", users.user_list, name="user_list"),
    path("beheer/gebruikers/nieuw/", users.user_new, name="user_new"),
    path("beheer/gebruikers/<uuid:user_id>/", users.user_edit, name="user_edit"),
    path(
        "beheer/gebruikers/<uuid:user_id>/activatielink/",
        users.user_activation_resend,
        name="user_activation_resend",
    ),
    path("beheer/vernietigen/", erasure.erasure_start, name="erasure_start"),
    path("beheer/vernietigen/uitvoeren/", erasure.erasure_carry_out, name="erasure_carry_out"),
    path("beheer/vernietigen/bewijs/", erasure.erasure_receipt, name="erasure_receipt"),
    path("beheer/gebruikers/<uuid:user_id>/ontgrendelen/", users.user_unlock, name="user_unlock"),
    path("collegas/", users.colleagues_to_confirm, name="colleagues_to_confirm"),
    path("logboek/", audit_review.audit_trail, name="audit_trail"),
    path("logboek/maand/", audit_review.audit_month, name="audit_month"),
    path(
        "collegas/<uuid:user_id>/bevestigen/",
        users.colleague_confirm_view,
        name="colleague_confirm",
    ),
    path(
        "account/wachtwoord-instellen/<uidb64>/<token>/",
        account_links.SetPasswordView.as_view(),
        name="account_set_password",
    ),
    path(
        "account/wachtwoord-vergeten/",
        account_links.PasswordForgottenView.as_view(),
        name="password_forgotten",
    ),
    path(
        "account/wachtwoord-vergeten/verstuurd/",
        account_links.PasswordForgottenSentView.as_view(),
        name="password_forgotten_sent",
    ),
    *model_urlpatterns(),
]
