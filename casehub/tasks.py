from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def rotate_master_key(rotation_id: int) -> dict:
    """Run (or resume) one master-key rotation; safe to run twice."""
    from casehub.crypto.rotation import master_key_rotation_run

    rotation = master_key_rotation_run(rotation_id=rotation_id)
    return {"status": rotation.status, "done": rotation.done, "total": rotation.total}
