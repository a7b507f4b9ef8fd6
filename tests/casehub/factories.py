"""Cases for tests, made through the services as the application makes them."""

from casehub.services import case_create


def a_case(team, *, by=None, assigned=(), restricted=False, **details):
    """A case of team's organization; `assigned` caseworkers are assigned to it."""
    details.setdefault("legal_name", "Ana Example")
    case = case_create(organization=team.organization, by=by or team.coordinator, **details)
    if assigned:
        case.assigned_caseworkers.add(*assigned)
    if restricted:
        case.restricted = True
        case.save(update_fields=["restricted"])
    return case
