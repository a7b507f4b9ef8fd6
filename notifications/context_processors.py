from notifications.selectors import unread_count
from orgs.access import Access, access_state


def unread_notifications(request):
    """The unread count for the navigation (one count on a partial index); None where there is no inbox."""
    user = getattr(request, "user", None)
    # Before the second factor no page but the second factor's opens; DRF's AnonymousUser has no is_verified.
    verified = getattr(user, "is_verified", None)
    if verified is None or not verified() or access_state(user) not in {Access.MEMBER, Access.PLATFORM_ADMIN}:
        return {"unread_notifications": None}
    return {"unread_notifications": unread_count(user)}
