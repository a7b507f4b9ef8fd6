"""The survivor's rights whose effects cross apps: withdrawing consent and erasure.

Each is one transaction that calls, in order, the service of every app it ends something in, so
what happens is read here (no signals). This app sits on the top floor for that reason: it may
call the case app, sharing and referrals alike. Pages and the API call these, never the parts.
"""

from django.db import transaction

from casehub.crypto import shredding
from casehub.grants import CaseShare, Consent
from casehub.models import CaseErasure
from referrals import workflow
from sharing import services as sharing


@transaction.atomic
def consent_withdraw(*, consent: Consent, by) -> list[CaseShare]:
    """The survivor withdraws consent: the shares resting on it end (their recipients are told),
    then the referrals sent under it (both sides told). Returns the shares that ended."""
    ended = sharing.consent_withdraw(consent=consent, by=by)
    workflow.referrals_consent_withdrawn(consent=consent, by=by)
    return ended


@transaction.atomic
def case_erase_confirm(*, erasure: CaseErasure, by) -> CaseErasure:
    """A second coordinator confirms an erasure: the case's data key is destroyed, its shares end
    and offers and requests on it are cancelled, and its open referrals are withdrawn."""
    erasure = shredding.case_erase_confirm(erasure=erasure, by=by)
    sharing.sharing_end_for_erased_case(case=erasure.case, by=by)
    workflow.referrals_end_for_erased_case(case=erasure.case)
    return erasure
