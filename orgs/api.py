from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from orgs.models import Organization, OrganizationStatus


class MeOutput(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField()
    is_platform_admin = serializers.BooleanField()
    organization = serializers.UUIDField(allow_null=True, source="membership.organization.uuid", default=None)
    role = serializers.CharField(allow_null=True, source="membership.role", default=None)


class MeApi(APIView):
    @extend_schema(responses=MeOutput, summary="The signed-in user, their organization and role")
    def get(self, request):
        return Response(MeOutput(request.user).data)


class OrganizationOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "country", "region", "website", "languages", "description"]


class ByName(CursorPagination):
    ordering = ("name", "id")


class OrganizationListApi(generics.ListAPIView):
    """Vetted organizations, with their public fields only."""

    serializer_class = OrganizationOutput
    pagination_class = ByName

    def get_queryset(self):
        return Organization.objects.filter(status=OrganizationStatus.VETTED)
