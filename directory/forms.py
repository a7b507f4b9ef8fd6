"""Plain forms for the directory pages; the services hold the rules, forms only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.matching import AGE_BANDS, URGENCIES, Need
from directory.models import (
    CapacityStatus,
    CapacityUnit,
    DirectoryJobKind,
    Gender,
    ImmigrationStatus,
    Location,
    LocationType,
    Service,
    ServiceStatus,
    Specialization,
    TaxonomyTerm,
    Visibility,
)
from directory.services import WEEKDAYS, AreaInput, HoursInput, LocationInput, ServiceInput
from orgs import codes

WEEKDAY_CHOICES = list(
    zip(
        WEEKDAYS,
        [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")],
        strict=True,
    )
)


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


def parse_areas(text: str) -> list[AreaInput]:
    """One area a line: `Region` or `Region, CC`; `CC` alone covers a whole country."""
    areas = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",") if p.strip()]
        if not parts:
            continue
        if len(parts) == 1 and len(parts[0]) == 2 and parts[0].isupper():
            areas.append(AreaInput(name=parts[0], country=parts[0]))
        else:
            areas.append(AreaInput(name=parts[0], region=parts[0], country=parts[1] if len(parts) > 1 else ""))
    return areas


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


# Gender's labels name the people a service serves ("Women and girls"); these name staff.
STAFF_GENDER_CHOICES = [
    (Gender.FEMALE, _("Women")),
    (Gender.MALE, _("Men")),
    (Gender.NON_BINARY, _("Non-binary people")),
]


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = TermChoiceField(label=_("Kind of service"), queryset=TaxonomyTerm.objects.all())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    accepting_referrals = forms.BooleanField(label=_("Accepting referrals"), required=False, initial=True)
    url = forms.URLField(label=_("Web address"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("E-mail"), required=False)
    intake_phone = forms.CharField(
        label=_("Intake phone"), max_length=40, required=False, help_text=_("Shown to other organizations.")
    )
    languages = codes.languages_field(_("Languages spoken"))
    interpretation_available = forms.BooleanField(label=_("Interpretation available"), required=False)
    interpretation_services = forms.CharField(label=_("Interpretation (details)"), required=False)
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"), queryset=Location.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    areas = forms.CharField(
        label=_("Service areas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: a region (Jalisco), a region and country (Jalisco, MX), or a country code (MX)."),
    )
    open_days = forms.MultipleChoiceField(
        label=_("Open on"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    opens_at = forms.TimeField(label=_("Opens at"), required=False, help_text=_("For example 09:00"))
    closes_at = forms.TimeField(
        label=_("Closes at"), required=False, help_text=_("00:00 to 23:59 every day means open all the time")
    )
    minimum_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=130, required=False)
    maximum_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=130, required=False)
    genders = forms.MultipleChoiceField(
        label=_("Genders served"), choices=Gender.choices, widget=forms.CheckboxSelectMultiple, initial=Gender.values
    )
    staff_genders = forms.MultipleChoiceField(
        label=_("Staff available to survivors"),
        choices=STAFF_GENDER_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The genders of the staff a survivor can ask for. Leave empty if you do not say."),
    )
    accompanied_children = forms.BooleanField(label=_("Accepts accompanying children"), required=False)
    immigration_statuses = forms.MultipleChoiceField(
        label=_("Immigration statuses served"),
        choices=ImmigrationStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty if any status is served."),
    )
    nationality_note = forms.CharField(label=_("Nationality requirements"), max_length=200, required=False)
    required_documents = forms.CharField(
        label=_("Documents required"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One a line; leave empty if none is needed."),
    )
    referral_only = forms.BooleanField(label=_("By referral only"), required=False)
    eligibility_note = forms.CharField(label=_("Other eligibility notes"), required=False)
    specializations = forms.MultipleChoiceField(
        label=_("Specializations"), choices=Specialization.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    response_hours = forms.IntegerField(
        label=_("Answers referrals within (hours)"), min_value=1, max_value=720, required=False
    )
    application_process = forms.CharField(label=_("How to apply"), required=False)
    fees_description = forms.CharField(label=_("Fees"), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locations"].queryset = Location.objects.filter(organization=organization)

    @staticmethod
    def initial_for(service: Service) -> dict:
        initial = {name: getattr(service, name) for name in ServiceInput.__dataclass_fields__ if hasattr(service, name)}
        initial.update(
            kind=service.kind_id,
            genders=service.genders_served,
            languages=list(service.languages.values_list("code", flat=True)),
            locations=list(service.service_at_locations.values_list("location_id", flat=True)),
            areas="\n".join(
                ", ".join(p for p in (a.region, a.country) if p) or a.name for a in service.service_areas.all()
            ),
            required_documents="\n".join(service.required_documents),
            intake_phone=getattr(service.phones.first(), "number", ""),
        )
        schedule = service.schedules.first()
        if schedule is not None:
            initial.update(
                open_days=[d for d in schedule.byday.split(",") if d],
                opens_at=schedule.opens_at,
                closes_at=schedule.closes_at,
            )
        return initial

    def clean(self):
        data = super().clean()
        given = [bool(data.get("open_days")), data.get("opens_at") is not None, data.get("closes_at") is not None]
        if any(given) and not all(given):
            self.add_error("open_days", _("Give the days, the opening and the closing time, or none of them."))
        return data

    def to_input(self) -> ServiceInput:
        data = dict(self.cleaned_data)
        days, opens_at, closes_at = data.pop("open_days"), data.pop("opens_at"), data.pop("closes_at")
        return ServiceInput(
            hours=HoursInput(days=days, opens_at=opens_at, closes_at=closes_at) if days else None,
            kind=data.pop("kind"),
            languages=list(data.pop("languages")),
            location_ids=[loc.id for loc in data.pop("locations")],
            areas=parse_areas(data.pop("areas")),
            required_documents=[d.strip() for d in data.pop("required_documents").splitlines() if d.strip()],
            **data,
        )


class CapacityForm(forms.Form):
    status = forms.ChoiceField(label=_("Capacity"), choices=CapacityStatus.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=[("", "—"), *CapacityUnit.choices], required=False)
    available = forms.IntegerField(label=_("Available"), min_value=0, required=False)
    maximum = forms.IntegerField(label=_("Maximum"), min_value=0, required=False)


class LocationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    visibility = forms.ChoiceField(
        label=_("Who may see this location"),
        choices=Visibility.choices,
        initial=Visibility.CONFIDENTIAL,
        help_text=_("A confidential address is shown only to your organization and never exported."),
    )
    location_type = forms.ChoiceField(label=_("Type"), choices=LocationType.choices)
    description = forms.CharField(label=_("Description"), required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False)
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    address_1 = forms.CharField(label=_("Street address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    state_province = forms.CharField(label=_("State or province"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = codes.country_field(_("Country"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    @staticmethod
    def initial_for(location: Location) -> dict:
        initial = {
            name: getattr(location, name) for name in LocationInput.__dataclass_fields__ if hasattr(location, name)
        }
        address = location.addresses.first()
        if address:
            initial.update(
                {n: getattr(address, n) for n in ["address_1", "city", "state_province", "postal_code", "country"]}
            )
        phone = location.phones.first()
        initial["phone"] = phone.number if phone else ""
        return initial

    def to_input(self) -> LocationInput:
        return LocationInput(**self.cleaned_data)


def add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError on the form fields it names (or on the form)."""
    aliases = {"location_ids": "locations", "organization": None, "hours": "open_days"}
    for key, messages in error.message_dict.items():
        name = aliases.get(key, key)
        if name not in form.fields:
            name = None
        for message in messages:
            form.add_error(name, message)


