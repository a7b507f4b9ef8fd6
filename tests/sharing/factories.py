"""Consent and shares for tests, made through the services as the application makes them."""

from casehub.grants import ConsentDecision, ConsentMethod, Purpose
from orgs import fieldgroups
from sharing.services import consent_record, share_create


def a_consent(
    team, case, *, to=None, kind: str = "", groups=fieldgroups.ALL, purposes=(Purpose.COORDINATION,), **fields
):
    """A written consent of ``case`` (owned by ``team``) to share ``groups`` with ``to`` (an organization) or a service kind."""
    provision = {
        "recipient_organization": to,
        "recipient_service_kind": kind,
        "field_groups": sorted(groups),
        "purposes": list(purposes),
    }
    fields.setdefault("decision", ConsentDecision.GRANTED)
    fields.setdefault("method", ConsentMethod.WRITTEN)
    return consent_record(case=case, by=team.coordinator, provisions=[provision], **fields)


def a_share(team, case, to, *, groups=fieldgroups.ALL, purpose=Purpose.COORDINATION, days=None, consent=True):
    """A share of ``case`` with team ``to``, under a fresh consent covering exactly it (unless consent=False)."""
    if consent:
        a_consent(team, case, to=to.organization, groups=groups, purposes=[purpose])
    return share_create(
        case=case, by=team.coordinator, to_organization=to.organization, field_groups=groups, purpose=purpose, days=days
    )
