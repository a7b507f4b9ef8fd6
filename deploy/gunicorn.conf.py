"""gunicorn's settings for CaseHub (the Procfile's web process and deploy/systemd/casehub-web.service).

Read from the environment by the same readers as Django's settings (config/env.py); see .env.example.
"""

from config.env import env_int, env_list, env_str

wsgi_app = "config.wsgi:application"
bind = env_list("GUNICORN_BIND", ["127.0.0.1:8000"])
workers = env_int("WEB_CONCURRENCY", 3, minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
# A worker is replaced after this many requests (with jitter, so not all at once): a slow leak
# cannot grow for ever.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max_requests // 10
# The proxy in front (deploy/Caddyfile, deploy/nginx.conf) is the only one trusted to say the
# scheme; Django reads it under CASEHUB_BEHIND_PROXY=1.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No control socket: systemd (or honcho) manages the processes, and its default path in the home
# directory would be shared by every gunicorn of one user.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# The path without its query string (%(U)s, never %(r)s): a query can carry search words, which
# are personal data. No client address either: the proxy's log and the audit trail have it.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
