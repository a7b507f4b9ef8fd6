"""CaseHub settings: one module, every knob read from the environment (see README)."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from casehub.crypto.errors import KeyConfigurationError
from casehub.crypto.keys import master_keys_from_environment
from config.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_mapping,
    env_str,
    secret_from_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CASEHUB_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (a long random string) "
            "or run with DEBUG=1 for development, which keeps a generated key in var/."
        )
    SECRET_KEY = secret_from_file(VAR_DIR / "secret_key")

# Master keys for field encryption (docs/security-model.md): CASEHUB_MASTER_KEYS or
# CASEHUB_KEY_FILE; with DEBUG and neither, a development key file under VAR_DIR.
try:
    CASEHUB_MASTER_KEYS = master_keys_from_environment(debug=DEBUG, var_dir=VAR_DIR)
except KeyConfigurationError as exc:
    raise ImproperlyConfigured(str(exc)) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS hardening is on unless DEBUG; CASEHUB_HTTPS=0 turns it off for a plain-HTTP test server.
HTTPS = env_bool("CASEHUB_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# A load balancer probes health over plain HTTP, and Prometheus scrapes the workers directly.
SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)$", r"^metrics$"]
if env_bool("CASEHUB_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
if HTTPS:
    # __Host- cookies are only accepted over HTTPS, for this exact host and path.
    SESSION_COOKIE_NAME = "__Host-casehub-session"
    CSRF_COOKIE_NAME = "__Host-casehub-csrf"

# Idle timeout: the session expires this many seconds after the last request (to within a
# minute: config/sessions.py saves it at most once a minute, not on every request).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=120)
# Absolute lifetime: a session ends this many seconds after sign-in, whatever its activity
# (orgs.middleware.SessionLifetimeMiddleware).
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME", 12 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "guardian",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "audit",
    "orgs",
    "casehub",
    "directory",
    "referrals",
    "sharing",
    "rights",
    "notifications",
    "ops",
    "config",  # its commands: run_schedule
]

MIDDLEWARE = [
    "ops.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files answer here, before sessions and the database: hashed names cached for a
    # year, gzip when asked (docs/deploy.md). Pages still get their CSP below.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestIdMiddleware",
    "casehub.crypto.middleware.DataKeyScopeMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.sessions.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "orgs.middleware.SessionLifetimeMiddleware",
    "orgs.middleware.AccessGateMiddleware",
    "config.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.AuditRefusalsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orgs.context_processors.membership",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# PostgreSQL: persistent connections kept DATABASE_CONN_MAX_AGE seconds, or, with DATABASE_POOL=1,
# a psycopg pool per process (DATABASE_POOL_MIN_SIZE to _MAX_SIZE connections; size the database's
# max_connections for every web and worker process at the maximum).
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'casehub.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        pool={
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10, minimum=1),
        }
        if env_bool("DATABASE_POOL", False)
        else None,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "casehub.backends.CaseHubObjectPermissionBackend",
]
# guardian's own backend knows nothing of suspension or expiry, so it is never installed
# (research/authz.md §1.5): ours replaces it; guardian's warning about that is silenced on purpose.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
# No guardian "AnonymousUser" row: anonymous visitors get no object permissions at all.
ANONYMOUS_USER_NAME = None
LOGIN_URL = "orgs:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "orgs:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60

# Sign-in throttling: failures counted per account and per address inside a window;
# past the limit, sign-in is refused until the cool-off ends (never a permanent lock).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1)
LOGIN_COOL_OFF_SECONDS = env_int("LOGIN_COOL_OFF_SECONDS", 15 * 60, minimum=1)
# Password reset e-mails per hour, per address asked for and per client address; past either,
# the form answers as usual and sends nothing.
PASSWORD_RESETS_PER_ACCOUNT = env_int("PASSWORD_RESETS_PER_ACCOUNT", 3, minimum=1)
PASSWORD_RESETS_PER_ADDRESS = env_int("PASSWORD_RESETS_PER_ADDRESS", 10, minimum=1)
APPLICATIONS_PER_ADDRESS_PER_HOUR = env_int("APPLICATIONS_PER_ADDRESS_PER_HOUR", 5, minimum=1)

OTP_TOTP_ISSUER = "CaseHub"
OTP_TOTP_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7, minimum=1, maximum=60)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365, minimum=1)
# How long the answer to an API create stays replayable for its Idempotency-Key.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24, minimum=1)
APPLICATION_DOCUMENT_MAX_BYTES = env_int("APPLICATION_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

# Service directory: capacity not confirmed for this many days is shown (and ranked) as stale.
DIRECTORY_CAPACITY_STALE_DAYS = env_int("DIRECTORY_CAPACITY_STALE_DAYS", 7, minimum=1, maximum=365)
# Matching: the farthest a provider may be from the need's coordinates, in kilometres.
DIRECTORY_MATCH_MAX_KM = env_int("DIRECTORY_MATCH_MAX_KM", 150, minimum=1)
# The timezone service schedules (opening hours) are written in; deadlines count business hours in it.
CASEHUB_DIRECTORY_TIMEZONE = env_str("CASEHUB_DIRECTORY_TIMEZONE", env_str("TIME_ZONE", "UTC"))
# Referral deadlines per step and urgency (referrals/deadlines.py): h/m/d on the wall clock, bh/bd in
# the receiving service's business hours (a business day is 8 business hours). Override single
# entries with REFERRAL_DEADLINES="acknowledge.urgent=6bh,decide.routine=3bd".
REFERRAL_DEADLINES = {
    "acknowledge": {"emergency": "1h", "urgent": "4bh", "routine": "2bd"},
    "decide": {"emergency": "4h", "urgent": "1bd", "routine": "5bd"},
    "first_contact": {"emergency": "24h", "urgent": "2bd", "routine": "10bd"},
}
for _key, _spec in env_mapping("REFERRAL_DEADLINES").items():
    _step, _dot, _urgency = _key.partition(".")
    if _urgency not in REFERRAL_DEADLINES.get(_step, {}):
        raise ImproperlyConfigured(f"REFERRAL_DEADLINES: no deadline named {_key!r} (step.urgency)")
    REFERRAL_DEADLINES[_step][_urgency] = _spec
# The official Open Referral HSDS 3.0 schemas (schema/compiled/*.json) that imports and
# exports are validated against; by default the copy next to the repository.
HSDS_SCHEMA_DIR = Path(env_str("HSDS_SCHEMA_DIR", str(BASE_DIR / "directory" / "hsds" / "schema")))

# Referrals: how long a share opened by an accepted referral lasts, and how long it stays open
# for follow-up after the referral is completed.
REFERRAL_SHARE_DAYS = env_int("REFERRAL_SHARE_DAYS", 90, minimum=1)
REFERRAL_FOLLOW_UP_DAYS = env_int("REFERRAL_FOLLOW_UP_DAYS", 14, minimum=0)

CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    # One process (make run): memory is enough. Several web workers need CACHE_URL
    # so that sign-in throttling counts across them.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# `manage.py collectstatic` writes hashed, compressed copies and a manifest; with DEBUG off the
# pages link the hashed names (DEBUG serves the sources as they are, without collectstatic).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps are for developers' tools, not browsers: compressing them took most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are never served from MEDIA_URL; views stream them after an access check.
MEDIA_URL = "/private-media/"
FILE_UPLOAD_PERMISSIONS = 0o600
# Blind indexes (casehub/crypto/blind_index.py): expected rows per organization sets the bits
# by the rule 2 <= rows / 2^bits <= sqrt(rows); CASEHUB_BLIND_INDEX_BITS (1-31) overrides it.
# Changing either needs `manage.py rebuild_blind_indexes`.
CASEHUB_BLIND_INDEX_ROWS = env_int("CASEHUB_BLIND_INDEX_ROWS", 20_000, minimum=4)
CASEHUB_BLIND_INDEX_BITS = env_int("CASEHUB_BLIND_INDEX_BITS", 0, minimum=0, maximum=31)
# Encrypted case attachments (casehub/crypto/files.py): size limit, and accepted types by magic bytes.
CASEHUB_ATTACHMENT_MAX_BYTES = env_int("CASEHUB_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
CASEHUB_ATTACHMENT_TYPES = env_list(
    "CASEHUB_ATTACHMENT_TYPES", ["application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff"]
)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Seconds before the SMTP backend gives up on a silent mail server (Django waits forever by default).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CaseHub <noreply@casehub.invalid>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Deployments (or test runs) sharing one broker keep apart by giving each its own queue.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE = {
    "verify-audit-chain": {"task": "audit.tasks.verify_audit_chain", "schedule": 6 * 60 * 60},
    # Counted repeats of refused requests reach the trail within a window of their first.
    "audit-refusal-sweep": {"task": "audit.tasks.refusal_sweep", "schedule": 60},
    # Reads check expiry themselves; this only tidies up ended shares' grants and says so.
    "retire-expired-shares": {"task": "sharing.tasks.retire_expired_shares", "schedule": 5 * 60},
    # Reminders at 50% and 100% of a referral's deadline, expiry at 200%, follow-up shares ended.
    "referral-deadline-sweep": {
        "task": "referrals.tasks.referral_sweep",
        "schedule": env_int("REFERRAL_SWEEP_SECONDS", 60, minimum=1),
    },
    "notification-email-sweep": {"task": "notifications.tasks.email_sweep", "schedule": 5 * 60},
    # Beat's pulse for /health/ready (ops/health.py).
    "heartbeat": {"task": "ops.tasks.heartbeat", "schedule": 60},
    # Sessions are saved at most once a minute and never deleted by use: expired ones go here.
    "clear-expired-sessions": {"task": "orgs.tasks.clear_expired_sessions", "schedule": 60 * 60},
    "delete-expired-idempotency-keys": {"task": "orgs.tasks.delete_expired_idempotency_keys", "schedule": 60 * 60},
}
# Workers log through LOGGING below (JSON lines with the task's id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A worker's claim on a notification e-mail (notifications/services.py): past it, a worker is
# presumed dead and the e-mail may be sent by another. Keep it well above EMAIL_TIMEOUT.
NOTIFICATION_EMAIL_LEASE_SECONDS = env_int("NOTIFICATION_EMAIL_LEASE_SECONDS", 10 * 60, minimum=1)

# Audit trail: independent hash-chain lanes, so concurrent writers do not queue behind one lock
# (audit/services.py). Lowering it later is safe: old lanes keep verifying.
AUDIT_LANES = env_int("AUDIT_LANES", 16, minimum=1, maximum=256)
# Identical refused requests within this many seconds are one event plus one counted event.
AUDIT_REFUSAL_WINDOW_SECONDS = env_int("AUDIT_REFUSAL_WINDOW_SECONDS", 60, minimum=1)

# Sharing: a share's default and longest life, and the longest emergency override.
CASEHUB_SHARE_DEFAULT_DAYS = env_int("CASEHUB_SHARE_DEFAULT_DAYS", 30)
CASEHUB_SHARE_MAX_DAYS = env_int("CASEHUB_SHARE_MAX_DAYS", 180)
CASEHUB_OVERRIDE_MAX_HOURS = env_int("CASEHUB_OVERRIDE_MAX_HOURS", 72)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "orgs.api_auth.ApiTokenAuthentication",
        "orgs.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["orgs.api_auth.IsVerifiedAndAllowed"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["orgs.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CaseHub API",
    "DESCRIPTION": "Case sharing for organizations that assist survivors of human trafficking.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["orgs.api_auth.IsVerifiedAndAllowed"],
    # Every operation's error responses as RFC 9457 problems (config/schema.py, docs/api.md).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.problem_responses"],
    # One name for a choice set that several inputs use (share purposes; directory genders served
    # and referral constraints).
    "ENUM_NAME_OVERRIDES": {
        "SharePurposeEnum": "casehub.grants.Purpose.choices",
        "ServedGenderEnum": "directory.models.Gender",
    },
}

# Observability (docs/observability.md). The request id comes from the proxy's X-Request-ID
# only when trusted; otherwise every request gets a fresh one.
CASEHUB_TRUST_REQUEST_ID = env_bool("CASEHUB_TRUST_REQUEST_ID", False)
# /health/ready fails when the heartbeat task (scheduled every minute) is older than this.
OPS_HEARTBEAT_MAX_AGE = env_int("OPS_HEARTBEAT_MAX_AGE", 5 * 60, minimum=120)
# /metrics answers only a bearer of this token; unset, the page does not exist.
METRICS_TOKEN = env_str("METRICS_TOKEN")
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Ours: the request id on every line, exceptions by type and frames without their messages.
    "formatters": {"plain": {"()": "ops.logs.PlainFormatter"}, "json": {"()": "ops.logs.JsonFormatter"}},
    "filters": {"task_values": {"()": "ops.logs.TaskValuesFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["task_values"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger prints request details on errors; keep it to WARNING
        # and never log request bodies anywhere.
        "django.request": {"level": "ERROR"},
    },
}

# Error reports (ops/errors.py): off unless SENTRY_DSN is set, and scrubbed of personal data.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from ops.errors import error_reporting_init

    error_reporting_init(dsn=SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT"), release=env_str("SENTRY_RELEASE"))
