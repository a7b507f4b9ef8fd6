"""The case API's input and output serializers: explicit shapes, shared with the sharing API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casehub import coding
from casehub.models import AttachmentKind, CaseStatus, IdentityDocumentKind, RiskLevel

COUNTRY = r"^[A-Z]{2}$"
LANGUAGE = r"^[a-z]{2,3}$"


def _codes(choices, **kwargs):
    return serializers.ListField(child=serializers.ChoiceField(choices), max_length=len(choices), **kwargs)


# Input ----------------------------------------------------------------------------------------


class IdentityDocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(IdentityDocumentKind.choices)
    number = serializers.CharField(max_length=100)


class ContactInstructionsSerializer(serializers.Serializer):
    do_not_contact_directly = serializers.BooleanField(default=False)
    contact_only_through = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    safe_times = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    safe_channels = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class CaseInput(serializers.Serializer):
    """Survivor and coded details of a case; on update, only the fields sent change."""

    legal_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    preferred_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), max_length=20, required=False)
    phones = serializers.ListField(child=serializers.CharField(max_length=40), max_length=10, required=False)
    identity_documents = serializers.ListField(child=IdentityDocumentSerializer(), max_length=10, required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, allow_null=True)
    current_address = serializers.CharField(max_length=2000, required=False, allow_blank=True, allow_null=True)
    narrative = serializers.CharField(max_length=50000, required=False, allow_blank=True, allow_null=True)
    safety_plan = serializers.CharField(max_length=20000, required=False, allow_blank=True, allow_null=True)
    contact_instructions = ContactInstructionsSerializer(required=False, allow_null=True)
    gender = serializers.ChoiceField(coding.Gender.choices, required=False, allow_blank=True)
    age_band = serializers.ChoiceField(coding.AgeBand.choices, required=False)
    citizenship = serializers.ListField(child=serializers.RegexField(COUNTRY), max_length=10, required=False)
    primary_language = serializers.RegexField(LANGUAGE, required=False, allow_blank=True)
    other_languages = serializers.ListField(child=serializers.RegexField(LANGUAGE), max_length=20, required=False)
    exploitation_types = _codes(coding.ExploitationType.choices, required=False)
    sexual_exploitation_types = _codes(coding.SexualExploitationType.choices, required=False)
    forced_labour_industry = serializers.ChoiceField(
        coding.ForcedLabourIndustry.choices, required=False, allow_blank=True
    )
    recruitment_methods = _codes(coding.RecruitmentMethod.choices, required=False)
    recruitment_websites = _codes(coding.WebsiteOrApp.choices, required=False)
    control_methods = _codes(coding.ControlMethod.choices, required=False)
    vulnerabilities = _codes(coding.Vulnerability.choices, required=False)
    trafficking_status = serializers.ChoiceField(coding.TraffickingStatus.choices, required=False, allow_blank=True)
    identified_country = serializers.RegexField(COUNTRY, required=False, allow_blank=True)
    identified_region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    needs = _codes(coding.Need.choices, required=False)
    risk_level = serializers.ChoiceField(RiskLevel.choices, required=False)


class CaseWriteInput(CaseInput):
    """A case's details and the partner's own reference for it (blank for none)."""

    external_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


SCOPES = [
    ("all", "Every case I may open"),
    ("organization", "My organization's cases"),
    ("assigned", "Cases assigned to me"),
    ("shared", "Other organizations' cases shared with mine"),
]


class CaseFilterInput(serializers.Serializer):
    scope = serializers.ChoiceField(SCOPES, required=False, default="all")
    status = serializers.ChoiceField(CaseStatus.choices, required=False)
    risk = serializers.ChoiceField(RiskLevel.choices, required=False)
    needs = serializers.ChoiceField(coding.Need.choices, required=False, help_text="Cases with this need")
    exploitation_type = serializers.ChoiceField(coding.ExploitationType.choices, required=False)
    assigned = serializers.UUIDField(required=False, help_text="Cases assigned to this user (id)")
    external_reference = serializers.CharField(
        max_length=100, required=False, help_text="The organization's case with this external reference"
    )


class CaseSearchInput(serializers.Serializer):
    """Sent in the body, never the URL: names and numbers must not reach access logs. Every
    criterion given must match; ``text`` matches any kind, as the search box on the case list."""

    text = serializers.CharField(
        max_length=200, required=False, help_text="A name, phone number, e-mail, document or case number"
    )
    name = serializers.CharField(
        max_length=200,
        required=False,
        help_text="Words of a legal or preferred name or alias, each found by spelling or by sound, in any order",
    )
    phone = serializers.CharField(
        max_length=40, required=False, help_text="A phone number, with or without the country code"
    )
    document = serializers.CharField(max_length=100, required=False, help_text="An identity document number")
    email = serializers.CharField(max_length=254, required=False, help_text="An e-mail address")
    case_number = serializers.CharField(max_length=32, required=False, help_text="A case number, as SHL-2026-0004")

    KINDS = ("text", "name", "phone", "document", "email", "case_number")

    def validate(self, data):
        if not any(data.get(key, "").strip() for key in self.KINDS):
            raise serializers.ValidationError(
                _("Give a name, a phone number, an e-mail address, a document number or a case number.")
            )
        return data


SEARCH_LIMIT = 100


class NoteInput(serializers.Serializer):
    body = serializers.CharField(max_length=50000)


class TaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    assignee = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="A member (user id)")


class TaskUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    done = serializers.BooleanField(required=False)
    due_on = serializers.DateField(required=False, allow_null=True)
    assignee = serializers.UUIDField(required=False, allow_null=True, help_text="A member (user id), or null")


class DocumentInput(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(AttachmentKind.choices, default=AttachmentKind.OTHER)
    description = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


# Output ---------------------------------------------------------------------------------------


class PersonOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    username = serializers.CharField()


class CodedOutput(serializers.Serializer):
    gender = serializers.CharField()
    age_band = serializers.CharField()
    citizenship = serializers.ListField(child=serializers.CharField())
    primary_language = serializers.CharField()
    other_languages = serializers.ListField(child=serializers.CharField())
    exploitation_types = serializers.ListField(child=serializers.CharField())
    sexual_exploitation_types = serializers.ListField(child=serializers.CharField())
    forced_labour_industry = serializers.CharField()
    recruitment_methods = serializers.ListField(child=serializers.CharField())
    recruitment_websites = serializers.ListField(child=serializers.CharField())
    control_methods = serializers.ListField(child=serializers.CharField())
    vulnerabilities = serializers.ListField(child=serializers.CharField())
    trafficking_status = serializers.CharField()
    identified_country = serializers.CharField()
    identified_region = serializers.CharField()
    needs = serializers.ListField(child=serializers.CharField())


class CaseListOutput(CodedOutput):
    """A case in a list (a casehub.selectors.CaseRow): the display name only with the identity
    group, risk and coded fields only with case details (a shared case shows what its share
    covers, within what the caller's own organization lets their role see)."""

    id = serializers.UUIDField(source="case.uuid")
    case_number = serializers.CharField(source="case.case_number")
    external_reference = serializers.CharField(
        allow_null=True, help_text="The partner's own id for the case; null on another organization's case"
    )
    status = serializers.CharField(source="case.status")
    risk_level = serializers.CharField(source="case.risk_level")
    shared = serializers.BooleanField(help_text="Another organization's case, shared with mine")
    display_name = serializers.CharField(source="name")

    # The fields above document the shape (OpenAPI); a page of rows is written out directly, as
    # the fields would write it: plain strings and lists of codes, without the per-field work.
    CODED = tuple(CodedOutput._declared_fields)

    def to_representation(self, row):
        # Names are decrypted only for rows with identity (CaseRow.name is None otherwise) and coded
        # fields are plain columns, so leaving the keys out here leaves nothing out of scope behind.
        case = row.case
        data = {"id": str(case.uuid), "case_number": case.case_number, "status": case.status}
        if row.coded:
            data["risk_level"] = case.risk_level
            data.update((name, getattr(case, name)) for name in self.CODED)
        data["shared"] = row.shared
        data["external_reference"] = None if row.shared else case.external_reference
        if row.name is not None:
            data["display_name"] = row.name
        return data


class PresentOnly(serializers.Serializer):
    """Serializes the keys the given dict has, and no others: absent groups leave no trace."""

    def to_representation(self, instance):
        return {
            name: None if instance[name] is None else field.to_representation(instance[name])
            for name, field in self.fields.items()
            if name in instance
        }


class DetailsOutput(PresentOnly, CodedOutput, CaseInput):
    """The survivor details the caller's field groups cover; fields of other groups are absent."""

    identity_documents = serializers.ListField(child=IdentityDocumentSerializer(), required=False)
    contact_instructions = ContactInstructionsSerializer(required=False)
    risk_level = serializers.CharField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class CaseOutput(serializers.Serializer):
    id = serializers.UUIDField(source="case.uuid")
    case_number = serializers.CharField(source="case.case_number")
    external_reference = serializers.CharField(
        allow_null=True, help_text="The partner's own id for the case; null on another organization's case"
    )
    status = serializers.CharField(source="case.status")
    risk_level = serializers.CharField(source="case.risk_level")
    restricted = serializers.BooleanField(source="case.restricted")
    created_at = serializers.DateTimeField(source="case.created_at")
    updated_at = serializers.DateTimeField(source="case.updated_at")
    closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
    assigned_caseworkers = PersonOutput(many=True, source="assigned")
    field_groups = serializers.ListField(child=serializers.CharField(), source="groups")
    details = DetailsOutput()


class RevisionOutput(serializers.Serializer):
    body = serializers.CharField()
    written_by = PersonOutput()
    written_at = serializers.DateTimeField()


class NoteOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    author = PersonOutput()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class NoteDetailOutput(NoteOutput):
    revisions = RevisionOutput(many=True, source="revisions.all")


class TaskOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    assignee = PersonOutput(allow_null=True)
    created_by = PersonOutput()
    created_at = serializers.DateTimeField()
    done = serializers.SerializerMethodField()
    done_at = serializers.DateTimeField(allow_null=True)

    def get_done(self, task) -> bool:
        return task.done_at is not None


class DocumentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    kind = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_by = PersonOutput()
    uploaded_at = serializers.DateTimeField()
