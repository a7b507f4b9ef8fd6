"""Forms of the case pages: they parse and validate at the edge; casehub.services does the writing."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casehub import coding
from casehub.models import AttachmentKind, CaseStatus, ErasureReason, IdentityDocumentKind, RiskLevel
from casehub.services import DETAIL_GROUP
from orgs import codes, fieldgroups
from orgs.models import Role, User

BLANK = [("", "—")]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _checkboxes(choices_class, label):
    return forms.MultipleChoiceField(
        label=label, choices=choices_class.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def case_workers(organization):
    """Active caseworkers and coordinators of the organization (who can be assigned)."""
    return (
        User.objects.filter(
            memberships__organization=organization,
            memberships__is_active=True,
            memberships__role__in=[Role.CASEWORKER, Role.COORDINATOR],
        )
        .distinct()
        .order_by("username")
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.username


class WorkersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.username


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone, e-mail, document or case number"),
        required=False,
        max_length=200,
        help_text=_(
            "Any of the survivor's names, in any order, found also by how they sound; "
            "accents, capitals and phone formatting do not matter."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=BLANK + CaseStatus.choices, required=False)
    risk = forms.ChoiceField(label=_("Risk"), choices=BLANK + RiskLevel.choices, required=False)
    need = forms.ChoiceField(label=_("Need"), choices=BLANK + coding.Need.choices, required=False)
    exploitation = forms.ChoiceField(
        label=_("Exploitation"), choices=BLANK + coding.ExploitationType.choices, required=False
    )
    worker = WorkerChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("updated", _("Last updated")),
            ("created", _("Newest")),
            ("number", _("Case number")),
            ("risk", _("Highest risk")),
        ],
        required=False,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = case_workers(organization)

    def to_filters(self) -> dict:
        """The filters of casehub.selectors.case_list (none when the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"],
            "risk": data["risk"],
            "need": data["need"],
            "exploitation_type": data["exploitation"],
            "assigned": data["worker"].uuid if data["worker"] else None,
            "sort": data["sort"],
        }


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone, e-mail or document number"),
        max_length=200,
        help_text=_("Search first, so that a survivor already known is not registered twice."),
    )


class IntakeForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    preferred_name = forms.CharField(label=_("Preferred name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=BLANK + coding.Gender.choices, required=False)
    age_band = forms.ChoiceField(label=_("Age"), choices=coding.AgeBand.choices, initial=coding.AgeBand.UNKNOWN)
    primary_language = codes.language_field(_("Primary language"))
    risk_level = forms.ChoiceField(label=_("Risk"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM)
    needs = _checkboxes(coding.Need, _("Needs"))
    do_not_contact_directly = forms.BooleanField(label=_("Do not contact directly"), required=False)

    # The field group of each intake field: a field of a group hidden from the user's role is not offered.
    GROUP_OF = {
        "legal_name": fieldgroups.IDENTITY,
        "preferred_name": fieldgroups.IDENTITY,
        "phone": fieldgroups.CONTACT,
        "do_not_contact_directly": fieldgroups.SAFETY,
        **dict.fromkeys(("gender", "age_band", "primary_language", "risk_level", "needs"), fieldgroups.CASE_DETAILS),
    }

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if self.GROUP_OF[name] not in groups:
                del self.fields[name]

    @staticmethod
    def initial_from_search(query: str) -> dict:
        """What a search that found nothing already says: a phone number, or else a name."""
        digits = sum(c.isdigit() for c in query)
        return {"phone": query} if digits >= 6 and digits * 2 > len(query.replace(" ", "")) else {"legal_name": query}

    def clean(self):
        data = super().clean()
        names = [(data.get(name) or "").strip() for name in ("legal_name", "preferred_name") if name in self.fields]
        if names and not any(names):
            raise ValidationError(_("Enter a legal name or a preferred name."))
        return data

    def to_details(self) -> dict:
        data = self.cleaned_data
        details = {
            name: data[name]
            for name in ("gender", "age_band", "primary_language", "risk_level", "needs")
            if name in data
        }
        for name in ("legal_name", "preferred_name"):
            if name in data:
                details[name] = data[name].strip()
        if "phone" in data:
            details["phones"] = [data["phone"].strip()] if data["phone"].strip() else []
        if data.get("do_not_contact_directly"):
            details["contact_instructions"] = {"do_not_contact_directly": True}
        return details


def _document_kind(text: str) -> str | None:
    wanted = text.strip().casefold().replace(" ", "_")
    for value, label in IdentityDocumentKind.choices:
        if wanted in (value, str(label).casefold().replace(" ", "_")):
            return value
    return None


class SurvivorForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    preferred_name = forms.CharField(label=_("Preferred name"), max_length=200, required=False)
    aliases = forms.CharField(
        label=_("Aliases"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line.")
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    estimated_age = forms.CharField(label=_("Estimated age"), max_length=20, required=False)
    phones = forms.CharField(
        label=_("Phone numbers"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line.")
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    current_address = forms.CharField(
        label=_("Current address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    identity_documents = forms.CharField(
        label=_("Identity documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, as “kind: number”. Kinds: passport, national_id, residence_permit, birth_certificate, other."
        ),
    )
    narrative = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    GROUPS = frozenset({fieldgroups.IDENTITY, fieldgroups.CONTACT, fieldgroups.NARRATIVE})

    def __init__(self, *args, groups, **kwargs):
        """Only the fields of ``groups`` (the editor's): the others are neither shown nor sent on."""
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if DETAIL_GROUP[name] not in groups:
                del self.fields[name]

    def clean_identity_documents(self):
        documents = []
        for line in _lines(self.cleaned_data["identity_documents"]):
            kind, separator, number = line.partition(":")
            found = _document_kind(kind) if separator else None
            if found is None or not number.strip():
                raise ValidationError(_("Write each document as “kind: number”, e.g. “passport: X1234567”."))
            documents.append({"kind": found, "number": number.strip()})
        return documents

    def clean_phones(self):
        phones = _lines(self.cleaned_data["phones"])
        if any(len(phone) > 40 for phone in phones):
            raise ValidationError(_("A phone number has at most 40 characters."))
        return phones

    def clean_aliases(self):
        aliases = _lines(self.cleaned_data["aliases"])
        if any(len(alias) > 200 for alias in aliases):
            raise ValidationError(_("An alias has at most 200 characters."))
        return aliases

    @staticmethod
    def initial_for(details: dict) -> dict:
        """The form's initial values from survivor_details (which holds the editor's groups only)."""
        initial = dict(details)
        for name in ("aliases", "phones"):
            if name in details:
                initial[name] = "\n".join(details[name])
        if "identity_documents" in details:
            initial["identity_documents"] = "\n".join(
                f"{d['kind']}: {d['number']}" for d in details["identity_documents"]
            )
        return initial

    def to_details(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("legal_name", "preferred_name"):
            if name in data:
                data[name] = data[name].strip()
        for name in ("estimated_age", "email", "current_address", "narrative"):
            if name in data:
                data[name] = data[name] or None
        return data


class CodedForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Risk"), choices=RiskLevel.choices)
    needs = _checkboxes(coding.Need, _("Needs"))
    gender = forms.ChoiceField(label=_("Gender"), choices=BLANK + coding.Gender.choices, required=False)
    age_band = forms.ChoiceField(label=_("Age"), choices=coding.AgeBand.choices)
    citizenship = codes.countries_field(_("Citizenship"))
    primary_language = codes.language_field(_("Primary language"))
    other_languages = codes.languages_field(_("Other languages"))
    trafficking_status = forms.ChoiceField(
        label=_("Trafficking status"), choices=BLANK + coding.TraffickingStatus.choices, required=False
    )
    exploitation_types = _checkboxes(coding.ExploitationType, _("Type of exploitation"))
    sexual_exploitation_types = _checkboxes(coding.SexualExploitationType, _("Type of sexual exploitation"))
    forced_labour_industry = forms.ChoiceField(
        label=_("Forced labour industry"), choices=BLANK + coding.ForcedLabourIndustry.choices, required=False
    )
    recruitment_methods = _checkboxes(coding.RecruitmentMethod, _("Method of recruitment"))
    recruitment_websites = _checkboxes(coding.WebsiteOrApp, _("Recruitment websites and apps"))
    control_methods = _checkboxes(coding.ControlMethod, _("Methods of control"))
    vulnerabilities = _checkboxes(coding.Vulnerability, _("Vulnerabilities"))
    identified_country = codes.country_field(_("Country where identified"))
    identified_region = forms.CharField(label=_("Region where identified"), max_length=100, required=False)

    def clean_citizenship(self):
        return sorted(self.cleaned_data["citizenship"])

    def clean_other_languages(self):
        return sorted(self.cleaned_data["other_languages"])

    @classmethod
    def initial_for(cls, case) -> dict:
        return {name: getattr(case, name) for name in cls.base_fields}


class SafetyForm(forms.Form):
    safety_plan = forms.CharField(label=_("Safety plan"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    do_not_contact_directly = forms.BooleanField(label=_("Do not contact directly"), required=False)
    contact_only_through = forms.CharField(label=_("Contact only through"), max_length=300, required=False)
    safe_times = forms.CharField(label=_("Safe times"), max_length=300, required=False)
    safe_channels = forms.CharField(label=_("Safe channels"), max_length=300, required=False)

    INSTRUCTIONS = ("do_not_contact_directly", "contact_only_through", "safe_times", "safe_channels")

    @classmethod
    def initial_for(cls, details: dict) -> dict:
        return {"safety_plan": details["safety_plan"], **details["contact_instructions"]}

    def to_details(self) -> dict:
        data = self.cleaned_data
        return {
            "safety_plan": data["safety_plan"] or None,
            "contact_instructions": {name: data[name] for name in self.INSTRUCTIONS},
        }


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    assignee = WorkerChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = case_workers(organization)


class TaskDoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPEG, GIF, WebP or TIFF."))
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices, initial=AttachmentKind.OTHER)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class AssignForm(forms.Form):
    caseworkers = WorkersChoiceField(
        label=_("Assigned workers"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworkers"].queryset = case_workers(organization)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RestrictForm(forms.Form):
    restricted = forms.BooleanField(required=False)


class EraseRequestForm(forms.Form):
    prefix = "erase"  # the close/reopen reason on the same page is "reason" too
    reason = forms.ChoiceField(label=_("Reason"), choices=ErasureReason.choices)


def add_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
