"""What referrals do when sharing or erasure tells them something: hand over to a service, nothing more."""

from casehub.signals import case_erased
from sharing import signals


def _consent_withdrawn(sender, consent, by, **kwargs):
    from referrals.workflow import referrals_consent_withdrawn

    # Runs inside consent_withdraw's transaction: the referrals end with the consent, or not at all.
    referrals_consent_withdrawn(consent=consent, by=by)


def _case_erased(sender, case, by, **kwargs):
    from referrals.workflow import referrals_end_for_erased_case

    referrals_end_for_erased_case(case=case)


def connect() -> None:
    signals.consent_withdrawn.connect(_consent_withdrawn, dispatch_uid="referrals.consent_withdrawn")
    case_erased.connect(_case_erased, dispatch_uid="referrals.case_erased")
