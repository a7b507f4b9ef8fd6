from datetime import timedelta

import pytest
from django.utils import timezone

from directory.models import TaxonomyTerm
from tests.directory.factories import ServiceFactory, term


@pytest.mark.django_db
def test_the_taxonomy_is_loaded_with_every_kind_of_service():
    codes = set(TaxonomyTerm.objects.values_list("code", flat=True))
    assert {"shelter", "legal_aid.immigration", "legal_aid.criminal", "legal_aid.labour", "hotline", "other"} <= codes
    assert len(codes) == 18


@pytest.mark.django_db
def test_legal_aid_kinds_are_children_of_legal_aid():
    assert term("legal_aid.labour").parent == term("legal_aid")


@pytest.mark.django_db
def test_capacity_older_than_the_setting_is_stale(cast, settings):
    settings.DIRECTORY_CAPACITY_STALE_DAYS = 7
    service = ServiceFactory(
        organization=cast.owner.organization, capacity_updated_at=timezone.now() - timedelta(days=8)
    )
    assert service.capacity_is_stale()


@pytest.mark.django_db
def test_capacity_never_confirmed_is_stale(cast):
    service = ServiceFactory(organization=cast.owner.organization, capacity_updated_at=None)
    assert service.capacity_is_stale()


@pytest.mark.django_db
def test_recent_capacity_is_fresh(cast):
    service = ServiceFactory(organization=cast.owner.organization)
    assert not service.capacity_is_stale()
