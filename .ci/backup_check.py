# Run by .ci/backup-restore in `manage.py shell` on the restored database: the demo caseworker
# reads a live case through the case policy (its fields decrypt with the master keys kept apart
# from the dump), and the erased case stays unreadable. Prints "restored" when both hold.
from django.http import Http404

from casehub.access import case_for_user
from casehub.crypto.errors import ErasedError
from casehub.crypto.keyring import data_key_scope
from casehub.models import Case, CaseErasure, ErasureStatus
from casehub.services import survivor_details
from orgs import fieldgroups
from orgs.models import User

caseworker = User.objects.get(username="shelter-caseworker")
erased = CaseErasure.objects.get(status=ErasureStatus.ERASED)
live = Case.objects.filter(organization_id=erased.organization_id).exclude(pk=erased.case_id).order_by("pk").first()
with data_key_scope():
    case = case_for_user(caseworker, live.uuid)
    assert survivor_details(case, case.access.groups)["legal_name"] == "María Demo Ejemplo", "the live case is unread"
    try:
        case_for_user(caseworker, erased.case_uuid)
    except Http404:
        pass
    else:
        raise AssertionError("the case policy still finds the erased case")
    try:
        survivor_details(Case._base_manager.get(pk=erased.case_id), {fieldgroups.IDENTITY})
    except ErasedError:
        pass
    else:
        raise AssertionError("the erased case's fields still decrypt")
print("restored")
