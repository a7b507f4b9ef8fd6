import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from ops import health, metrics


@require_safe
def live(request):
    """The process answers: no database, no sign-in."""
    return JsonResponse({"status": "ok"})


@require_safe
def ready(request):
    """Check names and ok/failed/skipped only, so it is safe to leave public."""
    checks = health.readiness()
    failed = "failed" in checks.values()
    return JsonResponse({"status": "failed" if failed else "ok", "checks": checks}, status=503 if failed else 200)


@require_safe
def metrics_view(request):
    """Prometheus exposition, for a bearer of METRICS_TOKEN; without the setting there is no such page."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
