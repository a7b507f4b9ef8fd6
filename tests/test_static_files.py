"""Static files in production: collected once with hashed names, served by gunicorn (WhiteNoise)."""

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def collected(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    settings.STATIC_ROOT = tmp_path / "static"
    # Our own files only: the API docs' bundles would add half a minute of compressing.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


def test_a_collected_stylesheet_is_served_under_its_hashed_name_and_cached_for_good(collected):
    url = static("css/casehub.css")

    response = Client().get(url)

    assert url != "/static/css/casehub.css" and response.status_code == 200
    assert "immutable" in response["Cache-Control"]


def test_a_collected_stylesheet_is_sent_compressed_to_a_browser_that_asks(collected):
    response = Client().get(static("css/casehub.css"), headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"


@pytest.mark.django_db
def test_the_sign_in_page_links_the_hashed_stylesheet(collected):
    response = Client().get(reverse("orgs:login"))

    assert static("css/casehub.css") in response.content.decode()
