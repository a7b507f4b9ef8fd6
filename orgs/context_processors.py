from orgs.access import Access, access_state


def membership(request):
    user = getattr(request, "user", None)
    # Before the second factor nothing but the second-factor pages opens, so show no menu.
    # (DRF's own AnonymousUser has no is_verified.)
    verified = getattr(user, "is_verified", None)
    state = access_state(user) if verified is not None and verified() else Access.ANONYMOUS
    return {
        "access": state.value,
        "membership": user.membership if state is Access.MEMBER else None,
    }
