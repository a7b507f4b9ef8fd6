"""Forms of the sharing pages: consent, share, emergency access, transfer."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casehub.grants import ConsentDecision, ConsentMethod, LegalBasis, Purpose
from directory.models import TaxonomyTerm
from orgs import fieldgroups
from orgs.models import Organization, OrganizationStatus


def recipients(own) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(status=OrganizationStatus.VETTED).exclude(pk=own.pk).order_by("name"),
        to_field_name="uuid",
    )


def field_groups_field(**kwargs) -> forms.MultipleChoiceField:
    """The parts of a case, each named with what it holds (contact does not hold the safety plan)."""
    return forms.MultipleChoiceField(
        label=_("Parts of the case"),
        choices=fieldgroups.choices(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "long"}),
        **kwargs,
    )


class ConsentForm(forms.Form):
    """One consent conversation; one provision per submission (record another for more)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=ConsentDecision.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("How it was given"), choices=ConsentMethod.choices)
    interpreter_language = forms.CharField(
        label=_("Interpreter's language"),
        max_length=3,
        required=False,
        help_text=_("When through an interpreter: the language code, for example es or fr."),
    )
    witness = forms.CharField(label=_("Witness"), max_length=200, required=False, help_text=_("When given verbally."))
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    recipient_organization = forms.ModelChoiceField(
        label=_("Recipient organization"), queryset=Organization.objects.none(), required=False, to_field_name="uuid"
    )
    recipient_service_kind = forms.ChoiceField(label=_("Or any vetted provider of"), required=False)
    field_groups = field_groups_field(required=False)
    purposes = forms.MultipleChoiceField(
        label=_("Purposes"), choices=Purpose.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    signed_form = forms.FileField(label=_("Signed form (PDF or image)"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, prefix="consent", **kwargs)
        self.fields["recipient_organization"].queryset = (
            Organization.objects.filter(status=OrganizationStatus.VETTED).exclude(pk=organization.pk).order_by("name")
        )
        self.fields["recipient_service_kind"].choices = [("", "—")] + [
            (code, name) for code, name in TaxonomyTerm.objects.order_by("code").values_list("code", "name")
        ]

    def valid_until_at(self):
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.max))

    def provisions(self) -> list[dict]:
        data = self.cleaned_data
        if data["decision"] != ConsentDecision.GRANTED:
            return []
        return [
            {
                "recipient_organization": data.get("recipient_organization"),
                "recipient_service_kind": data.get("recipient_service_kind") or "",
                "field_groups": data.get("field_groups") or [],
                "purposes": data.get("purposes") or [],
            }
        ]


class ShareForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Share with"), queryset=Organization.objects.none(), to_field_name="uuid"
    )
    field_groups = field_groups_field()
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    days = forms.IntegerField(label=_("For how many days"), min_value=1)
    message = forms.CharField(
        label=_("Message to the recipient"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("No names or personal details."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, prefix="share", **kwargs)
        self.fields["to_organization"].queryset = recipients(organization).queryset
        self.fields["days"].widget.attrs["max"] = settings.CASEHUB_SHARE_MAX_DAYS
        self.fields["days"].validators.append(MaxValueValidator(settings.CASEHUB_SHARE_MAX_DAYS))
        self.fields["days"].initial = min(settings.CASEHUB_SHARE_DEFAULT_DAYS, settings.CASEHUB_SHARE_MAX_DAYS)


class OverrideForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Organization that needs access"), queryset=Organization.objects.none(), to_field_name="uuid"
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    reason = forms.CharField(
        label=_("Why someone is in danger now"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Explain the danger in a few sentences. No names."),
    )
    field_groups = field_groups_field()
    hours = forms.IntegerField(label=_("For how many hours"), min_value=1)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, prefix="override", **kwargs)
        self.fields["to_organization"].queryset = recipients(organization).queryset
        limit = settings.CASEHUB_OVERRIDE_MAX_HOURS
        self.fields["hours"].validators.append(MaxValueValidator(limit))
        self.fields["hours"].widget.attrs["max"] = limit
        self.fields["hours"].initial = min(24, limit)


class TransferForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Hand the case to"), queryset=Organization.objects.none(), to_field_name="uuid"
    )
    message = forms.CharField(
        label=_("Message to the receiving organization"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("No names or personal details."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, prefix="transfer", **kwargs)
        self.fields["to_organization"].queryset = recipients(organization).queryset
