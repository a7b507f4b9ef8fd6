from orgs.access import Access, access_state


def membership(request):
    user = getattr(request, "user", None)
    # Before the second factor nothing but the second-factor pages opens, so show no menu.
    state = access_state(user) if user is not None and user.is_verified() else Access.ANONYMOUS
    return {
        "access": state.value,
        "membership": user.membership if state is Access.MEMBER else None,
    }
