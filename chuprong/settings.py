"""Settings of the Chư Prông portal: one module, read from the environment.

Every value comes from an environment variable (or a `.env` file beside
`manage.py`, which real environment variables override), parsed by
django-environ. `.env.example` lists them all with comments.

Two shapes come out of the same module:

* the embedded default (nothing set but `DEBUG=1`): SQLite, local-memory
  cache, Celery tasks run in-process;
* production (`DEBUG` off): `SECRET_KEY` and `ALLOWED_HOSTS` are required,
  `DATABASE_URL` points at PostgreSQL and `REDIS_URL` at Redis (broker and
  shared cache).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if not env.bool("CHUPRONG_IGNORE_DOTENV", default=False) and (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    """A boolean variable that refuses values it does not understand.

    django-environ reads any unknown word (``DEBUG=ture``) as False; a typo in a
    production switch must stop the start instead.
    """
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
        )
    return value in _TRUE


DEBUG = env_bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="django-insecure-chuprong-dev-only-never-in-production"
    )
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. It has a development default only when DEBUG=1; "
            "in production set a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set: list the host names the portal answers to, "
        "separated by commas (for example portal.chuprong.gialai.gov.vn)."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# ---------------------------------------------------------------- applications
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "django_celery_beat",
    "kit",
    "core",  # app label "chuprong": tables, migrations and AUTH_USER_MODEL keep the name
    "trainings",
    "volunteers",
    "market",
    "legal_library",
    "reports",
    "ops",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kit.csp.CSPMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # anonymous pages from the cache, before sessions and authentication: the
    # vendor page and its codes (market/early.py; the key's stamp is read on every
    # request) and the library's point and document pages (legal_library/views.py;
    # the library's version is read on every request, the visit or read counted)
    "kit.earlycache.EarlyCachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kit.middleware.VietnameseFirstLocaleMiddleware",
    "kit.middleware.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a signed-in visitor's page that says nothing of caching: "private, no-store"
    "kit.http.PrivateByDefaultMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# A request body larger than this is refused before it is read (RequestGuardMiddleware):
# the largest upload is a 20 MB PDF attachment, plus the admin form's other fields.
MAX_REQUEST_BYTES = 24 * 1024 * 1024
# The largest audio reading of a legal document an officer may upload (MP3, M4A, Ogg):
# one such file per save of the admin form fits under MAX_REQUEST_BYTES.
LIBRARY_AUDIO_MAX_BYTES = env.int("LIBRARY_AUDIO_MAX_BYTES", default=20 * 1024 * 1024)
# Longer addresses (path + query string) are refused with a 414, as gunicorn's
# limit_request_line (4094 bytes) refuses them in production.
MAX_URL_LENGTH = 4094

ROOT_URLCONF = "chuprong.urls"
WSGI_APPLICATION = "chuprong.wsgi.application"
ASGI_APPLICATION = "chuprong.asgi.application"

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
                "kit.context_processors.portal_area",
            ],
        },
    },
]

# -------------------------------------------------------------------- database
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
_SUPPORTED_ENGINES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}
if DATABASES["default"]["ENGINE"] not in _SUPPORTED_ENGINES:
    raise ImproperlyConfigured(
        "DATABASE_URL must be postgres://... (production) or sqlite:///... (embedded default); "
        f"got the engine {DATABASES['default']['ENGINE']!r}."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the embedded default serve a few
    # concurrent requests without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # An unreachable server fails the request (503 page) in seconds instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------- cache and celery
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
if REDIS_URL:
    CACHES = {
        "default": {
            # RedisCache that keeps pages working while Redis is down (kit/cache.py):
            # short timeouts, then this process leaves Redis alone for retry_after seconds.
            "BACKEND": "kit.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chuprong",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_after": 5},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_EAGER_PROPAGATES = True

CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# soft limit < hard limit < the broker's visibility timeout, so a task that
# hangs is killed before Redis hands it to a second worker.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic work, run by one `celery beat` (times are Asia/Ho_Chi_Minh).
CELERY_BEAT_SCHEDULE = {
    "legal-library-status": {
        "task": "legal_library.refresh_document_status",
        "schedule": crontab(hour=0, minute=5),
    },
    "legal-library-counts": {"task": "legal_library.flush_counts", "schedule": 60.0},
}
if not CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < 3600:
    raise ImproperlyConfigured(
        "Celery time limits must satisfy soft limit < hard limit < 3600 s (visibility timeout)."
    )
# Schedules officers may change (monthly reports, the weekly campaign summary)
# live in the database (django-celery-beat, created by migration
# chuprong/0004); the ones above are technical and always as written here.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE["reports-sweep"] = {
    "task": "chuprong.sweep_reports",
    "schedule": 300.0,
}
# Adoption reports: a province-wide report takes minutes, so its task has
# its own limits (still below the visibility timeout), and retries on
# database errors back off exponentially from REPORT_RETRY_BACKOFF seconds.
REPORT_SOFT_TIME_LIMIT = env.int("REPORT_SOFT_TIME_LIMIT", default=1500)
REPORT_TIME_LIMIT = env.int("REPORT_TIME_LIMIT", default=1800)
REPORT_RETRY_BACKOFF = env.int("REPORT_RETRY_BACKOFF", default=30)
if not REPORT_SOFT_TIME_LIMIT < REPORT_TIME_LIMIT < 3600:
    raise ImproperlyConfigured(
        "Report time limits must satisfy REPORT_SOFT_TIME_LIMIT < REPORT_TIME_LIMIT < 3600 s."
    )

# The market's follow-ups ("is the vendor still receiving transfers?"): due this
# many days after a vendor goes cashless, then this many days after each answer;
# a "yes" within the last MARKET_FOLLOWUP_EVERY_DAYS days makes the vendor confirmed.
MARKET_FOLLOWUP_FIRST_DAYS = env.int("MARKET_FOLLOWUP_FIRST_DAYS", default=30)
MARKET_FOLLOWUP_EVERY_DAYS = env.int("MARKET_FOLLOWUP_EVERY_DAYS", default=90)
if not (0 < MARKET_FOLLOWUP_FIRST_DAYS <= 3660 and 0 < MARKET_FOLLOWUP_EVERY_DAYS <= 3660):
    raise ImproperlyConfigured(
        "MARKET_FOLLOWUP_FIRST_DAYS and MARKET_FOLLOWUP_EVERY_DAYS must be 1 to 3660 days."
    )

# Residents' names and phones on visits (Decree 13/2023/NĐ-CP): kept this many
# months after the visit, then erased by the nightly task (counts stay).
RESIDENT_DATA_MONTHS = env.int("RESIDENT_DATA_MONTHS", default=12)
if not 1 <= RESIDENT_DATA_MONTHS <= 120:
    raise ImproperlyConfigured("RESIDENT_DATA_MONTHS must be 1 to 120 months.")
CELERY_BEAT_SCHEDULE["resident-data-expiry"] = {
    "task": "volunteers.expire_resident_data",
    "schedule": crontab(hour=2, minute=30),
}

# ---------------------------------------------------------------------- email
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Đoàn xã Chư Prông <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = [("", address) for address in env.list("ADMINS", default=[])]

# -------------------------------------------------------------- users, sign-in
AUTH_USER_MODEL = "chuprong.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# The one-time sign-in link an officer hands over (core/sign_in_links.py): valid this
# many seconds from when it is made, once. Password resets keep PASSWORD_RESET_TIMEOUT.
SIGN_IN_LINK_TIMEOUT = env.int("SIGN_IN_LINK_TIMEOUT", default=72 * 3600)
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Chư Prông] "
ACCOUNT_USER_DISPLAY = "core.adapters.user_display"
# Failed sign-ins are limited per client address and per account; the counters
# live in the cache, so several web hosts must share it (Redis in production).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
# Behind N reverse proxies the client address is the N-th from the right of
# X-Forwarded-For; 0 means "no proxy, use REMOTE_ADDR".
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# ------------------------------------------------------- the deployment's name
# The place the site's header and footer name: a commune ("Chư Prông") or, for a
# province-wide deployment, the province ("Gia Lai"); each commune's own pages name
# the commune from its record.
PORTAL_AREA = env.str("PORTAL_AREA", default="Chư Prông")

# ------------------------------------------------------- language and time
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# Dates are day-first in both languages (05/12/2026 is 5 December): forms, the
# admin and its calendar read and write them through kit/formats/<lang>/.
FORMAT_MODULE_PATH = ["kit.formats"]

# ------------------------------------------------------------- static files
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# ------------------------------------------------------------------ security
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content Security Policy (django-csp) on every response: no inline script or
# style, nothing from another site, no plugins, no framing. Scripts live in
# static/js/, styles in static/css/site.css; the dashboard's inline SVG charts
# use presentation attributes only (reports/charts.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "worker-src": ["'self'"],  # the legal library's service worker, /sw.js
    }
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if env_bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The address printed on QR posters, e.g. https://portal.chuprong.gialai.gov.vn
# (empty: the address the officer's browser used).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
