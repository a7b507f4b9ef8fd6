from orgs.access import Access, access_state


def membership(request):
    user = getattr(request, "user", None)
    state = access_state(user)
    return {
        "access": state.value,
        "membership": user.membership if state is Access.MEMBER else None,
    }
