"""Who may move a referral from which state, by which action: the one table the service layer obeys.

Actors are roles relative to one referral (a user may hold several):

- ``sender_worker``: a caseworker or coordinator of the sending organization who can open the case;
- ``receiver_coordinator``: a coordinator of the receiving organization;
- ``receiver_assignee``: the receiving caseworker the referral is assigned to;
- ``system``: timers and consent withdrawal (no user acts).

Confirming or disputing an outcome leaves the state as it is, but is an event like any other.
"""

from referrals.models import ReferralState as S

SENDER = "sender_worker"
RECEIVER_COORDINATOR = "receiver_coordinator"
RECEIVER_ASSIGNEE = "receiver_assignee"
SYSTEM = "system"
ACTORS = (SENDER, RECEIVER_COORDINATOR, RECEIVER_ASSIGNEE, SYSTEM)

_ACTIVE = (S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD)
_UNANSWERED = (S.SENT, S.ACKNOWLEDGED, S.INFORMATION_REQUESTED)


def _rows(states, action, new_state, *actors):
    return {(state, action): (new_state, frozenset(actors)) for state in states}


# (state, action) -> (new state, who may)
TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    # The sender drafts, sends (or waits for consent), answers questions, withdraws.
    **_rows([S.DRAFT], "await_consent", S.AWAITING_CONSENT, SENDER),
    **_rows([S.DRAFT, S.AWAITING_CONSENT], "send", S.SENT, SENDER),
    **_rows([S.INFORMATION_REQUESTED], "answer", S.ACKNOWLEDGED, SENDER),
    **_rows([S.DRAFT, S.AWAITING_CONSENT, *_UNANSWERED, *_ACTIVE], "withdraw", S.WITHDRAWN, SENDER),
    **_rows([S.DRAFT, S.AWAITING_CONSENT, S.SENT], "enter_in_error", S.ENTERED_IN_ERROR, SENDER),
    **_rows([S.COMPLETED, S.FAILED], "confirm_outcome", None, SENDER),
    **_rows([S.COMPLETED, S.FAILED], "dispute_outcome", None, SENDER),
    # The receiving coordinator answers.
    **_rows([S.SENT], "acknowledge", S.ACKNOWLEDGED, RECEIVER_COORDINATOR),
    **_rows([S.SENT, S.ACKNOWLEDGED], "request_information", S.INFORMATION_REQUESTED, RECEIVER_COORDINATOR),
    **_rows([S.SENT, S.ACKNOWLEDGED], "accept", S.ACCEPTED, RECEIVER_COORDINATOR),
    **_rows(_UNANSWERED, "decline", S.DECLINED, RECEIVER_COORDINATOR),
    **_rows([S.SENT, S.ACKNOWLEDGED], "redirect", S.REDIRECTED, RECEIVER_COORDINATOR),
    # The receiving caseworker assigned to it does the work.
    **_rows([S.ACCEPTED], "start", S.IN_PROGRESS, RECEIVER_ASSIGNEE),
    **_rows([S.IN_PROGRESS], "pause", S.ON_HOLD, RECEIVER_ASSIGNEE),
    **_rows([S.ON_HOLD], "resume", S.IN_PROGRESS, RECEIVER_ASSIGNEE),
    **_rows([S.IN_PROGRESS, S.ON_HOLD], "complete", S.COMPLETED, RECEIVER_ASSIGNEE),
    **_rows(_ACTIVE, "fail", S.FAILED, RECEIVER_ASSIGNEE),
    # Timers and the survivor's withdrawal of consent.
    **_rows([S.SENT, S.ACKNOWLEDGED], "expire", S.EXPIRED, SYSTEM),
    **_rows([*_UNANSWERED, *_ACTIVE], "consent_withdrawn", S.CONSENT_WITHDRAWN, SYSTEM),
    # Erasing the case (its data key destroyed) withdraws whatever was still open.
    **_rows([S.DRAFT, S.AWAITING_CONSENT, *_UNANSWERED, *_ACTIVE], "case_erased", S.WITHDRAWN, SYSTEM),
}

ACTIONS = tuple(sorted({action for _state, action in TRANSITIONS}))


def next_state(state: str, action: str) -> str | None:
    """The state after ``action``, or None if the action does not apply in ``state``."""
    row = TRANSITIONS.get((state, action))
    if row is None:
        return None
    return row[0] or state


def allowed_actors(state: str, action: str) -> frozenset[str]:
    row = TRANSITIONS.get((state, action))
    return row[1] if row else frozenset()


def actions_for(state: str, roles) -> list[str]:
    """The actions these roles may take in ``state``, in table order."""
    roles = set(roles)
    return [action for (s, action), (_new, actors) in TRANSITIONS.items() if s == state and actors & roles]
