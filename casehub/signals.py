"""What other parts of CaseHub hear from case records; sent inside the change's transaction."""

from django.dispatch import Signal

case_erased = Signal()  # case, by: its data key is destroyed; shares of it end (sharing.receivers)
