from django.urls import path

from notifications import api, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.mark_all_read, name="mark_all_read"),
    path("notifications/<uuid:notification_id>/read/", views.mark_read, name="mark_read"),
]

# Included from config/urls.py under /api/v1/notifications/ (namespace "api").
api_v1 = [
    path("", api.NotificationListApi.as_view(), name="notifications"),
    path("<uuid:notification_id>/read/", api.NotificationReadApi.as_view(), name="notification_read"),
]
