"""/api/v1/referrals/: needs, referrals, actions, the thread, queues, figures and status for integrations.

One view per operation, explicit input and output serializers; every write goes through
referrals.workflow, every read through referrals.access or the selectors, so the API
answers exactly as the pages do. Status carries ours and the FHIR R4 Task.status beside it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from casehub.access import CaseAction, case_for_user
from directory.models import Gender, Service
from orgs.access import member_role
from orgs.api_location import location_of
from orgs.idempotency import idempotent
from orgs.models import Role, User
from referrals.access import (
    OFFER_FIELDS,
    WORKING_ROLES,
    need_for_user,
    referral_for_user,
    referral_reveals,
    referral_roles,
    referral_thread_for_user,
)
from referrals.models import Referral, SafetyFlag, Urgency
from referrals.selectors import incoming_queue, network_figures, outgoing_queue, queue_roles
from referrals.transitions import ACTIONS, actions_for
from referrals.workflow import (
    need_create,
    referral_act,
    referral_assign,
    referral_create,
    referral_message_add,
)


class NeedInput(serializers.Serializer):
    kind = serializers.CharField(max_length=100)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    language = serializers.CharField(required=False, allow_blank=True, default="", max_length=3)
    provider_gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True, default="")
    safety_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=SafetyFlag.choices), required=False, default=list
    )
    region = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100, help_text="Where help is needed: a region"
    )
    country = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2,
        help_text="Where help is needed: an ISO 3166 code (default: the organization's country)",
    )


class NeedOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    kind = serializers.CharField()
    urgency = serializers.CharField()
    language = serializers.CharField()
    provider_gender = serializers.CharField()
    safety_flags = serializers.ListField(child=serializers.CharField())
    region = serializers.CharField()
    country = serializers.CharField()
    status = serializers.CharField()


class ReferralStatusOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    reference = serializers.CharField()
    state = serializers.CharField()
    fhir_status = serializers.CharField()
    outcome = serializers.CharField()
    outcome_review = serializers.CharField()
    reason = serializers.CharField(source="reason_code")
    due_at = serializers.DateTimeField(allow_null=True)
    state_changed_at = serializers.DateTimeField()


class ReferralOutput(ReferralStatusOutput):
    """The offer tier and the referral's state: what both organizations may read."""

    from_organization = serializers.UUIDField(source="from_organization.uuid")
    to_organization = serializers.UUIDField(source="to_organization.uuid")
    service = serializers.UUIDField(source="service_id")
    need_kind = serializers.CharField()
    urgency = serializers.CharField()
    constraints = serializers.JSONField()
    age_band = serializers.CharField()
    gender = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    region = serializers.CharField()
    deadline_step = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    assigned_to = serializers.UUIDField(source="assigned_to.uuid", allow_null=True, default=None)
    # The service the receiver suggested on redirecting: the sender refers there through
    # referrals/create/ with this id as "service" (a new attempt, consent-checked on sending).
    redirected_to = serializers.UUIDField(source="redirected_to_id", allow_null=True)
    actions = serializers.SerializerMethodField()

    def get_actions(self, referral) -> list[str]:
        roles = self.context.get("roles", {}).get(referral.pk)  # a queue page's, checked at once
        if roles is None:
            roles = referral_roles(self.context["request"].user, referral)
        return actions_for(referral.state, roles)

    def to_representation(self, referral):
        data = super().to_representation(referral)
        if not referral.reveals:  # the survivor's consent no longer lets the receiver read it
            for name in OFFER_FIELDS:
                del data[name]
        return data


class ReferralCreateInput(serializers.Serializer):
    need = serializers.UUIDField()
    service = serializers.UUIDField()
    send = serializers.BooleanField(default=True)


class ActInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, a) for a in ACTIONS])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    outcome = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    assignee = serializers.UUIDField(required=False, allow_null=True, default=None)
    redirect_to = serializers.UUIDField(required=False, allow_null=True, default=None)


class AssignInput(serializers.Serializer):
    assignee = serializers.UUIDField()


class EventOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField(source="reason_code")
    note = serializers.CharField(allow_null=True)
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    organization = serializers.UUIDField(source="actor_organization.uuid", allow_null=True, default=None)
    at = serializers.DateTimeField()


