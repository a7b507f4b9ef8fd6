from celery import shared_task

from sharing.services import shares_retire_expired


@shared_task
def retire_expired_shares() -> dict:
    """End shares whose time is up and delete their grants; reads never wait for this."""
    return {"retired": shares_retire_expired()}
