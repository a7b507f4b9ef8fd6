"""Input and output of the sharing API: explicit, one pair per operation."""

from django.conf import settings
from rest_framework import serializers

from casehub.grants import ConsentDecision, ConsentMethod, FieldGroup, LegalBasis, Purpose
from casehub.serializers import DetailsOutput, PersonOutput


def _choices(choices_class, **kwargs):
    return serializers.ListField(
        child=serializers.ChoiceField(choices_class.choices), max_length=len(choices_class.choices), **kwargs
    )


# Input ----------------------------------------------------------------------------------------


class ProvisionInput(serializers.Serializer):
    recipient_organization = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="A vetted organization (id)"
    )
    recipient_service_kind = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True, help_text="Or a service kind code"
    )
    field_groups = _choices(FieldGroup, min_length=1)
    purposes = _choices(Purpose, min_length=1)


class ConsentInput(serializers.Serializer):
    decision = serializers.ChoiceField(ConsentDecision.choices)
    method = serializers.ChoiceField(ConsentMethod.choices)
    interpreter_language = serializers.RegexField(r"^[a-z]{2,3}$", required=False, default="", allow_blank=True)
    witness = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    notes = serializers.CharField(max_length=20000, required=False, default="", allow_blank=True)
    valid_from = serializers.DateTimeField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)
    provisions = ProvisionInput(many=True, required=False, default=list, max_length=50)


class ShareInput(serializers.Serializer):
    to_organization = serializers.UUIDField(help_text="The receiving organization (id)")
    field_groups = _choices(FieldGroup, min_length=1)
    purpose = serializers.ChoiceField(Purpose.choices)
    days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=f"Days until the share ends (default {settings.CASEHUB_SHARE_DEFAULT_DAYS})",
    )
    message = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


class OverrideInput(serializers.Serializer):
    to_organization = serializers.UUIDField()
    legal_basis = serializers.ChoiceField(LegalBasis.choices)
    reason = serializers.CharField(max_length=5000)
    field_groups = _choices(FieldGroup, min_length=1)
    hours = serializers.IntegerField()


class TransferInput(serializers.Serializer):
    to_organization = serializers.UUIDField()
    message = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


# Output ---------------------------------------------------------------------------------------


class OrganizationRefOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()


class ProvisionOutput(serializers.Serializer):
    recipient_organization = OrganizationRefOutput(allow_null=True)
    recipient_service_kind = serializers.CharField()
    field_groups = serializers.ListField(child=serializers.CharField())
    purposes = serializers.ListField(child=serializers.CharField())


class ConsentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    decision = serializers.CharField()
    method = serializers.CharField()
    interpreter_language = serializers.CharField()
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField(allow_null=True)
    recorded_by = PersonOutput()
    recorded_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_by = PersonOutput(allow_null=True)
    active = serializers.SerializerMethodField()
    provisions = ProvisionOutput(many=True, source="provisions.all")

    def get_active(self, consent) -> bool:
        return consent.is_active()


class ShareOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    status = serializers.CharField()
    to_organization = OrganizationRefOutput()
    field_groups = serializers.ListField(child=serializers.CharField())
    purpose = serializers.CharField()
    emergency = serializers.SerializerMethodField(help_text="Backed by an emergency override, not consent")
    created_by = PersonOutput()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(
        help_text="When access ends: the share's expiry or, if earlier, its consent's end"
    )
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()

    def get_emergency(self, share) -> bool:
        return share.override_id is not None


class AccessOutput(serializers.Serializer):
    actor = serializers.CharField(source="actor.username", allow_null=True)
    at = serializers.DateTimeField(source="created_at")
    action = serializers.CharField()
    field_groups = serializers.SerializerMethodField()

    def get_field_groups(self, event) -> list[str]:
        return list(event.details.get("groups", []))


class OverrideOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    status = serializers.CharField()
    to_organization = OrganizationRefOutput()
    legal_basis = serializers.CharField()
    field_groups = serializers.ListField(child=serializers.CharField())
    hours = serializers.IntegerField()
    requested_by = PersonOutput()
    requested_at = serializers.DateTimeField()
    decided_by = PersonOutput(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class TransferOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    case = serializers.UUIDField(source="case.uuid")
    status = serializers.CharField()
    direction = serializers.SerializerMethodField()
    from_organization = OrganizationRefOutput()
    to_organization = OrganizationRefOutput()
    offered_by = PersonOutput()
    offered_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_direction(self, transfer) -> str:
        return "incoming" if transfer.to_organization_id == self.context["organization_id"] else "outgoing"


class SharedCaseOutput(serializers.Serializer):
    """A case shared with the caller's organization: the share's terms and the scoped fields only."""

    id = serializers.UUIDField(source="case.uuid")
    case_number = serializers.CharField(source="case.case_number")
    status = serializers.CharField(source="case.status")
    owner_organization = OrganizationRefOutput(source="share.from_organization")
    purpose = serializers.CharField(source="share.purpose")
    field_groups = serializers.ListField(child=serializers.CharField(), source="groups")
    expires_at = serializers.DateTimeField(
        source="share.ends_at", help_text="When access ends: the share's end or, if earlier, its consent's"
    )
    details = DetailsOutput()


class RefusalOutput(serializers.Serializer):
    """A problem (RFC 9457) with the code consent_refused, naming what consent does not cover."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField()
    refused = serializers.ChoiceField(
        ["recipient", "purpose", "field_groups"],
        help_text="Which part of the request the survivor's consent does not cover",
    )
    detail = serializers.CharField()
