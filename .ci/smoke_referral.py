# Run by .ci/smoke in `manage.py shell`: the demo shelter refers a demo case to the demo legal aid
# through the services, then the referral's deadline marks are moved into the past, so that the
# next sweep (beat -> worker) reminds and expires it. Prints the referral's uuid.
from datetime import timedelta

from django.utils import timezone

from casehub.grants import ConsentDecision, ConsentMethod, Purpose
from casehub.models import Case
from directory.models import Service
from orgs import fieldgroups
from orgs.models import Organization, User
from referrals.models import Referral
from referrals.workflow import need_create, referral_act, referral_create
from sharing.services import consent_record

shelter = Organization.objects.get(name="Casa Segura Shelter")
legal = Organization.objects.get(name="Justicia Legal Aid")
caseworker = User.objects.get(username="shelter-caseworker")
coordinator = User.objects.get(username="shelter-coordinator")
case = Case.objects.filter(organization=shelter).order_by("pk").last()
consent_record(
    case=case,
    by=coordinator,
    decision=ConsentDecision.GRANTED,
    method=ConsentMethod.WRITTEN,
    provisions=[
        {
            "recipient_organization": legal,
            "field_groups": [fieldgroups.CASE_DETAILS],
            "purposes": [Purpose.REFERRAL],
        }
    ],
)
service = Service.objects.get(organization=legal, kind__code="legal_aid.immigration")
need = need_create(case=case, by=caseworker, kind="legal_aid", urgency="emergency", region="Jalisco")
referral = referral_act(
    referral=referral_create(need=need, service=service, by=caseworker), by=caseworker, action="send"
)
past = timezone.now() - timedelta(hours=1)
Referral.objects.filter(pk=referral.pk).update(half_at=past, due_at=past, expires_at=past)
print(referral.uuid)
