"""Sharing API: consent, shares, emergency overrides, transfers, and the cases shared with us.

Every case lookup goes through casehub.access (unknown or invisible cases are 404, visible ones
without the right 403); every write through sharing.services. A share or transfer the
survivor's consent does not cover is a 400 naming the missing part, and writes nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditEvent
from casehub import access
from casehub import services as case_services
from casehub.access import CaseAction
from casehub.grants import CaseTransfer
from casehub.models import Case
from casehub.pagination import CURSOR_PARAMETERS, CaseCursor, paginated_schema
from orgs import fieldgroups
from orgs.idempotency import idempotent
from orgs.models import Organization
from orgs.problems import MEDIA_TYPE, problem
from sharing import selectors, services
from sharing.access import override_for_user, share_for_user, transfer_for_user
from sharing.selectors import shared_case_rows
from sharing.serializers import (
    AccessOutput,
    ConsentInput,
    ConsentOutput,
    OverrideInput,
    OverrideOutput,
    RefusalOutput,
    SharedCaseOutput,
    ShareInput,
    ShareOutput,
    TransferInput,
    TransferOutput,
)

ACCESS_LIMIT = 200


# Helpers --------------------------------------------------------------------------------------


def _organization(organization_uuid, field: str) -> Organization:
    """The organization an input names by id, or a 400 naming the field."""
    organization = Organization.objects.filter(uuid=organization_uuid).first()
    if organization is None:
        raise serializers.ValidationError({field: [_("No such organization.")]})
    return organization


def _refusal(refused: services.ShareRefused) -> Response:
    body = problem(status.HTTP_400_BAD_REQUEST, "consent_refused", refused.messages[0], refused=refused.code)
    return Response(body, status=status.HTTP_400_BAD_REQUEST, content_type=MEDIA_TYPE)


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# Consent --------------------------------------------------------------------------------------


class ConsentListApi(APIView):
    @extend_schema(responses=ConsentOutput(many=True), summary="A case's consent records, newest first")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.CONSENT)
        return Response(ConsentOutput(selectors.case_consents(case), many=True).data)

    @extend_schema(
        request=ConsentInput, responses={201: ConsentOutput}, summary="Record the survivor's consent, or refusal"
    )
    @idempotent()
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.CONSENT)
        data = _input(ConsentInput, request)
        provisions = [
            {
                **provision,
                "recipient_organization": None
                if provision["recipient_organization"] is None
                else _organization(provision["recipient_organization"], "provisions"),
            }
            for provision in data.pop("provisions")
        ]
        consent = services.consent_record(case=case, by=request.user, provisions=provisions, **data)
        return Response(
            ConsentOutput(selectors.case_consents(case).get(pk=consent.pk)).data, status=status.HTTP_201_CREATED
        )


# Shares ---------------------------------------------------------------------------------------


class ShareListApi(APIView):
    @extend_schema(responses=ShareOutput(many=True), summary="Every share of a case, with its status")
    def get(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.SHARE)
        return Response(ShareOutput(selectors.shares_of(case), many=True).data)

    @extend_schema(
        request=ShareInput,
        responses={201: ShareOutput, 400: RefusalOutput},
        summary="Share a case within the survivor's consent",
    )
    @idempotent()
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.SHARE)
        data = _input(ShareInput, request)
        to_organization = _organization(data.pop("to_organization"), "to_organization")
        try:
            share = services.share_create(case=case, by=request.user, to_organization=to_organization, **data)
        except services.ShareRefused as refused:
            return _refusal(refused)
        return Response(ShareOutput(selectors.shares_of(case).get(pk=share.pk)).data, status=status.HTTP_201_CREATED)


class ShareRevokeApi(APIView):
    @extend_schema(request=None, responses=ShareOutput, summary="End a share now")
    def post(self, request, case_id, share_id):
        share = share_for_user(request.user, case_id, share_id)
        services.share_revoke(share=share, by=request.user)
        return Response(ShareOutput(selectors.shares_of(share.case).get(pk=share.pk)).data)


class ShareAccessesApi(APIView):
    @extend_schema(responses=AccessOutput(many=True), summary="The recipient's accesses to the case, newest first")
    def get(self, request, case_id, share_id):
        share = share_for_user(request.user, case_id, share_id)
        case = share.case
        events = (
            AuditEvent.objects.filter(
                target_type=Case._meta.label_lower,
                target_id=str(case.uuid),
                organization_id=share.to_organization_id,
                created_at__gte=share.created_at,
            )
            .select_related("actor")
            .order_by("-id")[:ACCESS_LIMIT]
        )
        return Response(AccessOutput(events, many=True).data)


# Emergency overrides --------------------------------------------------------------------------


class OverrideRequestApi(APIView):
    @extend_schema(
        request=OverrideInput, responses={201: OverrideOutput}, summary="Ask for emergency access without consent"
    )
    @idempotent()
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.SHARE)
        data = _input(OverrideInput, request)
        to_organization = _organization(data.pop("to_organization"), "to_organization")
        override = services.override_request(case=case, by=request.user, to_organization=to_organization, **data)
        return Response(OverrideOutput(override).data, status=status.HTTP_201_CREATED)


class OverrideDecideApi(APIView):
    approve = True

    @extend_schema(request=None, responses=OverrideOutput, summary="A second coordinator decides on emergency access")
    def post(self, request, case_id, override_id):
        override = override_for_user(request.user, case_id, override_id)
        override = services.override_decide(override=override, by=request.user, approve=self.approve)
        return Response(OverrideOutput(override).data)


# Transfers ------------------------------------------------------------------------------------


def _transfers():
    return CaseTransfer.objects.select_related("case", "from_organization", "to_organization", "offered_by")


def _transfer_output(transfer, user) -> dict:
    context = {"organization_id": user.membership.organization_id}
    return TransferOutput(_transfers().get(pk=transfer.pk), context=context).data


class TransferOfferApi(APIView):
    @extend_schema(
        request=TransferInput,
        responses={201: TransferOutput, 400: RefusalOutput},
        summary="Offer the case to another organization",
    )
    @idempotent()
    def post(self, request, case_id):
        case = access.case_for_user(request.user, case_id, action=CaseAction.TRANSFER)
        data = _input(TransferInput, request)
        to_organization = _organization(data["to_organization"], "to_organization")
        try:
            transfer = services.transfer_offer(
                case=case, by=request.user, to_organization=to_organization, message=data["message"]
            )
        except services.ShareRefused as refused:
            return _refusal(refused)
        return Response(_transfer_output(transfer, request.user), status=status.HTTP_201_CREATED)


class ByOffered(CursorPagination):
    ordering = ("-offered_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class TransferListApi(ListAPIView):
    """Transfers offered to or by the caller's organization."""

    serializer_class = TransferOutput
    pagination_class = ByOffered
    queryset = CaseTransfer.objects.none()

    @extend_schema(summary="Transfers to and from my organization, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if not access.may_create_cases(request.user):
            raise PermissionDenied
        organization_id = request.user.membership.organization_id
        transfers = _transfers().filter(Q(from_organization_id=organization_id) | Q(to_organization_id=organization_id))
        page = self.paginate_queryset(transfers)
        context = {"organization_id": organization_id}
        return self.get_paginated_response(TransferOutput(page, many=True, context=context).data)


class TransferDecideApi(APIView):
    accept = True

    @extend_schema(request=None, responses=TransferOutput, summary="The receiving coordinator answers a transfer")
    def post(self, request, transfer_id):
        transfer = transfer_for_user(request.user, transfer_id, incoming=True)
        transfer = services.transfer_decide(transfer=transfer, by=request.user, accept=self.accept)
        return Response(_transfer_output(transfer, request.user))


class TransferCancelApi(APIView):
    @extend_schema(request=None, responses=TransferOutput, summary="Withdraw a transfer offer not yet answered")
    def post(self, request, transfer_id):
        transfer = transfer_for_user(request.user, transfer_id, incoming=False)
        transfer = services.transfer_cancel(transfer=transfer, by=request.user)
        return Response(_transfer_output(transfer, request.user))


# Shared with us -------------------------------------------------------------------------------


class SharedCaseListApi(APIView):
    """Other organizations' cases shared with the caller's: only the fields of each share's scope."""

    @extend_schema(
        parameters=CURSOR_PARAMETERS,
        responses=paginated_schema(SharedCaseOutput(many=True)),
        operation_id="v1_shared_list",
        summary="Cases shared with my organization, with what each share covers",
    )
    def get(self, request):
        user = request.user
        pager = CaseCursor(request)
        page, next_link = pager.page(access.cases_for_user(user, scope=access.Scope.SHARED))
        # case_shared_rows audits the listing of names and coded details; the details that come
        # with each case here are audited as a view of the case's groups.
        listed = shared_case_rows(user, page, shows=fieldgroups.ALL)
        items = [
            {
                "case": row.case,
                "share": share,
                "groups": sorted(row.access.groups),
                "details": case_services.survivor_details(row.case, row.access.groups),
            }
            for row, share in listed
        ]
        return pager.response(SharedCaseOutput(items, many=True).data, next_link)
