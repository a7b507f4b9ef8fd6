"""The browser test's story with the test client (runs everywhere; the browser test needs Chromium)."""

from referrals.models import Referral, ReferralState
from tests.casehub.factories import a_case
from tests.directory.factories import directory_service
from tests.factories import verified_client
from tests.referrals.factories import a_referral_consent


def test_a_shelter_refers_to_legal_aid_and_sees_the_outcome(cast):
    shelter, provider = cast.owner, cast.partner
    case = a_case(shelter, assigned=[shelter.caseworker], primary_language="es", identified_region="Jalisco")
    a_referral_consent(cast, case)
    service = directory_service(provider.organization, kind="legal_aid", name="Asesoría legal")
    sender = verified_client(shelter.caseworker)
    receiver = verified_client(provider.coordinator)

    assert "Referrals" in sender.get(f"/cases/{case.uuid}/").content.decode()
    sender.post(f"/cases/{case.uuid}/needs/add/", {"kind": "legal_aid", "urgency": "urgent", "reason": "Permit."})
    from referrals.models import ServiceNeed

    need = ServiceNeed.objects.get(case=case)
    assert service.name in sender.get(f"/referrals/needs/{need.uuid}/send/").content.decode()
    sender.post(f"/referrals/needs/{need.uuid}/send/", {"service": str(service.id)})
    referral = Referral.objects.get()
    url = referral.get_absolute_url()

    assert referral.reference in receiver.get("/referrals/incoming/").content.decode()
    receiver.post(f"{url}act/", {"action": "request_information", "note": "Passport?"})
    sender.post(f"{url}act/", {"action": "answer", "note": "Expired."})
    receiver.post(f"{url}act/", {"action": "accept", "assignee": str(provider.coordinator.pk)})
    receiver.post(f"{url}act/", {"action": "start"})
    receiver.post(f"{url}act/", {"action": "complete", "outcome": "need_met"})

    page = sender.get(url).content.decode()
    assert 'id="referral-state">Completed<' in page and 'id="referral-outcome">Need met<' in page
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED
