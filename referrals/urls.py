from django.urls import path

from referrals import api, views

app_name = "referrals"

urlpatterns = [
    path("cases/<uuid:case_uuid>/referrals/", views.case_referrals, name="case_referrals"),
    path("cases/<uuid:case_uuid>/needs/add/", views.need_add, name="need_add"),
    path("referrals/incoming/", views.incoming, name="incoming"),
    path("referrals/outgoing/", views.outgoing, name="outgoing"),
    path("referrals/figures/", views.figures, name="figures"),
    path("referrals/needs/<uuid:need_id>/send/", views.referral_new, name="referral_new"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("referrals/<uuid:referral_id>/act/", views.referral_action, name="referral_action"),
    path("referrals/<uuid:referral_id>/messages/", views.referral_message, name="referral_message"),
    path("referrals/<uuid:referral_id>/assign/", views.referral_assign_view, name="referral_assign"),
]

# Included from config/urls.py under /api/v1/referrals/ (namespace "api").
referrals_api_v1 = [
    path("incoming/", api.IncomingApi.as_view(), name="referrals_incoming"),
    path("outgoing/", api.OutgoingApi.as_view(), name="referrals_outgoing"),
    path("figures/", api.FiguresApi.as_view(), name="referral_figures"),
    path("cases/<uuid:case_id>/needs/create/", api.NeedCreateApi.as_view(), name="referral_need_create"),
    path("create/", api.ReferralCreateApi.as_view(), name="referral_create"),
    path("<uuid:referral_id>/", api.ReferralDetailApi.as_view(), name="referral"),
    path("<uuid:referral_id>/status/", api.ReferralStatusApi.as_view(), name="referral_status"),
    path("<uuid:referral_id>/act/", api.ReferralActApi.as_view(), name="referral_act"),
    path("<uuid:referral_id>/assign/", api.ReferralAssignApi.as_view(), name="referral_assign"),
    path("<uuid:referral_id>/events/", api.ReferralEventsApi.as_view(), name="referral_events"),
    path("<uuid:referral_id>/messages/", api.ReferralMessagesApi.as_view(), name="referral_messages"),
    path(
        "<uuid:referral_id>/messages/create/",
        api.ReferralMessageCreateApi.as_view(),
        name="referral_message_create",
    ),
]