class MessageInput(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class MessageOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    body = serializers.CharField()
    author = serializers.CharField(source="author.username")
    organization = serializers.UUIDField(source="organization.uuid")
    created_at = serializers.DateTimeField()


QUEUE_PAGE = 25  # as on the queue pages


def _working(user) -> None:
    if member_role(user) not in WORKING_ROLES:
        raise PermissionDenied


def _referral_data(referral, request, code=status.HTTP_200_OK, headers=None) -> Response:
    referral = Referral.objects.select_related("from_organization", "to_organization", "assigned_to", "consent").get(
        pk=referral.pk
    )
    referral.reveals = referral_reveals(request.user, referral)
    return Response(ReferralOutput(referral, context={"request": request}).data, status=code, headers=headers)


class NeedCreateApi(APIView):
    @extend_schema(request=NeedInput, responses={201: NeedOutput}, summary="Record a service need of a case")
    @idempotent()
    def post(self, request, case_id):
        case = case_for_user(request.user, case_id, action=CaseAction.EDIT)
        data = NeedInput(data=request.data)
        data.is_valid(raise_exception=True)
        need = need_create(case=case, by=request.user, **data.validated_data)
        return Response(NeedOutput(need).data, status=status.HTTP_201_CREATED)


class ReferralCreateApi(APIView):
    @extend_schema(
        request=ReferralCreateInput,
        responses={201: ReferralOutput},
        summary="Refer a need to a service (and send it, or wait for consent)",
    )
    @idempotent()
    def post(self, request):
        _working(request.user)
        data = ReferralCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        need = need_for_user(request.user, data.validated_data["need"])
        try:
            service = Service.objects.get(pk=data.validated_data["service"])
        except Service.DoesNotExist:
            raise Http404 from None
        referral = referral_create(need=need, service=service, by=request.user)
        if data.validated_data["send"]:
            referral = referral_act(referral=referral, by=request.user, action="send")
        headers = location_of(request, "api:referral", referral_id=referral.uuid)
        return _referral_data(referral, request, status.HTTP_201_CREATED, headers)


class ReferralDetailApi(APIView):
    @extend_schema(responses=ReferralOutput, summary="A referral's offer tier, state and the actions open to you")
    def get(self, request, referral_id):
        return _referral_data(referral_for_user(request.user, referral_id), request)


class ReferralStatusApi(APIView):
    @extend_schema(responses=ReferralStatusOutput, summary="A referral's status: ours and the FHIR Task status")
    def get(self, request, referral_id):
        return Response(ReferralStatusOutput(referral_for_user(request.user, referral_id)).data)


class ReferralActApi(APIView):
    @extend_schema(request=ActInput, responses=ReferralOutput, summary="Take an action on a referral")
    def post(self, request, referral_id):
        referral = referral_for_user(request.user, referral_id)
        data = ActInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        assignee_id = fields.pop("assignee")
        assignee = None
        if assignee_id is not None:
            assignee = User.objects.filter(uuid=assignee_id).first()
            if assignee is None:
                raise ValidationError({"assignee": ["Unknown person."]})
        redirect_id = fields.pop("redirect_to")
        redirect_to = None
        if redirect_id is not None:
            redirect_to = Service.objects.filter(pk=redirect_id).first()
            if redirect_to is None:
                raise ValidationError({"redirect_to": ["Unknown service."]})
        referral = referral_act(
            referral=referral, by=request.user, assignee=assignee, redirect_to=redirect_to, **fields
        )
        return _referral_data(referral, request)


class ReferralAssignApi(APIView):
    @extend_schema(request=AssignInput, responses=ReferralOutput, summary="Hand accepted work to another caseworker")
    def post(self, request, referral_id):
        referral = referral_for_user(request.user, referral_id)
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = User.objects.filter(uuid=data.validated_data["assignee"]).first()
        if assignee is None:
            raise ValidationError({"assignee": ["Unknown person."]})
        referral = referral_assign(referral=referral, by=request.user, assignee=assignee)
        return _referral_data(referral, request)


class ReferralEventsApi(APIView):
    @extend_schema(responses=EventOutput(many=True), summary="A referral's timeline")
    def get(self, request, referral_id):
        referral = referral_for_user(request.user, referral_id)
        events = list(referral.events.select_related("case", "actor", "actor_organization"))
        if not referral.reveals:
            for event in events:
                event.note = None  # notes are the conversation's, closed with the consent
        return Response(EventOutput(events, many=True).data)


class ReferralMessagesApi(APIView):
    @extend_schema(responses=MessageOutput(many=True), summary="A referral's conversation")
    def get(self, request, referral_id):
        referral = referral_thread_for_user(request.user, referral_id)
        thread = referral.messages.select_related("case", "author", "organization")
        return Response(MessageOutput(thread, many=True).data)


class ReferralMessageCreateApi(APIView):
    @extend_schema(request=MessageInput, responses={201: MessageOutput}, summary="Write to the other organization")
    @idempotent()
    def post(self, request, referral_id):
        referral = referral_thread_for_user(request.user, referral_id)
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = referral_message_add(referral=referral, by=request.user, body=data.validated_data["body"])
        return Response(MessageOutput(message).data, status=status.HTTP_201_CREATED)


class IncomingApi(APIView):
    @extend_schema(responses=ReferralOutput(many=True), summary="Open referrals to your organization, overdue first")
    def get(self, request):
        _working(request.user)
        rows = incoming_queue(request.user, limit=QUEUE_PAGE)
        return Response(ReferralOutput(rows, many=True, context={"request": request}).data)


class OutgoingApi(APIView):
    @extend_schema(responses=ReferralOutput(many=True), summary="Open referrals your organization sent, overdue first")
    def get(self, request):
        _working(request.user)
        rows = outgoing_queue(request.user, limit=QUEUE_PAGE)
        roles = queue_roles(request.user, rows)
        return Response(ReferralOutput(rows, many=True, context={"request": request, "roles": roles}).data)


class FiguresOutput(serializers.Serializer):
    answered = serializers.IntegerField()
    acceptance_rate = serializers.IntegerField(allow_null=True)
    median_hours_to_answer = serializers.FloatField(allow_null=True)
    outcomes = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    declines = serializers.DictField(child=serializers.IntegerField())


class FiguresApi(APIView):
    @extend_schema(responses=FiguresOutput, summary="The network's referral figures")
    def get(self, request):
        # The network's figures are for the coordinators who watch referrals, as on the page.
        if member_role(request.user) != Role.COORDINATOR:
            raise PermissionDenied
        return Response(FiguresOutput(network_figures()).data)
