"""Platform-admin page for master-key rotation: progress of recent rotations, and a start button."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casehub.crypto.keys import key_provider
from casehub.crypto.rotation import master_key_retirable, master_key_rotation_start
from casehub.models import KeyRotation, KeyRotationStatus
from orgs.access import require_platform_admin


@require_platform_admin
@require_http_methods(["GET", "POST"])
def key_rotation(request):
    if request.method == "POST":
        rotation = master_key_rotation_start(by=request.user)
        messages.success(request, _("Rotation to key %(key)s queued.") % {"key": rotation.target_key_id})
        return redirect("key_rotation")
    provider = key_provider()
    rotations = list(KeyRotation.objects.all()[:10])
    running = any(r.status in (KeyRotationStatus.PENDING, KeyRotationStatus.RUNNING) for r in rotations)
    keys = [
        {"id": key_id, "active": key_id == provider.active_key_id, "retirable": master_key_retirable(key_id=key_id)}
        for key_id in provider.key_ids()
    ]
    return render(request, "crypto/key_rotation.html", {"rotations": rotations, "running": running, "keys": keys})
