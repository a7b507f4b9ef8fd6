from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from orgs import codes, fieldgroups, zones
from orgs.models import Organization, OrganizationStatus, Role, User
from orgs.sizes import megabytes

# Accepted supporting documents, recognised by their first bytes, not by name or declared type.
DOCUMENT_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def sniff_document_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, content_type in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().replace(" ", "")


class PasswordAgainForm(forms.Form):
    """Asks for the user's password again before a sensitive change (a new token or authenticator),
    so that a session left open or stolen cannot make one."""

    current_password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."), code="wrong_password")
        return password

    @property
    def wrong_password(self) -> bool:
        return self.has_error("current_password", "wrong_password")


class TotpEnrollForm(PasswordAgainForm):
    code = OtpForm.base_fields["code"]
    field_order = ["code", "current_password"]

    def clean_code(self):
        return self.cleaned_data["code"].strip().replace(" ", "")


class NewAccountForm(forms.Form):
    """Username and password for a new account (applicant or invited member)."""

    # The public application form accepts a taken username (orgs.services.organization_apply picks
    # a free one and e-mails it), so that it never tells a stranger which usernames exist.
    refuse_taken_username = True

    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if self.refuse_taken_username and User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken; choose another."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        elif data.get("password"):
            probe = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], probe)
            except ValidationError as error:
                self.add_error("password", error)
        return data


def _vetted():
    return Organization.objects.filter(status=OrganizationStatus.VETTED).order_by("name")


# The organization's own fields on the application form, in the order they are asked.
ORGANIZATION_FIELDS = (
    "name",
    "kind",
    "country",
    "region",
    "registration_number",
    "address",
    "website",
    "contact_email",
    "contact_phone",
    "languages",
    "description",
)


class ApplicationForm(NewAccountForm):
    refuse_taken_username = False

    name = forms.CharField(label=_("Organization name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of organization"), choices=Organization._meta.get_field("kind").choices)
    country = codes.country_field(_("Country"), required=True)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    registration_number = forms.CharField(label=_("Registration number"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # A text input, not type=url: browsers refuse "example.org" there, and we add https:// ourselves.
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", widget=forms.TextInput(attrs={"inputmode": "url"})
    )
    contact_email = forms.EmailField(label=_("Organization contact e-mail"))
    contact_phone = forms.CharField(label=_("Organization contact phone"), max_length=40, required=False)
    languages = codes.languages_field(_("Languages served"))
    description = forms.CharField(
        label=_("What your organization does"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    email = forms.EmailField(label=_("Your e-mail"))
    document_1 = forms.FileField(label=_("Supporting document (PDF, PNG or JPEG)"))
    document_2 = forms.FileField(label=_("Another document (optional)"), required=False)
    referee_1 = forms.ModelChoiceField(label=_("First referee organization"), queryset=_vetted())
    referee_2 = forms.ModelChoiceField(label=_("Second referee organization"), queryset=_vetted())

    field_order = [
        *ORGANIZATION_FIELDS,
        "document_1",
        "document_2",
        "referee_1",
        "referee_2",
        "username",
        "email",
        "password",
        "password_again",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set per form, not at import: the limit is a setting.
        limit = _("At most %(max)s.") % {"max": megabytes(settings.APPLICATION_DOCUMENT_MAX_BYTES)}
        self.fields["document_1"].help_text = limit
        self.fields["document_2"].help_text = limit

    def clean_languages(self):
        return list(self.cleaned_data["languages"])

    def _clean_document(self, name):
        upload = self.cleaned_data.get(name)
        if not upload:
            return upload
        if upload.size > settings.APPLICATION_DOCUMENT_MAX_BYTES:
            raise ValidationError(
                _("This file is larger than %(max)s.") % {"max": megabytes(settings.APPLICATION_DOCUMENT_MAX_BYTES)}
            )
        content_type = sniff_document_type(upload)
        if content_type is None:
            raise ValidationError(_("Upload a PDF, PNG or JPEG file."))
        upload.content_type = content_type
        return upload

    def clean_document_1(self):
        return self._clean_document("document_1")

    def clean_document_2(self):
        return self._clean_document("document_2")

    def clean(self):
        data = super().clean()
        if data.get("referee_1") and data.get("referee_1") == data.get("referee_2"):
            self.add_error("referee_2", _("Choose two different organizations."))
        return data

    def organization_fields(self) -> dict:
        return {key: self.cleaned_data[key] for key in ORGANIZATION_FIELDS}


class ChecklistForm(forms.Form):
    documents_checked = forms.BooleanField(label=_("Documents checked"), required=False)
    contact_verified = forms.BooleanField(label=_("Contact verified"), required=False)
    review_notes = forms.CharField(
        label=_("Reviewer notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(d, d) for d in ("start_review", "approve", "reject", "suspend", "reinstate")]
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    # Rejecting and suspending are asked twice: the confirmation form sends this.
    confirm = forms.BooleanField(required=False)


class ReferenceForm(forms.Form):
    vouch = forms.TypedChoiceField(choices=[("yes", _("Vouch")), ("no", _("Decline"))], coerce=lambda v: v == "yes")
    note = forms.CharField(label=_("Note to the platform admins (optional)"), required=False, max_length=2000)


class ConfirmForm(forms.Form):
    """The "yes" of a confirmation step: destructive actions refuse a POST without it."""

    confirm = forms.BooleanField()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationCodeForm(forms.Form):
    token = forms.CharField(
        label=_("Invitation link or code"),
        max_length=500,
        help_text=_("Paste the link from your invitation e-mail."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_token(self):
        # A pasted link carries the token after its "#".
        return self.cleaned_data["token"].strip().rpartition("#")[2].strip()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiTokenForm(PasswordAgainForm):
    name = forms.CharField(label=_("What will use this token"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=90)
    field_order = ["name", "days", "current_password"]

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days > settings.API_TOKEN_MAX_DAYS:
            raise ValidationError(_("At most %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS})
        return days


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.all(), required=False)
    actor = forms.CharField(label=_("Username"), required=False, max_length=150)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", "—"), ("success", _("success")), ("failure", _("failure")), ("denied", _("denied"))],
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Times are shown in this zone. Not set: your organization's."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = zones.choices(_("Your organization's"))


class OrganizationSettingsForm(forms.Form):
    caseworkers_see_all_cases = forms.BooleanField(
        label=_("Caseworkers see all of the organization's unrestricted cases"),
        required=False,
        help_text=_("Otherwise a caseworker sees only the cases assigned to them. Coordinators always see every case."),
    )
    caseworker_field_groups = forms.MultipleChoiceField(
        label=_("Parts of a case caseworkers see"),
        required=False,
        choices=fieldgroups.choices(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "long"}),
        help_text=_("For example, leave the narrative out. Coordinators always see every part."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Members see times in this zone unless they choose another. Not set: the site's."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = zones.choices()
