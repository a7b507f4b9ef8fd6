"""The Location header of a 201: where the API reads the resource just created."""

from django.urls import reverse


def location_of(request, view_name: str, **kwargs) -> dict:
    """Response headers naming ``view_name`` (an "api:" route) as an absolute URL (RFC 9110 §10.2.2)."""
    return {"Location": request.build_absolute_uri(reverse(view_name, kwargs=kwargs))}
