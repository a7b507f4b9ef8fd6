"""What sharing does when erasure tells it something: hand over to a service, nothing more."""

from django.dispatch import receiver

from casehub.signals import case_erased
from sharing import services


@receiver(case_erased)
def end_shares_of_erased_case(sender, case, by, **kwargs):
    services.sharing_end_for_erased_case(case=case, by=by)
