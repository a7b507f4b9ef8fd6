"""Shares racing consent withdrawal, and revocation racing the clean-up task, on PostgreSQL.

SQLite has one writer at a time and no row locks, so there is no race to lose there. Each racer
runs in its own thread, hence its own database connection; the rows they race on are committed
first (transactional test database).
"""

import pkgutil
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from audit.models import AuditEvent
from casehub.grants import CaseGroupObjectPermission, CaseShare, ShareEnd
from rights import services as rights
from sharing import services
from tests.casehub.factories import a_case
from tests.sharing.factories import a_consent, a_share


@pytest.fixture
def cast(committed_cast):
    return committed_cast  # committed: this module's tests need real transactions


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and concurrent writers"),
]

ROUNDS = 6


def started(job, outcome: list, barrier: threading.Barrier | None = None) -> threading.Thread:
    """Run ``job`` in a thread of its own (so its own connection); its result or exception goes to ``outcome``."""

    def run():
        try:
            if barrier is not None:
                barrier.wait()
            outcome.append(job())
        except BaseException as exc:  # reported to the test
            outcome.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def race(*jobs) -> list:
    """Run the jobs at once (a barrier starts them together); each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [[] for _ in jobs]
    threads = [started(job, outcome, barrier) for job, outcome in zip(jobs, outcomes, strict=True)]
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return [outcome[0] for outcome in outcomes]


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@contextmanager
def paused_in(target: str, *, inside: threading.Event, release: threading.Event):
    """Hold the caller's transaction open where it calls ``target`` until ``release`` is set."""
    original = pkgutil.resolve_name(target)

    def pause(*args, **kwargs):
        inside.set()
        assert release.wait(timeout=30)
        return original(*args, **kwargs)

    with mock.patch(target, side_effect=pause):
        yield


def assert_nothing_left_open(case) -> None:
    assert not CaseShare.objects.filter(case=case, ended_at__isnull=True).exists()
    assert not CaseGroupObjectPermission.objects.filter(content_object=case).exists()


# A share racing a consent withdrawal --------------------------------------------------------------


def test_a_share_racing_a_withdrawal_never_leaves_a_grant_or_an_open_share(cast):
    for _ in range(ROUNDS):
        # given a consent to share with the partner, committed
        case = a_case(cast.owner)
        consent = a_consent(cast.owner, case, to=cast.partner.organization)

        # when a coordinator shares while another withdraws the consent, at the same moment
        shared, withdrawn = race(
            lambda case=case: a_share(cast.owner, case, cast.partner, consent=False),
            lambda consent=consent: rights.consent_withdraw(consent=consent, by=cast.owner.coordinator),
        )

        # then the withdrawal succeeded, the share was refused or ended by it, and no grant is left
        assert isinstance(withdrawn, list), withdrawn
        assert isinstance(shared, CaseShare | services.ShareRefused), shared
        if isinstance(shared, CaseShare):
            shared.refresh_from_db()
            assert shared.end_reason == ShareEnd.CONSENT_WITHDRAWN
        assert_nothing_left_open(case)


def test_a_withdrawal_waiting_on_a_share_in_flight_ends_that_share(cast):
    # given a share that holds the consent's lock, not yet committed
    case = a_case(cast.owner)
    consent = a_consent(cast.owner, case, to=cast.partner.organization)
    inside, release = threading.Event(), threading.Event()
    with paused_in("sharing.notices.share_opened", inside=inside, release=release):
        shared, withdrawn = [], []
        sharer = started(lambda: a_share(cast.owner, case, cast.partner, consent=False), shared)
        assert inside.wait(timeout=30)

        # when the withdrawal starts (it waits for the lock) and then the share commits
        withdrawal = started(lambda: rights.consent_withdraw(consent=consent, by=cast.owner.coordinator), withdrawn)
        wait_until(waiting_for_a_lock)
        release.set()
        sharer.join(timeout=30)
        withdrawal.join(timeout=30)

    # then the withdrawal, seeing the committed share, ended it and deleted its grants
    assert isinstance(shared[0], CaseShare) and withdrawn[0] == [shared[0]], (shared, withdrawn)
    share = CaseShare.objects.get(case=case)
    assert share.end_reason == ShareEnd.CONSENT_WITHDRAWN
    assert_nothing_left_open(case)


