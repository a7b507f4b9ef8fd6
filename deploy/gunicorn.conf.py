"""gunicorn's settings for CaseHub (the Procfile's web process and deploy/systemd/casehub-web.service).

Read from the environment like Django's settings; see .env.example.
"""

import os


def _whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1; got {raw!r}")
    return int(raw)


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _whole_number("WEB_CONCURRENCY", 3)
timeout = _whole_number("GUNICORN_TIMEOUT", 30)
# A worker is replaced after this many requests (with jitter, so not all at once): a slow leak
# cannot grow for ever.
max_requests = _whole_number("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# The proxy in front (deploy/Caddyfile, deploy/nginx.conf) is the only one trusted to say the
# scheme; Django reads it under CASEHUB_BEHIND_PROXY=1.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
# The path without its query string (%(U)s, never %(r)s): a query can carry search words, which
# are personal data. No client address either: the proxy's log and the audit trail have it.
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
