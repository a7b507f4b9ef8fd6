"""What referrals do when sharing tells them something: hand over to a service, nothing more."""

from sharing import signals


def _consent_withdrawn(sender, consent, by, **kwargs):
    from referrals.workflow import referrals_consent_withdrawn

    # Runs inside consent_withdraw's transaction: the referrals end with the consent, or not at all.
    referrals_consent_withdrawn(consent=consent, by=by)


def connect() -> None:
    signals.consent_withdrawn.connect(_consent_withdrawn, dispatch_uid="referrals.consent_withdrawn")