def test_a_share_waiting_on_a_withdrawal_in_flight_is_refused_and_writes_nothing(cast):
    # given a withdrawal that holds the consent's lock, not yet committed
    case = a_case(cast.owner)
    consent = a_consent(cast.owner, case, to=cast.partner.organization)
    inside, release = threading.Event(), threading.Event()
    outcome: list = []
    with paused_in("referrals.workflow.referrals_consent_withdrawn", inside=inside, release=release):
        withdrawn: list = []
        withdrawal = started(lambda: rights.consent_withdraw(consent=consent, by=cast.owner.coordinator), withdrawn)
        assert inside.wait(timeout=30)

        # when a share starts (it waits for the lock) and then the withdrawal commits
        sharer = started(lambda: a_share(cast.owner, case, cast.partner, consent=False), outcome)
        wait_until(waiting_for_a_lock)
        release.set()
        withdrawal.join(timeout=30)
        sharer.join(timeout=30)

    # then the share saw the withdrawal: refused, nothing written
    assert withdrawn == [[]] and isinstance(outcome[0], services.ShareRefused), (withdrawn, outcome)
    assert not CaseShare.objects.filter(case=case).exists()
    assert_nothing_left_open(case)


# Revocation racing the clean-up task ----------------------------------------------------------------


def _expired_share(cast):
    case = a_case(cast.owner)
    share = a_share(cast.owner, case, cast.partner, days=1)
    past = timezone.now() - timedelta(seconds=1)
    CaseShare.objects.filter(pk=share.pk).update(created_at=past - timedelta(days=1), expires_at=past)
    CaseGroupObjectPermission.objects.filter(share=share).update(expires_at=past)
    return case, share


def test_a_revocation_racing_the_clean_up_ends_the_share_exactly_once(cast):
    for _ in range(ROUNDS):
        # given a share whose time is up, not yet retired
        case, share = _expired_share(cast)

        # when a coordinator revokes it while the clean-up task runs
        revoked, retired = race(
            lambda share=share: services.share_revoke(share=share, by=cast.owner.coordinator),
            services.shares_retire_expired,
        )

        # then one of them ended it, once, and the other stepped aside
        share.refresh_from_db()
        if isinstance(revoked, CaseShare):
            assert share.end_reason == ShareEnd.REVOKED and retired == 0
        else:
            assert isinstance(revoked, ValidationError), revoked
            assert share.end_reason == ShareEnd.EXPIRED and retired == 1
        assert AuditEvent.objects.filter(action="share.ended", details__share=str(share.uuid)).count() == 1
        assert_nothing_left_open(case)


def test_a_revocation_in_flight_does_not_keep_the_clean_up_from_other_shares_to_the_recipient(cast):
    # given a live share being revoked (its transaction still open), and an expired share to the
    # same recipient on another case
    live = a_share(cast.owner, a_case(cast.owner), cast.partner)
    _case, expired = _expired_share(cast)
    inside, release = threading.Event(), threading.Event()
    revoked: list = []
    end = services._end

    def end_when_released(share, **kwargs):
        if share.pk == live.pk:  # the revocation holds the share's lock here
            inside.set()
            assert release.wait(timeout=30)
        return end(share, **kwargs)

    with mock.patch.object(services, "_end", end_when_released):
        revoker = started(lambda: services.share_revoke(share=live, by=cast.owner.coordinator), revoked)
        assert inside.wait(timeout=30)

        # when the clean-up task runs meanwhile
        retired = services.shares_retire_expired()
        release.set()
        revoker.join(timeout=30)

    # then it retired the expired share (it locks shares only, not their organizations or cases)
    assert retired == 1
    assert isinstance(revoked[0], CaseShare), revoked
    live.refresh_from_db()
    expired.refresh_from_db()
    assert live.end_reason == ShareEnd.REVOKED and expired.end_reason == ShareEnd.EXPIRED
    assert not CaseGroupObjectPermission.objects.exists()
