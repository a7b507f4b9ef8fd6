"""Error reports to a Sentry-compatible service, off unless SENTRY_DSN is set.

What leaves: exception types, our own fixed messages, stack frames (file, line, function, code),
the request's method, URL path and a few harmless headers, the route and task names. What never
leaves: local variables, request bodies, cookies, query strings, the user, log messages and
their arguments, breadcrumb data, and the message of any exception that is not ours (a database
or validation error may quote the value it refused).
"""

import sentry_sdk

OUR_MODULES = ("audit.", "orgs.", "notifications.", "directory.", "casehub.", "sharing.", "referrals.", "rights.")
SAFE_HEADERS = {"accept", "accept-language", "content-type", "content-length", "host", "user-agent", "x-request-id"}
SAFE_REQUEST_KEYS = {"method", "url", "headers"}
SAFE_BREADCRUMB_KEYS = {"type", "category", "level", "timestamp"}


def _frames(container: dict) -> None:
    for frame in (container.get("stacktrace") or {}).get("frames") or []:
        frame.pop("vars", None)


def scrub(event: dict, hint: dict | None = None) -> dict:
    """Keep what locates a fault, drop every value that could describe a person."""
    for key in ("user", "extra", "modules"):
        event.pop(key, None)
    request = event.get("request")
    if request is not None:
        headers = {
            name: value for name, value in (request.get("headers") or {}).items() if name.lower() in SAFE_HEADERS
        }
        event["request"] = {key: value for key, value in request.items() if key in SAFE_REQUEST_KEYS}
        event["request"]["headers"] = headers
        if "url" in event["request"]:
            event["request"]["url"] = event["request"]["url"].split("?", 1)[0]
    logentry = event.get("logentry")
    if logentry is not None:
        # The format string is ours; its arguments and the formatted text may hold values.
        event["logentry"] = {"message": logentry.get("message", "")}
    event.pop("message", None)
    crumbs = event.get("breadcrumbs")
    if crumbs:
        values = crumbs.get("values", []) if isinstance(crumbs, dict) else crumbs
        event["breadcrumbs"] = {
            "values": [{key: value for key, value in crumb.items() if key in SAFE_BREADCRUMB_KEYS} for crumb in values]
        }
    for exception in (event.get("exception") or {}).get("values") or []:
        if not str(exception.get("module") or "").startswith(OUR_MODULES):
            exception.pop("value", None)
        _frames(exception)
    for thread in (event.get("threads") or {}).get("values") or []:
        _frames(thread)
    return event


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return {key: value for key, value in crumb.items() if key in SAFE_BREADCRUMB_KEYS}


def error_reporting_init(*, dsn: str, environment: str = "", release: str = "", transport=None) -> bool:
    """Start error reporting when a DSN is given; without one nothing is initialized."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        include_source_context=True,
        max_request_body_size="never",
        before_send=scrub,
        before_breadcrumb=scrub_breadcrumb,
        transport=transport,
    )
    return True
