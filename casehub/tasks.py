from celery import shared_task
from django.db import OperationalError

# Imported here so that a worker connects the keyring's task signals (a fresh data-key cache
# per task, emptied when the task ends) before it runs its first task.
import casehub.crypto.keyring  # noqa: F401


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def rotate_master_key(rotation_id: int) -> dict:
    """Run (or resume) one master-key rotation; safe to run twice."""
    from casehub.crypto.rotation import master_key_rotation_run

    rotation = master_key_rotation_run(rotation_id=rotation_id)
    return {"status": rotation.status, "done": rotation.done, "total": rotation.total}
