"""Bastion settings: one module, typed values from the environment, loud on missing secrets.

Defaults run on a laptop (SQLite under var/, debug off). Production sets
BASTION_ENV=production, DATABASE_URL, SECRET_KEY, BASTION_FIELD_KEYS and
BASTION_INDEX_KEY (each also readable from a *_FILE path).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bastion.core.envkeys import envbool, envint, envsecret, local_secret

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("BASTION_VAR_DIR", Path.cwd() / "var")).resolve()
PRODUCTION = os.environ.get("BASTION_ENV", "development") == "production"

DEBUG = envbool("DEBUG", False)


def _secret(name: str, length: int = 50) -> str:
    value = envsecret(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set in production")
    return local_secret(VAR_DIR, name, length)


SECRET_KEY = _secret("SECRET_KEY")
# Comma-separated Fernet keys, newest first (MultiFernet rotation).
FIELD_ENCRYPTION_KEYS = [k for k in _secret("BASTION_FIELD_KEYS", 0).split(",") if k]
BLIND_INDEX_KEY = _secret("BASTION_INDEX_KEY")

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # Swagger UI from the package's own static files, not a CDN (intranets)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "bastion.core",
    "bastion.geo",
    "bastion.people",
    "bastion.access",
    "bastion.party",
    "bastion.monitoring",
    "bastion.campaigns",
    "bastion.volunteers",
    "bastion.supplies",
    "bastion.command",
    "bastion.reports",
    "bastion.field",
    "bastion.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bastion.core.security.SecurityHeadersMiddleware",  # CSP: the app's own assets only
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bastion.core.limits.RequestSizeMiddleware",  # 413 before anything reads the body
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bastion.core.locale.BastionLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "bastion.access.middleware.SessionTimeoutMiddleware",
    "bastion.access.middleware.OtpRequiredMiddleware",
    "bastion.access.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "bastion.core.idempotency.IdempotencyMiddleware",
    "bastion.core.dbrouter.ReplicaPinMiddleware",
]

ROOT_URLCONF = "bastion.urls"
WSGI_APPLICATION = "bastion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "bastion.access.navigation.navigation",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Health checks: a connection kept from before a database restart is replaced, not
    # used and failed (core.unavailable answers 503 while the database is away).
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    if PRODUCTION:
        raise ImproperlyConfigured("DATABASE_URL must be set in production")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "bastion.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
# A PostgreSQL streaming replica for dashboards and reports (core.dbrouter, decision
# 0083): reads inside @reads_from_replica views go there unless the user wrote in the
# last BASTION_REPLICA_PIN_SECONDS; every write goes to the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_URL and DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["bastion.core.dbrouter.ReplicaRouter"]
BASTION_REPLICA_PIN_SECONDS = envint("BASTION_REPLICA_PIN_SECONDS", 30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and security --------------------------------------------------------
AUTH_USER_MODEL = "access.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "bastion.access.loginlimit.LoginRateLimitBackend",  # attempts per address, all workers
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "geo:home"
LOGOUT_REDIRECT_URL = "access:login"

AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "bastion.access.views.locked_out"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "bastion.core.audit.client_ip"  # same rule as the audit trail
# Password attempts per client address (any usernames), counted by every worker alike.
BASTION_LOGIN_ATTEMPTS_PER_IP = envint("BASTION_LOGIN_ATTEMPTS_PER_IP", 30)
BASTION_LOGIN_WINDOW_SECONDS = envint("BASTION_LOGIN_WINDOW_SECONDS", 300)

# Who calls the API (bearer token or session), shared by the NinjaAPI auth and the
# idempotency middleware.
IDEMPOTENCY_USER_RESOLVER = "bastion.access.apiauth.api_user"
IDEMPOTENCY_PATH_PREFIX = "/api/v1/"

SESSION_INACTIVITY_SECONDS = envint("SESSION_INACTIVITY_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Trust X-Forwarded-For only behind a known proxy.
BASTION_TRUST_X_FORWARDED_FOR = envbool("TRUST_X_FORWARDED_FOR", False)

# --- Language and time --------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it to exist
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
BASTION_MAX_IMPORT_BYTES = envint("BASTION_MAX_IMPORT_BYTES", 200 * 1024 * 1024)
# Photos, scans and attachments (core.uploads): the largest file accepted, and the
# longest side an image keeps after it is re-encoded.
BASTION_MAX_UPLOAD_BYTES = envint("BASTION_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
BASTION_MAX_IMAGE_SIDE = envint("BASTION_MAX_IMAGE_SIDE", 2560)

# Where indicators are defined: every app that owns figures lists them in INDICATORS.
BASTION_INDICATOR_MODULES = [
    "bastion.geo.indicators",
    "bastion.people.indicators",
    "bastion.party.indicators",
    "bastion.monitoring.indicators",
    "bastion.campaigns.indicators",
    "bastion.volunteers.indicators",
    "bastion.supplies.indicators",
    "bastion.command.indicators",
]

# Dashboards and the daily briefing (issue 12). The morning job writes a draft briefing
# of the day before for each region listed (division codes; empty = every county) at
# BASTION_BRIEFING_HOUR local time. Live dashboard figures are computed at most once per
# BASTION_DASHBOARD_LIVE_SECONDS; a closed past day's figures are kept for
# BASTION_DASHBOARD_PAST_TTL seconds (decision 0070). BASTION_RESPONSE_START (YYYY-MM-DD)
# is the first day of the trend charts (default: the last 14 days).
BASTION_BRIEFING_HOUR = envint("BASTION_BRIEFING_HOUR", 7)
BASTION_BRIEFING_REGIONS = [
    c.strip() for c in os.environ.get("BASTION_BRIEFING_REGIONS", "").split(",") if c.strip()
]
BASTION_DASHBOARD_LIVE_SECONDS = envint("BASTION_DASHBOARD_LIVE_SECONDS", 30)
BASTION_DASHBOARD_PAST_TTL = envint("BASTION_DASHBOARD_PAST_TTL", 3600)
BASTION_RESPONSE_START = os.environ.get("BASTION_RESPONSE_START", "") or None

# Uploaded import files hold ID numbers in clear: deleted when the import is done, and
# at most this long after their last use otherwise (`bastion purge`, hourly job).
BASTION_IMPORT_RETENTION_HOURS = envint("BASTION_IMPORT_RETENTION_HOURS", 24)

# --- Email (notifications copy to email only when configured) -------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bastion@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.locmem.EmailBackend"
)

# --- Background work (Huey) ----------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_IMMEDIATE = envbool("HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "bastion",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "bastion",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

# --- Cache (short-lived values; rate limits count in core.ratelimit's shared store) --
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Logging: never personal data; messages carry public ids only ----------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
