"""The idle timeout without a session write on every request.

SESSION_SAVE_EVERY_REQUEST kept the idle timeout exact by writing the session row on every
request, page and API call alike. Here a signed-in session is saved (and its expiry pushed back
by SESSION_COOKIE_AGE) only when a minute has passed since it was last saved, or when something
else changed it: a session then ends between SESSION_COOKIE_AGE minus a minute and
SESSION_COOKIE_AGE after the last request.
"""

import time

REFRESH_AFTER_SECONDS = 60
SAVED_AT = "_casehub_saved_at"


class SessionIdleRefreshMiddleware:
    """Mark the session modified when its last save is more than a minute old (after SessionMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # anonymous visitors get no session row from this
        now = int(time.time())
        if session.modified or now - session.get(SAVED_AT, 0) > REFRESH_AFTER_SECONDS:
            session[SAVED_AT] = now
        return response
