"""The service directory, shaped after Open Referral HSDS 3.0 (every object has a UUID id).

Our additions to HSDS (structured eligibility, capacity, location visibility, accepting
referrals, response deadline) are documented as a profile in docs/hsds-profile.md. The tables
keep the names they had when the directory lived in the referrals app.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory import taxonomy


class TaxonomyTerm(models.Model):
    """One term of our service taxonomy; `code` holds the path (`legal_aid.immigration`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        db_table = "referrals_taxonomyterm"
        ordering = ["code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return taxonomy.label(self.code) if self.code in taxonomy.LABELS else self.name


class ServiceStatus(models.TextChoices):
    # HSDS 3.0 service.status values, verbatim.
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class CapacityStatus(models.TextChoices):
    HAS_CAPACITY = "has_capacity", _("Has capacity")
    NO_CAPACITY = "no_capacity", _("No capacity")
    WAITLIST = "waitlist", _("Waitlist")
    ASSESSMENT_NEEDED = "assessment_needed", _("Assessment needed")


class CapacityUnit(models.TextChoices):
    BEDS = "beds", _("Beds")
    APPOINTMENTS = "appointments", _("Appointments")
    INTERPRETER_HOURS = "interpreter_hours", _("Interpreter hours")


class Gender(models.TextChoices):
    FEMALE = "female", _("Women and girls")
    MALE = "male", _("Men and boys")
    NON_BINARY = "non_binary", _("Non-binary people")


class ImmigrationStatus(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    RESIDENT = "resident", _("Regular resident")
    ASYLUM = "asylum", _("Asylum seeker or refugee")
    IRREGULAR = "irregular", _("Irregular or undocumented")


class Specialization(models.TextChoices):
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    LABOUR_EXPLOITATION = "labour_exploitation", _("Labour exploitation")
    CHILDREN = "children", _("Child survivors")
    MEN = "men", _("Male survivors")
    LGBTQI = "lgbtqi", _("LGBTQI+ survivors")


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="services")
    kind = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="services", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("alternate name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    accepting_referrals = models.BooleanField(_("accepting referrals"), default=True)
    interpretation_available = models.BooleanField(_("interpretation available"), default=False)
    interpretation_services = models.TextField(_("interpretation (details)"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    response_hours = models.PositiveSmallIntegerField(_("answers referrals within (hours)"), null=True, blank=True)
    specializations = models.JSONField(_("specializations"), default=list, blank=True)
    # Structured eligibility: HSDS eligibility_description and age bounds are generated from it.
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    # Empty means every gender; kept as three booleans so matching filters in the database.
    serves_female = models.BooleanField(_("serves women and girls"), default=True)
    serves_male = models.BooleanField(_("serves men and boys"), default=True)
    serves_non_binary = models.BooleanField(_("serves non-binary people"), default=True)
    accompanied_children = models.BooleanField(_("accepts accompanying children"), default=False)
    # Genders of the staff who can work with a survivor (Gender values); empty: not stated.
    staff_genders = models.JSONField(_("staff genders available"), default=list, blank=True)
    # Empty list: any nationality or immigration status.
    immigration_statuses = models.JSONField(_("immigration statuses served"), default=list, blank=True)
    nationality_note = models.CharField(_("nationality requirements"), max_length=200, blank=True)
    required_documents = models.JSONField(_("documents required"), default=list, blank=True)
    referral_only = models.BooleanField(_("by referral only"), default=False)
    eligibility_note = models.TextField(_("other eligibility notes"), blank=True)
    # Capacity: a status, optional counts of one unit, and when it was last confirmed.
    capacity_status = models.CharField(
        _("capacity"), max_length=20, choices=CapacityStatus.choices, default=CapacityStatus.ASSESSMENT_NEEDED
    )
    capacity_unit = models.CharField(_("unit"), max_length=20, choices=CapacityUnit.choices, blank=True)
    capacity_available = models.PositiveIntegerField(_("available"), null=True, blank=True)
    capacity_maximum = models.PositiveIntegerField(_("maximum"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("capacity updated"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "referrals_service"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "status", "accepting_referrals"])]

    def __str__(self):
        return self.name

    @property
    def genders_served(self) -> list[str]:
        flags = {Gender.FEMALE: self.serves_female, Gender.MALE: self.serves_male}
        flags[Gender.NON_BINARY] = self.serves_non_binary
        return [str(g) for g, on in flags.items() if on]

    @property
    def genders_served_labels(self) -> list[str]:
        return [str(Gender(g).label) for g in self.genders_served]

    def capacity_age(self, now=None) -> timedelta | None:
        if self.capacity_updated_at is None:
            return None
        return (now or timezone.now()) - self.capacity_updated_at

    def capacity_is_stale(self, now=None) -> bool:
        age = self.capacity_age(now)
        return age is None or age > timedelta(days=settings.DIRECTORY_CAPACITY_STALE_DAYS)


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Network members only")
    # A confidential location (a shelter) is shown only to its own organization and is
    # never exported; others see only the service's intake phone or a virtual location.
    CONFIDENTIAL = "confidential", _("Confidential")


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="locations")
    location_type = models.CharField(
        _("type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("alternate name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web address"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # Coarse area used by matching (a state, province or department).
    region = models.CharField(_("region"), max_length=100, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.CONFIDENTIAL
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "referrals_location"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self):
        return self.name


class AddressType(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(_("attention"), max_length=200, blank=True)
    address_1 = models.CharField(_("street address"), max_length=200)
    address_2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    state_province = models.CharField(_("state or province"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=20)
    country = models.CharField(_("country (ISO 3166 code)"), max_length=2)
    address_type = models.CharField(max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL)

    class Meta:
        db_table = "referrals_address"
        ordering = ["id"]


class ServiceAtLocation(models.Model):
    """The unit matching routes to: one service delivered at one location."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        db_table = "referrals_serviceatlocation"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="one_link_per_service_location")]


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=40)
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    type = models.CharField(_("type"), max_length=20, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        db_table = "referrals_phone"
        ordering = ["id"]


class ScheduleFrequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")


class Schedule(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    freq = models.CharField(max_length=10, choices=ScheduleFrequency.choices, blank=True)
    byday = models.CharField(max_length=40, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        db_table = "referrals_schedule"
        ordering = ["id"]


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("ISO 639 code"), max_length=3)
    name = models.CharField(_("name"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        db_table = "referrals_language"
        ordering = ["code", "id"]
        indexes = [models.Index(fields=["code", "service"])]


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(blank=True)
    # Matching compares the region case-insensitively with the need's region; a blank
    # region with a country covers that whole country.
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country (ISO 3166 code)"), max_length=2, blank=True)
    extent = models.TextField(_("extent (GeoJSON)"), blank=True)
    extent_type = models.CharField(max_length=20, blank=True)

    class Meta:
        db_table = "referrals_servicearea"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["region"])]


class DirectoryJobKind(models.TextChoices):
    IMPORT_JSON = "import_json", _("Import HSDS JSON")
    IMPORT_TABULAR = "import_tabular", _("Import an HSDS tabular package")
    EXPORT_JSON = "export_json", _("Export HSDS JSON")
    EXPORT_TABULAR = "export_tabular", _("Export an HSDS tabular package")


IMPORT_KINDS = (DirectoryJobKind.IMPORT_JSON, DirectoryJobKind.IMPORT_TABULAR)
EXPORT_KINDS = (DirectoryJobKind.EXPORT_JSON, DirectoryJobKind.EXPORT_TABULAR)


class DirectoryJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DirectoryJobError(models.TextChoices):
    # Codes only: an error message could quote the file (or a stack trace) back to the page.
    REJECTED = "rejected", _("Records were rejected: nothing was imported")
    UNREADABLE = "unreadable", _("The file could not be read")
    INTERNAL = "internal", _("An unexpected error stopped the job")


def directory_job_path(instance, filename) -> str:
    # A random name: uploaded file names can say more than they should. Never served from MEDIA_URL.
    return f"directory-jobs/{uuid.uuid4().hex}"


class DirectoryJob(models.Model):
    """One HSDS import or export run by a Celery task, with its progress, report and file."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=DirectoryJobKind.choices)
    scope = models.CharField(max_length=10, blank=True)  # exports: "network" or "public"
    status = models.CharField(max_length=10, choices=DirectoryJobStatus.choices, default=DirectoryJobStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Exports belong to the starter's organization (its members may follow and download them);
    # imports have none and are the platform admins'.
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    upload = models.FileField(upload_to=directory_job_path, blank=True)
    result = models.FileField(upload_to=directory_job_path, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=20, choices=DirectoryJobError.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "referrals_directoryjob"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} ({self.status})"

    def get_absolute_url(self):
        return reverse("directory:directory_job", kwargs={"job_id": self.uuid})

    @property
    def percent(self) -> int:
        if self.status == DirectoryJobStatus.DONE:
            return 100
        return 0 if not self.total else min(100, self.done * 100 // self.total)

    @property
    def is_import(self) -> bool:
        return self.kind in IMPORT_KINDS

    @property
    def is_running(self) -> bool:
        return self.status in (DirectoryJobStatus.PENDING, DirectoryJobStatus.RUNNING)

    @property
    def download_name(self) -> str:
        return "casehub-hsds.zip" if self.kind == DirectoryJobKind.EXPORT_TABULAR else "casehub-hsds.json"
