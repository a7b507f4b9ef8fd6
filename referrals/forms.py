"""Forms of the referral pages; the services re-check everything they are given."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory import taxonomy
from directory.models import Gender, TaxonomyTerm
from orgs import codes
from referrals.models import DeclineReason, Outcome, SafetyFlag, Urgency


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service needed"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    reason = forms.CharField(
        label=_("Why (kept in the case, never sent with the referral)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    language = codes.language_field(_("Language needed"), blank=_("Any"))
    provider_gender = forms.ChoiceField(
        label=_("Provider gender"), choices=[("", _("Any"))] + list(Gender.choices), required=False
    )
    safety_flags = forms.MultipleChoiceField(
        label=_("Safety flags"), choices=SafetyFlag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    region = forms.CharField(
        label=_("Region where help is needed"),
        required=False,
        max_length=100,
        help_text=_("A state or region, never an address. Leave empty to look in the whole country."),
    )
    country = codes.country_field(_("Country where help is needed"), blank=_("Your organization's country"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = TaxonomyTerm.objects.values_list("code", flat=True)
        self.fields["kind"].choices = [(code, taxonomy.label(code)) for code in codes if code in taxonomy.LABELS]


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FailForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why it failed"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
