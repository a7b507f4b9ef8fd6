"""History, the referral timeline and the network figures read as labels in the reader's
language, never codes or Python reprs; the same values in another order are no change."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from casehub.forms import CodedForm
from casehub.models import Case, CaseEvent, RiskLevel
from casehub.services import case_update
from referrals.workflow import referral_act
from tests.casehub.factories import a_case
from tests.factories import verified_client
from tests.referrals.factories import a_referral, a_scene


def history(user, case) -> str:
    return verified_client(user).get(reverse("cases:history", args=[case.uuid])).content.decode()


def test_a_coded_change_reads_as_the_fields_label_and_the_values_labels(cast):
    case = a_case(cast.owner)
    case_update(case=case, by=cast.owner.coordinator, exploitation_types=["ForcedLabour"], citizenship=["GT"])
    page = history(cast.owner.coordinator, case)
    assert "Type of exploitation" in page and "Forced labour" in page and "Guatemala" in page
    for code in ("ForcedLabour", "exploitation_types", "['", "{'"):
        assert code not in page, code


def test_history_reads_in_spanish_for_a_spanish_reader(cast):
    case = a_case(cast.owner)
    case_update(case=case, by=cast.owner.coordinator, risk_level="high")
    client = verified_client(cast.owner.coordinator)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = client.get(reverse("cases:history", args=[case.uuid])).content.decode()
    with translation.override("es"):
        high, risk = str(RiskLevel.HIGH.label), str(CodedForm.base_fields["risk_level"].label)
    assert high != "High" and f"{risk}: " in page and high in page


def test_the_same_values_in_another_order_are_no_change(cast):
    case = a_case(cast.owner, needs=["shelter", "legal"])
    assert case_update(case=case, by=cast.owner.coordinator, needs=["legal", "shelter"]) == []
    assert not CaseEvent.objects.filter(case=case, action="updated").exists()


def test_a_decline_reason_reads_as_its_label_on_the_referral_timeline(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral_act(referral=referral, by=cast.partner.coordinator, action="decline", reason="no_capacity")
    page = verified_client(cast.owner.caseworker).get(referral.get_absolute_url()).content.decode()
    assert "no_capacity" not in page and "No capacity" in page


def test_a_date_of_birth_in_the_future_is_refused_and_changes_nothing(cast):
    case = a_case(cast.owner)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        case_update(case=case, by=cast.owner.coordinator, date_of_birth=tomorrow)
    assert "date_of_birth" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).date_of_birth is None


def test_a_date_of_birth_that_contradicts_the_age_band_is_flagged_on_the_survivor_page(cast):
    born = date(timezone.localdate().year - 40, 1, 1)
    case = a_case(cast.owner, age_band="18-24", date_of_birth=born)
    page = verified_client(cast.owner.coordinator).get(reverse("cases:survivor", args=[case.uuid])).content.decode()
    assert 'id="age-band-conflict"' in page and "35–49" in page


def test_a_date_of_birth_that_agrees_with_the_age_band_is_not_flagged(cast):
    born = date(timezone.localdate().year - 20, 1, 1)
    case = a_case(cast.owner, age_band="18-24", date_of_birth=born)
    page = verified_client(cast.owner.coordinator).get(reverse("cases:survivor", args=[case.uuid])).content.decode()
    assert 'id="age-band-conflict"' not in page
