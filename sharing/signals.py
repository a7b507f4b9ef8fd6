"""What other parts of CaseHub (notifications, referrals) hear from sharing; sent inside the
transaction of the change, so a receiver's writes commit or roll back with it."""

from django.dispatch import Signal

share_created = Signal()  # share
share_ended = Signal()  # share (its end_reason says why)
consent_withdrawn = Signal()  # consent, by
override_requested = Signal()  # override
transfer_offered = Signal()  # transfer
transfer_decided = Signal()  # transfer
