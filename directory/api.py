"""Directory API: one view per operation, explicit serializers, access through directory.access."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import access, matching, selectors, services
from directory.matching import AGE_BANDS, URGENCIES, Need
from directory.models import (
    CapacityStatus,
    CapacityUnit,
    Gender,
    ImmigrationStatus,
    LocationType,
    ServiceAtLocation,
    ServiceStatus,
    Specialization,
    TaxonomyTerm,
    Visibility,
)
from directory.services import WEEKDAYS, AreaInput, HoursInput, LocationInput, ServiceInput
from orgs.api_location import location_of
from orgs.idempotency import idempotent


class AreaSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, default="")
    region = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, default="", allow_blank=True)


class HoursSerializer(serializers.Serializer):
    days = serializers.ListField(child=serializers.ChoiceField(WEEKDAYS), allow_empty=False)
    opens_at = serializers.TimeField()
    closes_at = serializers.TimeField()


class ServiceInputSerializer(serializers.Serializer):
    kind = serializers.SlugRelatedField(slug_field="code", queryset=TaxonomyTerm.objects.all())
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    alternate_name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    url = serializers.URLField(required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    status = serializers.ChoiceField(choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    accepting_referrals = serializers.BooleanField(default=True)
    interpretation_available = serializers.BooleanField(default=False)
    interpretation_services = serializers.CharField(required=False, default="", allow_blank=True)
    application_process = serializers.CharField(required=False, default="", allow_blank=True)
    fees_description = serializers.CharField(required=False, default="", allow_blank=True)
    response_hours = serializers.IntegerField(min_value=1, max_value=720, required=False, allow_null=True)
    specializations = serializers.ListField(child=serializers.ChoiceField(Specialization.choices), default=list)
    minimum_age = serializers.IntegerField(min_value=0, max_value=130, required=False, allow_null=True)
    maximum_age = serializers.IntegerField(min_value=0, max_value=130, required=False, allow_null=True)
    genders = serializers.ListField(
        child=serializers.ChoiceField(Gender.choices), default=lambda: list(Gender.values), allow_empty=False
    )
    staff_genders = serializers.ListField(child=serializers.ChoiceField(Gender.choices), default=list)
    accompanied_children = serializers.BooleanField(default=False)
    immigration_statuses = serializers.ListField(child=serializers.ChoiceField(ImmigrationStatus.choices), default=list)
    nationality_note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    required_documents = serializers.ListField(child=serializers.CharField(max_length=200), default=list)
    referral_only = serializers.BooleanField(default=False)
    eligibility_note = serializers.CharField(required=False, default="", allow_blank=True)
    languages = serializers.ListField(child=serializers.CharField(max_length=3), default=list)
    location_ids = serializers.ListField(child=serializers.UUIDField(), default=list)
    areas = AreaSerializer(many=True, default=list)
    intake_phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    hours = HoursSerializer(required=False, allow_null=True, default=None)

    def to_input(self) -> ServiceInput:
        data = dict(self.validated_data)
        data["hours"] = HoursInput(**data["hours"]) if data["hours"] else None
        data["areas"] = [AreaInput(**area) for area in data["areas"]]
        data["languages"] = [code.lower() for code in data["languages"]]
        return ServiceInput(**data)


class CapacityInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CapacityStatus.choices)
    unit = serializers.ChoiceField(choices=CapacityUnit.choices, required=False, default="", allow_blank=True)
    available = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    maximum = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class LocationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.CONFIDENTIAL)
    location_type = serializers.ChoiceField(choices=LocationType.choices, default=LocationType.PHYSICAL)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    region = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    address_1 = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    state_province = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)


class AddressOutput(serializers.Serializer):
    address_1 = serializers.CharField()
    city = serializers.CharField()
    state_province = serializers.CharField()
    postal_code = serializers.CharField()
    country = serializers.CharField()


class LocationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    location_type = serializers.CharField()
    visibility = serializers.CharField()
    region = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    addresses = AddressOutput(many=True, source="addresses.all")


class CapacityOutput(serializers.Serializer):
    status = serializers.CharField(source="capacity_status")
    unit = serializers.CharField(source="capacity_unit")
    available = serializers.IntegerField(source="capacity_available", allow_null=True)
    maximum = serializers.IntegerField(source="capacity_maximum", allow_null=True)
    updated_at = serializers.DateTimeField(source="capacity_updated_at", allow_null=True)
    stale = serializers.BooleanField(source="capacity_is_stale")


class ServiceOutput(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.SerializerMethodField()
    kind = serializers.CharField(source="kind.code")
    name = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    accepting_referrals = serializers.BooleanField()
    languages = serializers.SerializerMethodField()
    interpretation_available = serializers.BooleanField()
    minimum_age = serializers.IntegerField(allow_null=True)
    maximum_age = serializers.IntegerField(allow_null=True)
    genders = serializers.ListField(source="genders_served")
    staff_genders = serializers.ListField()
    accompanied_children = serializers.BooleanField()
    immigration_statuses = serializers.ListField()
    required_documents = serializers.ListField()
    referral_only = serializers.BooleanField()
    specializations = serializers.ListField()
    response_hours = serializers.IntegerField(allow_null=True)
    capacity = CapacityOutput(source="*")
    locations = serializers.SerializerMethodField()
    confidential_location = serializers.SerializerMethodField()
    intake_phones = serializers.SerializerMethodField()
    hours = serializers.SerializerMethodField()

    def get_hours(self, service) -> dict | None:
        schedule = next(iter(service.schedules.all()), None)
        if schedule is None:
            return None
        return {
            "days": [d for d in schedule.byday.split(",") if d],
            "opens_at": schedule.opens_at.strftime("%H:%M") if schedule.opens_at else None,
            "closes_at": schedule.closes_at.strftime("%H:%M") if schedule.closes_at else None,
        }

    def get_organization(self, service) -> dict:
        return {"id": str(service.organization.uuid), "name": service.organization.name}

    def get_languages(self, service) -> list[str]:
        return [language.code for language in service.languages.all()]

    def _links(self, service):
        viewer = self.context["viewer"]
        return [
            (link.location, access.location_is_visible(link.location, viewer))
            for link in service.service_at_locations.all()
        ]

    def get_locations(self, service) -> list[dict]:
        return [LocationOutput(location).data for location, visible in self._links(service) if visible]

    def get_confidential_location(self, service) -> bool:
        return any(not visible for _location, visible in self._links(service))

    def get_intake_phones(self, service) -> list[str]:
        return [phone.number for phone in service.phones.all()]


def _with_related(queryset):
    return queryset.prefetch_related(
        "languages",
        "phones",
        "schedules",
        Prefetch(
            "service_at_locations",
            ServiceAtLocation.objects.select_related("location").prefetch_related("location__addresses"),
        ),
    )


class ByName(CursorPagination):
    ordering = ("name", "id")


class ServiceListApi(ListAPIView):
    """Services of vetted organizations; confidential locations appear only to their owners."""

    serializer_class = ServiceOutput
    pagination_class = ByName

    def get_queryset(self):
        return _with_related(access.services_visible_to(self.request.user))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.request.user.membership.organization}


class ServiceDetailApi(APIView):
    @extend_schema(responses=ServiceOutput, summary="One service of the directory")
    def get(self, request, service_id):
        service = access.service_for_viewer(request.user, service_id)
        context = {"viewer": request.user.membership.organization}
        return Response(
            ServiceOutput(_with_related(type(service).objects.filter(pk=service.pk)).get(), context=context).data
        )


def _service_response(service, request, code=status.HTTP_200_OK, headers=None):
    context = {"viewer": request.user.membership.organization}
    fresh = _with_related(type(service).objects.select_related("kind", "organization").filter(pk=service.pk)).get()
    return Response(ServiceOutput(fresh, context=context).data, status=code, headers=headers)


class ServiceCreateApi(APIView):
    @extend_schema(request=ServiceInputSerializer, responses={201: ServiceOutput}, summary="Add a service")
    @idempotent()
    def post(self, request):
        organization = access.editor_organization(request.user)
        serializer = ServiceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = services.service_create(organization=organization, by=request.user, data=serializer.to_input())
        headers = location_of(request, "api:directory_service", service_id=service.pk)
        return _service_response(service, request, status.HTTP_201_CREATED, headers)


class ServiceUpdateApi(APIView):
    @extend_schema(request=ServiceInputSerializer, responses=ServiceOutput, summary="Replace a service's details")
    def post(self, request, service_id):
        service = access.service_for_editor(request.user, service_id)
        serializer = ServiceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.service_update(service=service, by=request.user, data=serializer.to_input())
        return _service_response(service, request)


class ServiceCapacityApi(APIView):
    @extend_schema(request=CapacityInputSerializer, responses=ServiceOutput, summary="Confirm a service's capacity")
    def post(self, request, service_id):
        service = access.service_for_editor(request.user, service_id)
        serializer = CapacityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.service_capacity_update(service=service, by=request.user, **serializer.validated_data)
        return _service_response(service, request)


class LocationListApi(ListAPIView):
    """The editor's own organization's locations, confidential ones included."""

    serializer_class = LocationOutput
    pagination_class = ByName

    def get_queryset(self):
        return selectors.locations_of(access.editor_organization(self.request.user))


class LocationCreateApi(APIView):
    @extend_schema(request=LocationInputSerializer, responses={201: LocationOutput}, summary="Add a location")
    @idempotent()
    def post(self, request):
        organization = access.editor_organization(request.user)
        serializer = LocationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = services.location_create(
            organization=organization, by=request.user, data=LocationInput(**serializer.validated_data)
        )
        return Response(LocationOutput(location).data, status=status.HTTP_201_CREATED)


class LocationUpdateApi(APIView):
    @extend_schema(request=LocationInputSerializer, responses=LocationOutput, summary="Replace a location's details")
    def post(self, request, location_id):
        location = access.location_for_editor(request.user, location_id)
        serializer = LocationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.location_update(location=location, by=request.user, data=LocationInput(**serializer.validated_data))
        return Response(LocationOutput(location).data)


class MatchInputSerializer(serializers.Serializer):
    kind = serializers.SlugRelatedField(slug_field="code", queryset=TaxonomyTerm.objects.all())
    age_band = serializers.ChoiceField(choices=list(AGE_BANDS), required=False, default="")
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, default="")
    languages = serializers.CharField(required=False, default="", help_text="ISO 639 codes, comma-separated")
    region = serializers.CharField(max_length=100, required=False, default="")
    country = serializers.CharField(max_length=2, required=False, default="")
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, default=None)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, default=None)
    max_km = serializers.IntegerField(min_value=1, max_value=5000, required=False, default=None)
    urgency = serializers.ChoiceField(choices=list(URGENCIES), default="routine")
    accept_waitlist = serializers.BooleanField(default=False)
    accompanying_children = serializers.IntegerField(min_value=0, max_value=20, default=0)
    immigration_status = serializers.ChoiceField(choices=ImmigrationStatus.choices, required=False, default="")
    has_documents = serializers.BooleanField(required=False, allow_null=True, default=None)
    specializations = serializers.CharField(required=False, default="")
    provider_gender = serializers.ChoiceField(choices=Gender.choices, required=False, default="")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=20)

    def validate(self, data):
        if (data["latitude"] is None) != (data["longitude"] is None):
            raise serializers.ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
        bad = [s for s in _codes(data["specializations"]) if s not in Specialization.values]
        if bad:
            raise serializers.ValidationError({"specializations": _("Unknown specialization.")})
        return data

    def to_need(self) -> Need:
        data = dict(self.validated_data)
        data.pop("limit")
        data["languages"] = tuple(code.lower() for code in _codes(data["languages"]))
        data["specializations"] = tuple(_codes(data["specializations"]))
        return Need(**data)


def _codes(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


class MatchOutput(serializers.Serializer):
    service = serializers.SerializerMethodField()
    score = serializers.FloatField()
    components = serializers.DictField(child=serializers.FloatField())
    reasons = serializers.ListField(child=serializers.CharField())
    uncertainties = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True)
    places = serializers.ListField(child=serializers.CharField())
    intake_phones = serializers.ListField(child=serializers.CharField())

    def get_service(self, match) -> dict:
        service = match.service
        return {
            "id": str(service.id),
            "name": service.name,
            "kind": service.kind.code,
            "organization": {"id": str(service.organization.uuid), "name": service.organization.name},
            "capacity_status": service.capacity_status,
        }


class MatchApi(APIView):
    @extend_schema(
        parameters=[MatchInputSerializer],
        responses=MatchOutput(many=True),
        summary="Services that meet a need, best first, each with why it matched and what is uncertain",
    )
    def get(self, request):
        viewer = access.require_matcher(request.user)
        serializer = MatchInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        results = matching.match_services(
            need=serializer.to_need(), viewer=viewer, limit=serializer.validated_data["limit"]
        )
        return Response({"weights": matching.WEIGHTS, "results": MatchOutput(results, many=True).data})
