"""What the referrals app hears from sharing; sent inside the transaction of the change, so a
receiver's writes commit or roll back with it."""

from django.dispatch import Signal

consent_withdrawn = Signal()  # consent, by
