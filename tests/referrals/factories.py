"""A shelter (the cast's owner) referring a survivor to a legal-aid provider (the partner)."""

from dataclasses import dataclass

from casehub.grants import Purpose
from orgs import fieldgroups
from referrals.models import Referral, ServiceNeed
from referrals.workflow import need_create, referral_act, referral_create
from tests.casehub.factories import a_case
from tests.directory.factories import directory_service
from tests.sharing.factories import a_consent

OFFER_GROUPS = [fieldgroups.CASE_DETAILS, fieldgroups.CONTACT]


@dataclass
class Scene:
    cast: object
    case: object
    service: object
    need: ServiceNeed

    @property
    def shelter(self):
        return self.cast.owner

    @property
    def provider(self):
        return self.cast.partner


def a_scene(cast, *, urgency="routine", consent=True, groups=OFFER_GROUPS, **need_fields) -> Scene:
    case = a_case(
        cast.owner,
        assigned=[cast.owner.caseworker],
        legal_name="Ana Secretname",
        age_band="25-34",
        gender="Feminine",
        primary_language="es",
        identified_region="Jalisco",
    )
    service = directory_service(cast.partner.organization, kind="legal_aid")
    if consent:
        a_referral_consent(cast, case, groups=groups)
    need_fields.setdefault("region", "Jalisco")  # where help is needed
    need = need_create(
        case=case, by=cast.owner.caseworker, kind="legal_aid", urgency=urgency, reason="Needs a lawyer", **need_fields
    )
    return Scene(cast, case, service, need)


def a_referral_consent(cast, case, *, groups=OFFER_GROUPS):
    return a_consent(cast.owner, case, to=cast.partner.organization, groups=groups, purposes=[Purpose.REFERRAL])


def a_referral(scene: Scene, *, send=False) -> Referral:
    referral = referral_create(need=scene.need, service=scene.service, by=scene.shelter.caseworker)
    if send:
        referral = referral_act(referral=referral, by=scene.shelter.caseworker, action="send")
    return referral


def accepted(scene: Scene) -> Referral:
    referral = a_referral(scene, send=True)
    return referral_act(
        referral=referral, by=scene.provider.coordinator, action="accept", assignee=scene.provider.caseworker
    )
