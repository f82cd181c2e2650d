"""KRAT settings: every value that differs between machines comes from the environment.

Development needs nothing set: DEBUG is off unless asked for, so `make run` sets DEBUG=1.
Production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README and .env.example).
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG")
# Under pytest the suite gets fast hashing, in-memory e-mail and a throwaway key.
TESTING = env_bool("KRAT_TESTING") or "pytest" in sys.modules

# Commands that only read the code and write source files never sign anything: they run
# without a key, as the workplace's checks run `manage.py makemigrations --check` bare.
SOURCE_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}
FOR_SOURCES = Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 and sys.argv[1] in SOURCE_COMMANDS

SECRET_KEY = os.environ.get("SECRET_KEY") or ""
if not SECRET_KEY:
    if not (DEBUG or TESTING or FOR_SOURCES):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "krat.apps.KratAdminConfig",  # django.contrib.admin whose site asks for the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "krat",
    "meetings",
    "cases",
    "actionplan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "krat.middleware.AlbanianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "krat.middleware.TwoFactorMiddleware",
    "krat.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "krat.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "krat.urls"
WSGI_APPLICATION = "krat.wsgi.application"

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
                "krat.context_processors.navigation",
                "krat.context_processors.session",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL in production via DATABASE_URL. ---
# An empty DATABASE_URL counts as unset (dj-database-url would return {}).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "krat.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "krat:home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "krat.auth.KratBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Log-in throttling (django-axes; krat/throttle.py gives each kind of lock its own limit).
# Failed log-ins are counted over a sliding window of KRAT_LOGIN_WINDOW_MINUTES; a kind of
# lock holds while its failures in the window reach its limit, and lifts, at a time the
# locked-out page shows, when enough of them have aged out of the window.
# - one person at one address, 5: the owner's own typing errors, or a stranger guessing
#   from one machine. A stranger's five guesses lock only the stranger's address for that
#   person, never the chair at their own desk.
# - one person from any address, 20: many addresses guessing one person's password (a
#   botnet, or someone hopping between networks) get 20 guesses per window, then the person
#   is locked everywhere. It is four times the first limit, so a stranger needs at least four
#   addresses to lock the chair out; and since failures made while locked are not counted
#   (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), a locked stranger who keeps trying does
#   not add to it. 20 guesses per 30 minutes is about a thousand a day, against passwords
#   of at least ten characters that are not on the common-password list.
# - one address, any user name, 30: one password tried on many user names. Higher than the
#   person's limit because a prefecture's staff may share one public address behind its
#   router, and a morning of typing errors by ten people must not lock the building out.
# - the window, 30 minutes: long enough to make guessing slow, short enough that someone
#   locked by their own typing errors waits half an hour, not a morning. The secretariat can
#   unlock a representative or observer of its county sooner (their page, "Unlock log-in").
KRAT_LOGIN_LIMITS = {
    ("username", "ip_address"): env_int("KRAT_LOGIN_LIMIT_PERSON_AT_ADDRESS", 5),
    ("username",): env_int("KRAT_LOGIN_LIMIT_PERSON", 20),
    ("ip_address",): env_int("KRAT_LOGIN_LIMIT_ADDRESS", 30),
}
if min(KRAT_LOGIN_LIMITS.values()) < 1:
    raise ImproperlyConfigured("Each KRAT_LOGIN_LIMIT_* must be at least 1.")
AXES_LOCKOUT_PARAMETERS = [list(kind) for kind in KRAT_LOGIN_LIMITS]
AXES_HANDLER = "krat.throttle.LoginThrottle"
# axes' own single limit only backs up the handler's per-kind ones: it is the highest of
# them, so whatever it locks one of those locked first.
AXES_FAILURE_LIMIT = max(KRAT_LOGIN_LIMITS.values())
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KRAT_LOGIN_WINDOW_MINUTES", 30))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "krat.throttle.lockout_response"  # the page says until when
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429  # axes' default, stated: the locked-out page answers Too Many Requests


def client_address_settings(trusted_proxies: int) -> tuple[tuple[str, ...], int | None]:
    """Where axes, through django-ipware, reads a client's address: the META keys in order
    (AXES_IPWARE_META_PRECEDENCE_ORDER) and the proxies listed in the header
    (AXES_IPWARE_PROXY_COUNT).

    With no trusted proxy, from the connection alone: an X-Forwarded-For header is the
    client's own word and is ignored, so nobody escapes a lock by inventing addresses.
    Behind `trusted_proxies` reverse proxies of ours (1 for the documented nginx or Apache),
    from X-Forwarded-For counted from its right end, where our proxies wrote: the entry
    `trusted_proxies` places from the right is the address our outermost proxy saw connect;
    anything a client wrote further left is never read.
    """
    if trusted_proxies < 0:
        raise ImproperlyConfigured("KRAT_TRUSTED_PROXY_COUNT cannot be negative.")
    if trusted_proxies == 0:
        return ("REMOTE_ADDR",), None
    # ipware counts the proxies listed inside the header; the last of ours is not in it
    # (it is the connection, REMOTE_ADDR).
    return ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), trusted_proxies - 1


KRAT_TRUSTED_PROXY_COUNT = env_int("KRAT_TRUSTED_PROXY_COUNT", 0)
AXES_IPWARE_META_PRECEDENCE_ORDER, AXES_IPWARE_PROXY_COUNT = client_address_settings(KRAT_TRUSTED_PROXY_COUNT)
# Non-strict: a client behind its own office proxy, which adds an entry of its own to the
# left, is still read at the address that reached ours, not thrown together with everyone
# at the proxy's address.
IPWARE_STRICT = False

# --- Forgotten passwords (krat/password_reset.py): reset requests per e-mail address and
# per client address, counted in the default cache over a window of an hour. A reset link
# works once, for a day: long enough to be read at the office the next morning.
KRAT_PASSWORD_RESET_LIMIT_ADDRESS = env_int("KRAT_PASSWORD_RESET_LIMIT_ADDRESS", 3)
KRAT_PASSWORD_RESET_LIMIT_CLIENT = env_int("KRAT_PASSWORD_RESET_LIMIT_CLIENT", 10)
KRAT_PASSWORD_RESET_WINDOW = 60 * 60
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

# The cache holds those counters, the suppression patterns (`krat.suppression.remembered`:
# keyed by the figures themselves, never stale) and, with REDIS_URL only, the data of the
# report preview's sections and of the national report under the generations of the models
# they read (`krat.generations`); no rendered page is kept. In production it is Redis, shared by every application process
# (REDIS_URL, e.g. redis://127.0.0.1:6379/0, through Django's own RedisCache); without it,
# each process keeps its own in memory. CACHE_BACKEND/CACHE_LOCATION name another one.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": os.environ.get("CACHE_BACKEND") or "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": os.environ.get("CACHE_LOCATION", ""),
            # The suppression patterns (`krat.suppression.remembered`): a national page holds
            # about 110; the default of 300 would cull them as soon as two periods are read.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Live figures kept under generations (`krat.generations`): only where every process
# shares the cache (Redis), or one process serves and writes (the tests). Gunicorn's
# workers, or a management command beside `runserver`, each with their own memory would
# not see each other's writes.
KRAT_GENERATIONS = env_bool("KRAT_GENERATIONS", bool(REDIS_URL) or TESTING)

# Two-factor log-in (TOTP): the issuer name shown in authenticator apps.
OTP_TOTP_ISSUER = "KRAT"

# Idle sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False  # krat.middleware.IdleSessionMiddleware refreshes it
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# How long before the idle end a page warns, with a button that keeps the session
# (static/js/session.js); at most half the idle limit.
KRAT_SESSION_WARNING_SECONDS = env_int("KRAT_SESSION_WARNING_SECONDS", 5 * 60)

# --- Language: Albanian first, English one click away. ---
LANGUAGE_CODE = "sq"
LANGUAGES = [("sq", _("Albanian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Tirane"
FORMAT_MODULE_PATH = ["krat.formats"]

# --- Static and uploaded files ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Several app servers share one MEDIA_ROOT (a mounted path) in production.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Development and tests serve static files straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The most text a form may send (files apart); a larger one is answered 413 in the page's
# language (krat.views.errors) and stopped before it leaves the page (static/js/form-size.js).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A failed CSRF check, in the site's language and format (Django's page is English).
CSRF_FAILURE_VIEW = "krat.views.errors.csrf_failure"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "krat@localhost")
# Where people reach the application: links in e-mails are made absolute with it.
KRAT_SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
# The national office's letterhead on the national report (the counties' letterheads are
# their own settings, `County`): a proper name, printed as given.
KRAT_NATIONAL_OFFICE_NAME = os.environ.get(
    "KRAT_NATIONAL_OFFICE_NAME", "Zyra e Koordinatorit Kombëtar kundër Trafikimit të Personave"
)
KRAT_NATIONAL_OFFICE_ADDRESS = os.environ.get("KRAT_NATIONAL_OFFICE_ADDRESS", "")
KRAT_NATIONAL_OFFICE_PHONE = os.environ.get("KRAT_NATIONAL_OFFICE_PHONE", "")
KRAT_NATIONAL_OFFICE_EMAIL = os.environ.get("KRAT_NATIONAL_OFFICE_EMAIL", "")

# --- Security: strict unless DEBUG. ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Content-Security-Policy: only our own scripts, styles and images run; no inline script
# or style attribute anywhere, so injected markup cannot execute. (data: images are
# Bootstrap's icons and the charts in PDFs.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    AXES_ENABLED = env_bool("AXES_ENABLED", True)

# `import_county` refuses an archive with more entries, or more bytes once unpacked (the zip's
# header is checked first, the bytes are counted again as they are read).
KRAT_ARCHIVE_MAX_ENTRIES = env_int("KRAT_ARCHIVE_MAX_ENTRIES", 5000)
KRAT_ARCHIVE_MAX_BYTES = env_int("KRAT_ARCHIVE_MAX_BYTES", 2 * 1024**3)

# The dashboard's cards, the demo records, the benchmark data, the report's sections and the
# API's routes of each app: declared by the app itself (`krat.contributions`), not here.

# --- The REST API (/api/v1/, krat.api): tokens per person, the browser's rules. ---
# django_filters for its templates: the browsable API draws each list's filter form with them.
INSTALLED_APPS += ["rest_framework", "django_filters", "drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "krat.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON in, as the schema says: the nested grids have no form encoding.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "krat.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "krat.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KRAT API",
    "DESCRIPTION": (
        "The county anti-trafficking tables' data for institutions' own systems. "
        "Authenticate with `Authorization: Token <key>` (made on the Security page). "
        "Messages follow `Accept-Language` (sq, en; Albanian by default). Edits need "
        "`If-Match` with the ETag last read: 428 without it, 412 when someone saved since. "
        "Small numbers: a count hidden from you is `null` with `suppressed: true` beside it."
    ),
    "TAGS": [
        {
            "name": "period data",
            "description": (
                "Anonymous counts only, never a person. `victim-grids` and `employment-grids`: one "
                "resource per period and institution (key `<period id>-<institution id>`), read "
                "exact by the secretariat, the chair and the institution's representatives and "
                "with small numbers hidden by everyone else, replaced whole with PUT. "
                "`street-interventions`: one record per intervention, read by those who see them "
                "exact, recorded (POST) and edited (PUT, PATCH) by the institution and the "
                "secretariat; never deleted. `street-summaries`: a period's children in street "
                "situations as the street page shows them to you (read). `age-groups`: the ids "
                "the counts refer to. Writes "
                "follow the entry pages' rules; a closed period refuses them."
            ),
        }
    ],
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The description of the API is for signed-in people only: it maps every resource.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "ENUM_NAME_OVERRIDES": {
        "DecisionStatusEnum": "meetings.choices.DecisionStatus",
        # Meetings and awareness events share planned / held / cancelled.
        "ScheduleStatusEnum": "meetings.choices.MeetingStatus",
        "ProgressStatusEnum": "actionplan.choices.ProgressStatus",
        "VictimStatusEnum": "cases.choices.VictimStatus",
        "SubmissionStateEnum": "krat.models.submission.SubmissionState",
    },
}