class MatchForm(forms.Form):
    """A need for matching: no name, no address, only what providers' eligibility asks."""

    kind = TermChoiceField(label=_("Kind of service"), queryset=TaxonomyTerm.objects.all(), to_field_name="code")
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=[("", _("Not given")), *[(b, b) for b in AGE_BANDS]], required=False
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", _("Not given")), *Gender.choices], required=False)
    languages = forms.CharField(
        label=_("Languages"), required=False, help_text=_("ISO 639 codes separated by commas: es, en, tl")
    )
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    country = codes.country_field(_("Country"))
    latitude = forms.FloatField(label=_("Latitude (rounded)"), min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(label=_("Longitude (rounded)"), min_value=-180, max_value=180, required=False)
    max_km = forms.IntegerField(label=_("Farthest distance (km)"), min_value=1, max_value=5000, required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=list(URGENCIES.items()), initial="routine", required=False)
    accept_waitlist = forms.BooleanField(label=_("A waitlist is acceptable"), required=False)
    accompanying_children = forms.IntegerField(
        label=_("Accompanying children"), min_value=0, max_value=20, required=False
    )
    immigration_status = forms.ChoiceField(
        label=_("Immigration status"), choices=[("", _("Not given")), *ImmigrationStatus.choices], required=False
    )
    has_documents = forms.NullBooleanField(
        label=_("Has identity documents"),
        required=False,
        widget=forms.Select(choices=[("unknown", _("Not known")), ("true", _("Yes")), ("false", _("No"))]),
    )
    provider_gender = forms.ChoiceField(
        label=_("Staff gender asked for"), choices=[("", _("Any")), *STAFF_GENDER_CHOICES], required=False
    )
    specializations = forms.MultipleChoiceField(
        label=_("Needs a provider specialized in"),
        choices=Specialization.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data

    def to_need(self) -> Need:
        data = self.cleaned_data
        return Need(
            kind=data["kind"],
            age_band=data["age_band"],
            gender=data["gender"],
            languages=tuple(code.lower() for code in split_list(data["languages"])),
            region=data["region"].strip(),
            country=data["country"].strip(),
            latitude=data["latitude"],
            longitude=data["longitude"],
            max_km=data["max_km"],
            urgency=data["urgency"] or "routine",
            accept_waitlist=data["accept_waitlist"],
            accompanying_children=data["accompanying_children"] or 0,
            immigration_status=data["immigration_status"],
            has_documents=data["has_documents"],
            specializations=tuple(data["specializations"]),
            provider_gender=data["provider_gender"],
        )


class ExportJobForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("json", _("HSDS JSON")), ("tabular", _("Tabular data package (zip of CSV files)"))],
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=[("network", _("Network: public and network-only locations")), ("public", _("Public locations only"))],
        help_text=_("Confidential locations are never exported."),
    )

    def kind(self) -> str:
        return (
            DirectoryJobKind.EXPORT_JSON if self.cleaned_data["format"] == "json" else DirectoryJobKind.EXPORT_TABULAR
        )


class ImportJobForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("json", _("HSDS JSON")), ("tabular", _("Tabular data package (zip of CSV files)"))],
    )
    file = forms.FileField(label=_("File"))

    def kind(self) -> str:
        return (
            DirectoryJobKind.IMPORT_JSON if self.cleaned_data["format"] == "json" else DirectoryJobKind.IMPORT_TABULAR
        )
