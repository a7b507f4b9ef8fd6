"""Sizes are shown in megabytes with one decimal, in the reader's language."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from orgs.sizes import megabytes

MB = 1024 * 1024


def test_a_size_is_shown_in_megabytes_with_one_decimal():
    assert megabytes(5 * MB) == "5.0 MB"


def test_a_size_is_rounded_not_cut_off():
    assert megabytes(int(1.96 * MB)) == "2.0 MB"


def test_spanish_readers_get_a_decimal_comma():
    with translation.override("es"):
        assert megabytes(int(1.5 * MB)) == "1,5 MB"


def test_a_small_file_is_not_shown_as_empty():
    assert megabytes(300) == "less than 0.1 MB"


def test_an_empty_file_is_zero_megabytes():
    assert megabytes(0) == "0.0 MB"


@pytest.mark.django_db
def test_the_application_form_states_its_document_limit_in_megabytes(settings):
    settings.APPLICATION_DOCUMENT_MAX_BYTES = 5 * MB
    assert "At most 5.0 MB." in Client().get("/apply/").content.decode()


@pytest.mark.django_db
def test_an_application_document_over_the_limit_is_refused_naming_the_limit_in_megabytes(cast, settings):
    from tests.orgs.test_vetting import PDF, apply

    settings.APPLICATION_DOCUMENT_MAX_BYTES = MB
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MB, content_type="application/pdf")
    assert "This file is larger than 1.0 MB." in apply(cast, document_1=big).content.decode()
