from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services


class NotificationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    kind = serializers.CharField()
    title = serializers.CharField()
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")


class NotificationListApi(generics.ListAPIView):
    """The signed-in user's notifications, newest first."""

    serializer_class = NotificationOutput
    pagination_class = NewestFirst

    def get_queryset(self):
        return selectors.notifications_of(self.request.user)


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses=NotificationOutput, summary="Mark one of your notifications read")
    def post(self, request, notification_id):
        notification = selectors.notification_for_user(request.user, notification_id)
        services.notification_mark_read(notification=notification)
        return Response(NotificationOutput(notification).data)
