"""The optimized access queries against a brute-force reference, over random small worlds.

The worlds and the reference are in tests/worlds.py. For every user and case, casehub.access
must agree with ``reference``, which applies the policy case by case in plain Python from the
world's description, never from casehub.access's queries.
"""

import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from casehub.access import Scope, case_access, case_accesses, cases_for_user
from orgs.models import User
from tests.worlds import NOW, build, reference, worlds

# The property ----------------------------------------------------------------------------------------


def ordered(cases):
    return [case.pk for case in sorted(cases, key=lambda case: (case.updated_at, case.pk), reverse=True)]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds())
def test_the_access_queries_agree_with_the_reference_in_every_world(db, world):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        built = build(world)
        for user_index, (user, *_rest) in enumerate(built.users):
            user = User.objects.get(pk=user.pk)  # fresh: suspension and deactivation came after membership
            expected = reference(world, built, user_index)
            visible = [case for case in built.cases if expected[case.pk].actions]
            shared = {case.pk for case in visible if expected[case.pk].shared}

            every = cases_for_user(user)
            assert every.ids() == {case.pk for case in visible}
            assert [case.pk for case in every.page(limit=100)] == ordered(visible)
            assert [case.pk for case in every.page(limit=2, offset=1)] == ordered(visible)[1:3]
            assert every.count() == len(visible)
            assert cases_for_user(user, scope=Scope.SHARED).ids() == shared
            assert case_accesses(user, built.cases) == expected
            for case in built.cases:
                assert case_access(user, case) == expected[case.pk], (user_index, case.pk)
        transaction.set_rollback(True)
