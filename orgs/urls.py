from django.urls import path

from orgs.views import auth, members, preferences, settings, tokens, vetting

app_name = "orgs"

urlpatterns = [
    path("sign-in/", auth.sign_in, name="login"),
    path("sign-in/second-factor/", auth.two_factor, name="two_factor"),
    path("sign-in/second-factor/set-up/", auth.two_factor_setup, name="two_factor_setup"),
    path("account/recovery-codes/", auth.recovery_codes, name="recovery_codes"),
    path("sign-out/", auth.sign_out, name="logout"),
    path("sign-out/everywhere/", auth.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/password/", auth.password_change, name="password_change"),
    path("account/preferences/", preferences.preferences, name="preferences"),
    path("account/tokens/", tokens.token_list, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("organization/pending/", auth.pending, name="pending"),
    path("organization/suspended/", auth.suspended, name="suspended"),
    path("apply/", vetting.apply, name="apply"),
    path("organization/references/", vetting.references, name="references"),
    path("organization/references/<int:reference_id>/answer/", vetting.reference_answer, name="reference_answer"),
    path("organization/settings/", settings.organization_settings, name="settings"),
    path("organization/members/", members.member_list, name="members"),
    path("organization/members/invite/", members.member_invite, name="member_invite"),
    path("organization/members/<int:membership_id>/role/", members.member_role, name="member_role"),
    path("organization/members/<int:membership_id>/deactivate/", members.member_deactivate, name="member_deactivate"),
    path("organization/invitations/<int:invitation_id>/revoke/", members.invitation_revoke, name="invitation_revoke"),
    path("invitation/", members.invitation_accept, name="invitation_accept"),
    path("invitation/open/", members.invitation_open, name="invitation_open"),
    path("platform/organizations/", vetting.review_queue, name="review_queue"),
    path("platform/organizations/<uuid:org_uuid>/", vetting.review_detail, name="review_detail"),
    path("platform/organizations/<uuid:org_uuid>/checklist/", vetting.review_checklist, name="review_checklist"),
    path("platform/organizations/<uuid:org_uuid>/decide/", vetting.review_decide, name="review_decide"),
    path(
        "platform/organizations/<uuid:org_uuid>/documents/<int:document_id>/",
        vetting.review_document,
        name="review_document",
    ),
]
