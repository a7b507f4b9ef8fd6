# Run by .ci/backup-restore in `manage.py shell`: the demo shelter erases its last demo case through
# the real erasure services (a coordinator asks, a second one confirms). Prints the case's uuid.
from casehub.crypto.shredding import case_erase_request
from casehub.models import Case, ErasureReason
from orgs.models import Organization, Role, User
from orgs.services import membership_add
from rights.services import case_erase_confirm

shelter = Organization.objects.get(name="Casa Segura Shelter")
asking = User.objects.get(username="shelter-coordinator")
confirming = User.objects.create_user(username="shelter-coordinator-2", email="coordinator-2@shelter.example.org")
membership_add(
    organization=shelter, user=confirming, role=Role.COORDINATOR, by=User.objects.get(username="platform-admin")
)
case = Case.objects.filter(organization=shelter).order_by("pk").last()
erasure = case_erase_request(case=case, by=asking, reason=ErasureReason.SURVIVOR_REQUEST)
case_erase_confirm(erasure=erasure, by=confirming)
print(case.uuid)
