"""The one settings module. Everything that differs between a laptop demo and
production is an environment variable (see .env.example); nothing forks by file.

Without DATABASE_URL the app uses an SQLite file; without REDIS_URL Celery runs
tasks in-process and the cache is local memory. Both fallbacks are for the demo.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from smartcity import storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make demo` writes .env (git-ignored); real environment variables win over it.
environ.Env.read_env(
    env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False
)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) refuses to start without "
            "it: set SECRET_KEY to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "regions",
    "assessments",
    "submissions",
    "notifications",
    "reviews",
    "scoring",
    "api",
    "dashboards",
    "backups",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "smartcity.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartcity.middleware.RequestIdMiddleware",
    "smartcity.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its response.
    "axes.middleware.AxesMiddleware",
]

# Every powerful browser feature is off for every origin (PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "battery",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ],
    "()",
)

ROOT_URLCONF = env.str("ROOT_URLCONF", default="smartcity.urls")  # bench: bench.urls
WSGI_APPLICATION = "smartcity.wsgi.application"

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
                "accounts.context_processors.role",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

# Database
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo database: writers queue for the lock at BEGIN (IMMEDIATE) for up
    # to SQLITE_TIMEOUT seconds instead of failing mid-transaction, and readers
    # never block a writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.float("SQLITE_TIMEOUT", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Redis: one server, separate database numbers for the Celery broker and the cache.
def _redis_db(url: str, number: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = _redis_db(REDIS_URL, env.int("REDIS_BROKER_DB", default=0))
    CACHES = {
        "default": {
            "BACKEND": "smartcity.cache.RedisCache",
            "LOCATION": _redis_db(REDIS_URL, env.int("REDIS_CACHE_DB", default=1)),
            "KEY_PREFIX": "smartcity",
            # A dead Redis must not hold requests up: the cache degrades to
            # misses (smartcity/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Demo only: tasks run in the web process, the cache lives in its memory.
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # results live in PostgreSQL, not in the broker
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The weights explorer's attainable ranks take minutes for 514 regions: their
# own queue, consumed by its own worker (`-Q explorer`, docker-compose's
# worker-explorer), so they never hold back recomputes, uploads or e-mails.
EXPLORER_QUEUE = "explorer"
CELERY_TASK_ROUTES = {"scoring.tasks.compute_attainable": {"queue": EXPLORER_QUEUE}}
# Redis hands an unacknowledged task to another worker after the visibility
# timeout. It must exceed the longest countdown a task waits for (a webhook's
# last retry: 16 min) plus the hard time limit (6 min), or a task still waiting
# or running would run twice. A task lost with a killed worker is picked up
# earlier by the beat sweeps (stale score runs, waiting files).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 24,
    },
    "requeue-waiting-files": {
        "task": "submissions.tasks.requeue_waiting_files",
        "schedule": 60 * 10,
    },
    "recompute-waiting-scores": {
        "task": "scoring.tasks.recompute_waiting",
        "schedule": 60,
    },
    "recompute-open-cycles-nightly": {
        "task": "scoring.tasks.recompute_open_cycles",
        "schedule": crontab(hour=1, minute=30),
    },
}

# Authentication
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = 60 * 60 * 8  # one working day

# Language and time: Bahasa Indonesia first, English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Static files (served by whitenoise) and uploads (never served statically).
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "dashboards.finders.PlotlyFinder",  # plotly.js from the pinned plotly package
]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploads on the local volume, or in an S3-compatible bucket when STORAGE_URL is
# set (s3://bucket[/prefix]?endpoint_url=...&region=...; keys in AWS_* variables):
# required when web and worker run on separate hosts (docs/deployment.md).
STORAGE_URL = env.str("STORAGE_URL", default="")
try:
    _media_storage = storage.media_storage(STORAGE_URL)
except storage.StorageUrlError as error:
    raise ImproperlyConfigured(str(error)) from error
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: streamed to temporary files, hashed, capped per file (Django has no
# per-file cap; the proxy in front should also cap the body, see docs/deployment.md).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=50) * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["submissions.upload_handlers.CappedHashingUploadHandler"]
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default="") or None
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# REST API v1: public reads throttled per client address (state in the cache,
# i.e. Redis in production). X-Forwarded-For is read only when the request
# comes from one of TRUSTED_PROXIES (addresses or networks, e.g. the nginx
# container's; empty: REMOTE_ADDR only), so a client cannot pick its address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network "
            "(e.g. 172.28.0.10 or 172.28.0.0/24)."
        ) from _error
# Webhook receivers on loopback, private or link-local addresses are refused
# (an admin-set URL must not reach inside the network); on only for tests/demo.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.AnonymousRateThrottle",
        "api.throttles.SignedInRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/min"),
        "user": env.str("API_USER_RATE", default="600/min"),
    },
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Smart City Readiness API",
    "DESCRIPTION": "Gerakan Menuju 100 Smart City: regions, frameworks, cycles and "
    "published readiness scores. Only published releases appear here.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Reviews: how many reviewers per region when balancing, the most regions one
# reviewer gets (empty: no cap), and whether reviewers skip their home province.
REVIEWERS_PER_REGION = env.int("REVIEWERS_PER_REGION", default=3)
REVIEWER_MAX_REGIONS = env.int("REVIEWER_MAX_REGIONS", default=0) or None
REVIEW_HOME_PROVINCE_RULE = env.bool("REVIEW_HOME_PROVINCE_RULE", default=True)

# E-mail: notifications are sent by the Celery worker. Without EMAIL_URL the mails
# are printed to the worker's log (demo). Production: an SMTP URL such as
# smtp+tls://user:password@smtp.example.go.id:587 (URL-encode the password).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30  # seconds; a stalled server fails the job, which retries
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Smart City <noreply@smartcity.example.go.id>"
)
# The site's public address, for links in e-mails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Security. Production defaults; a TLS-terminating proxy sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes speak plain HTTP
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script reads the cookie

# Content-Security-Policy (django-csp): scripts only from the app's own static
# files, never inline. Styles allow inline because plotly.js injects its own
# style rules and sets style attributes while drawing; inline styles cannot run
# code. Downloads of uploaded files set their own stricter policy (sandbox).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],  # plotly's PNG download
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username from one address, that pair is refused for AXES_COOLOFF_HOURS, with
# the login page saying so. A successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=env.float("AXES_COOLOFF_HOURS", default=0.5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address by the API throttle's rule: X-Forwarded-For only as written
# by TRUSTED_PROXIES, so a direct client cannot rotate its lockout address and
# clients behind the proxy are not all counted as the proxy's address.
AXES_CLIENT_IP_CALLABLE = "api.throttles.request_address"
AXES_VERBOSE = False

# Logging: to stdout, for the container runtime to collect.
# LOG_FORMAT=json writes one JSON object per line (python-json-logger); every
# record made while a request is handled carries its request id.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "smartcity.middleware.RequestIdFilter"}},
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
            },
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # pypdf warns about every quirk of a real-world PDF; the checks decide.
    "loggers": {"pypdf": {"level": "ERROR"}},
}
