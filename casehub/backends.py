"""The one object-permission backend: django-guardian's, answered by casehub.access.

It replaces guardian's own backend (never installed beside it): Django grants a permission if
any backend does, and guardian's raw checker knows nothing of organization status, membership,
share expiry or field-group scope. There are no model-level case permissions: without an
object, this backend grants nothing.
"""

from guardian.backends import ObjectPermissionBackend

from casehub.access import CaseAction, case_access, org_capabilities
from casehub.grants import VIEW_CASE, group_codename
from casehub.models import Case
from orgs.access import member_role
from orgs.models import Organization

CASE_GROUP_PREFIX = group_codename("")


class CaseHubObjectPermissionBackend(ObjectPermissionBackend):
    def has_perm(self, user_obj, perm, obj=None):
        app_label, _dot, codename = perm.rpartition(".")
        return codename in self._permissions(user_obj, obj, app_label)

    def get_all_permissions(self, user_obj, obj=None):
        return {
            f"{app}.{codename}" for app in ("casehub", "orgs") for codename in self._permissions(user_obj, obj, app)
        }

    def get_group_permissions(self, user_obj, obj=None):
        return self.get_all_permissions(user_obj, obj)

    @staticmethod
    def _permissions(user_obj, obj, app_label) -> set[str]:
        if obj is None or user_obj is None or not getattr(user_obj, "is_authenticated", False):
            return set()
        if isinstance(obj, Case) and app_label in ("casehub", ""):
            access = case_access(user_obj, obj)
            if CaseAction.VIEW not in access.actions:
                return set()
            return {VIEW_CASE, *(CASE_GROUP_PREFIX + group for group in access.groups)}
        if isinstance(obj, Organization) and app_label in ("orgs", ""):
            if member_role(user_obj) is None or user_obj.membership.organization_id != obj.pk:
                return set()
            return set(org_capabilities(user_obj))
        return set()
