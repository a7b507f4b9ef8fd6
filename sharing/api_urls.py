"""Sharing API routes, mounted under /api/v1/ in the "api" namespace (config/urls.py)."""

from django.urls import path

from sharing import api

# Under /api/v1/cases/<uuid:case_id>/
case_routes = [
    path("consents/", api.ConsentListApi.as_view(), name="case_consents"),
    path("shares/", api.ShareListApi.as_view(), name="case_shares"),
    path("shares/<uuid:share_id>/revoke/", api.ShareRevokeApi.as_view(), name="case_share_revoke"),
    path("shares/<uuid:share_id>/accesses/", api.ShareAccessesApi.as_view(), name="case_share_accesses"),
    path("overrides/", api.OverrideRequestApi.as_view(), name="case_override_request"),
    path(
        "overrides/<uuid:override_id>/approve/",
        api.OverrideDecideApi.as_view(approve=True),
        name="case_override_approve",
    ),
    path(
        "overrides/<uuid:override_id>/decline/",
        api.OverrideDecideApi.as_view(approve=False),
        name="case_override_decline",
    ),
    path("transfers/", api.TransferOfferApi.as_view(), name="case_transfer_offer"),
]

# Under /api/v1/
routes = [
    path("transfers/", api.TransferListApi.as_view(), name="transfers"),
    path("transfers/<uuid:transfer_id>/accept/", api.TransferDecideApi.as_view(accept=True), name="transfer_accept"),
    path("transfers/<uuid:transfer_id>/decline/", api.TransferDecideApi.as_view(accept=False), name="transfer_decline"),
    path("transfers/<uuid:transfer_id>/cancel/", api.TransferCancelApi.as_view(), name="transfer_cancel"),
    path("shared/", api.SharedCaseListApi.as_view(), name="shared_cases"),
]
