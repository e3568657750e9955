import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from jifen.env import (
    envbool,
    envchoice,
    envint,
    envlist,
    file_storage,
    ledger_keys,
    personal_data_keys,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JIFEN_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = secret_key(VAR_DIR)
# Keys of the points archive's keyed chain (jifen/ledger/keys.py), current first; kept outside
# the database like the secret key and shared by every app server. JIFEN_LEDGER_DIGEST is the
# keyed digest of keys made from now on (at installation, by rotate_ledger_key): HMAC-SHA-256,
# or HMAC-SM3 (国密); each key carries its digest, so older entries verify under theirs.
JIFEN_LEDGER_DIGEST = envchoice("JIFEN_LEDGER_DIGEST", "hmac-sha256", ("hmac-sha256", "hmac-sm3"))
JIFEN_LEDGER_KEYS = ledger_keys(VAR_DIR, JIFEN_LEDGER_DIGEST)
# Keys that encrypt the roster's ID numbers, phones and birth dates (jifen/orgs/encryption.py),
# current first: AES-256-GCM, or SM4-GCM (国密) for keys made while the cipher says so.
JIFEN_PERSONAL_DATA_CIPHER = envchoice(
    "JIFEN_PERSONAL_DATA_CIPHER", "aes-256-gcm", ("aes-256-gcm", "sm4-gcm")
)
JIFEN_PERSONAL_DATA_KEYS = personal_data_keys(VAR_DIR, JIFEN_PERSONAL_DATA_CIPHER)
# Every key kept outside the database, by name: a function that returns the fingerprints of the
# keys this server holds. `manage.py backup` records them and `restore` checks them.
JIFEN_KEY_FINGERPRINTS = {
    "ledger": "jifen.ledger.keys.fingerprints",
    "personal_data": "jifen.orgs.encryption.fingerprints",
}
DEBUG = envbool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "health_check",
    "jifen.audit",
    "jifen.notifications",
    "jifen.accounts",
    "jifen.orgs",
    "jifen.schemes",
    "jifen.ledger",
    "jifen.scoring",
    "jifen.declarations",
    "jifen.activities",
    "jifen.cycle",
    "jifen.web",
    "jifen.exchange",
    *("rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "jifen.api"),
    "jifen.portal",
    "jifen.orgadmin",
    "jifen.insight",
]

MIDDLEWARE = [
    # The client's address, for every audit record of the request (jifen/audit/clients.py).
    "jifen.audit.clients.ClientAddressMiddleware",
    "jifen.web.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits, then a password that must be changed first.
    "jifen.web.sessions.SessionTimeoutMiddleware",
    "jifen.web.passwords.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "jifen.web.signin.SignInThrottleMiddleware",
]

ROOT_URLCONF = "jifen.urls"
WSGI_APPLICATION = "jifen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jifen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jifen.insight.context_processors.notifications",
                "jifen.web.context_processors.reach",
                "jifen.web.sessions.timeout_context",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL (postgres://…) switches to PostgreSQL.
# Each app server keeps its database connection for a minute (DB_CONN_MAX_AGE seconds; 0 opens
# one per request), checked before it is reused. Opening one cost more than a whole cached
# public page: bench/pages.py served /notices/ at 0.24 of a bare view with a connection per
# request and at 0.7 with kept ones.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'jifen.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web pages read while a writer works; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query with JIT once its estimated cost is high, as the year
    # computation's ledger aggregate is: at 10,000 members compiling took 0.35 s of a 1.1 s
    # query. A web application's queries do not run long enough to repay it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in with the university's directory over LDAP (jifen/web/directory.py, the `ldap` extra):
# on when JIFEN_LDAP_URI is set, tried after the lockout check and before local accounts, which
# keep working. The entry's JIFEN_LDAP_LINK_ATTRIBUTE holds the staff number or the ID number
# (JIFEN_LDAP_LINK) that links it to its roster member.
JIFEN_LDAP_URI = os.environ.get("JIFEN_LDAP_URI", "")
JIFEN_LDAP_BIND_DN = os.environ.get("JIFEN_LDAP_BIND_DN", "")
JIFEN_LDAP_BIND_PASSWORD = os.environ.get("JIFEN_LDAP_BIND_PASSWORD", "")
JIFEN_LDAP_START_TLS = envbool("JIFEN_LDAP_START_TLS", True)
JIFEN_LDAP_USER_BASE = os.environ.get("JIFEN_LDAP_USER_BASE", "")
JIFEN_LDAP_USER_FILTER = os.environ.get("JIFEN_LDAP_USER_FILTER", "(uid=%(user)s)")
JIFEN_LDAP_LINK = os.environ.get("JIFEN_LDAP_LINK", "staff_number")
JIFEN_LDAP_LINK_ATTRIBUTE = os.environ.get("JIFEN_LDAP_LINK_ATTRIBUTE", "employeeNumber")
JIFEN_LDAP_TIMEOUT = envint("JIFEN_LDAP_TIMEOUT", 5)
if JIFEN_LDAP_URI:
    AUTHENTICATION_BACKENDS.insert(1, "jifen.web.directory.DirectoryBackend")
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Password rules (等保 2.0 身份鉴别): length, kinds of character, not like the user name, not a
# common password, not one of the last JIFEN_PASSWORD_HISTORY; a password older than
# JIFEN_PASSWORD_MAX_AGE_DAYS (0: never) or set by an administrator for one sign-in must be
# changed at the next sign-in (jifen/accounts, jifen/web/passwords.py).
JIFEN_PASSWORD_MIN_LENGTH = envint("JIFEN_PASSWORD_MIN_LENGTH", 10)
JIFEN_PASSWORD_MIN_CLASSES = envint("JIFEN_PASSWORD_MIN_CLASSES", 3)
JIFEN_PASSWORD_HISTORY = envint("JIFEN_PASSWORD_HISTORY", 5)
JIFEN_PASSWORD_MAX_AGE_DAYS = envint("JIFEN_PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "jifen.accounts.validators.UsernameValidator"},
    {
        "NAME": "jifen.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": JIFEN_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "jifen.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": JIFEN_PASSWORD_MIN_CLASSES},
    },
    {
        "NAME": "jifen.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"keep": JIFEN_PASSWORD_HISTORY},
    },
    # Not a rule: its hook revokes the user's API tokens whenever a password is set.
    {"NAME": "jifen.api.passwords.RevokeApiTokens"},
]
# Sign-in lockout (django-axes, see jifen/web/signin.py): AXES_FAILURE_LIMIT wrong passwords lock
# one account from one address for AXES_COOLOFF_TIME, never everyone behind that address; a good
# sign-in clears only that account's failures from that address. An address with more than
# JIFEN_LOGIN_IP_FAILURE_LIMIT failures across all accounts within the cool-off has its further
# wrong passwords refused (429); correct passwords still sign in.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HANDLER = "jifen.web.signin.SignInHandler"
AXES_CLIENT_IP_CALLABLE = "jifen.audit.clients.client_ip"
JIFEN_LOGIN_IP_FAILURE_LIMIT = envint("JIFEN_LOGIN_IP_FAILURE_LIMIT", 20)
# The client's address is REMOTE_ADDR. Behind N reverse proxies of our own that append to
# X-Forwarded-For, set JIFEN_TRUSTED_PROXIES=N; with 0 (the default) the header is ignored, since
# any client can write it. The API's throttles read the same setting (NUM_PROXIES below), and
# every audit event and access record keeps the address so computed.
JIFEN_TRUSTED_PROXIES = envint("JIFEN_TRUSTED_PROXIES", 0)
if JIFEN_TRUSTED_PROXIES:
    # Our proxy sets X-Forwarded-Proto itself (deploy/nginx.conf), so it can be believed.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# Content-Security-Policy (django-csp): every script, style, font and image comes from our own
# static files, so nothing else may run or load. No inline scripts, styles or event handlers in
# the templates; htmx is told not to inject its indicator <style> (meta htmx-config in base.html).
# data: images are Bootstrap's icons (the navbar toggler, selects, close buttons) in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The audit log and the access records are kept this many days (at least 180, which the
# database enforces too); `manage.py purge_audit_log`, run daily, removes what is older.
JIFEN_AUDIT_RETENTION_DAYS = envint("JIFEN_AUDIT_RETENTION_DAYS", 180)

# Sessions live in the database so that any app server can serve any request. They are read
# through a database cache of their own: one plain statement on every signed-in request, where
# the session table takes an ORM query; a session is written to both, so a sign-out ends it on
# every server. A signed-in session ends after JIFEN_SESSION_IDLE_MINUTES without activity (the
# page warns JIFEN_SESSION_WARNING_SECONDS before) and JIFEN_SESSION_ABSOLUTE_HOURS after
# signing in (jifen/web/sessions.py), and when the browser closes.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
JIFEN_SESSION_IDLE_MINUTES = envint("JIFEN_SESSION_IDLE_MINUTES", 30)
JIFEN_SESSION_ABSOLUTE_HOURS = envint("JIFEN_SESSION_ABSOLUTE_HOURS", 8)
JIFEN_SESSION_WARNING_SECONDS = envint("JIFEN_SESSION_WARNING_SECONDS", 120)
SESSION_COOKIE_AGE = JIFEN_SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "jifen" / "locale"]
# Deadlines (declaration windows, notice and appeal periods) and every time shown are in this
# zone; JIFEN_TIME_ZONE changes it (an IANA name such as Asia/Urumqi).
TIME_ZONE = os.environ.get("JIFEN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "jifen" / "static"]
# Evidence and export files go through Django's storage API: the media directory by default (a
# mount common to all app servers and workers in production), or S3-compatible object storage
# with JIFEN_STORAGE=s3 (django-storages, the `s3` extra). Either way they are handed out only by
# the views that check who may read them, never by their own address.
MEDIA_ROOT = Path(os.environ.get("JIFEN_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": file_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads (evidence files, spreadsheets) larger than this are refused before they are read; a
# reverse proxy in front must allow at least as much.
JIFEN_MAX_UPLOAD_MB = envint("JIFEN_MAX_UPLOAD_MB", 10)
# Background work: django-tasks with its database backend, run by `manage.py run_worker`. Tasks
# are rows in the database, so that any app server queues them and any worker runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Exports larger than this many rows run in the background worker.
JIFEN_EXPORT_BACKGROUND_ROWS = envint("JIFEN_EXPORT_BACKGROUND_ROWS", 2000)
# Uploads of more rows than this are checked and imported in the background worker.
JIFEN_IMPORT_BACKGROUND_ROWS = envint("JIFEN_IMPORT_BACKGROUND_ROWS", 5000)
# A background job whose worker reports no progress for this long is retried once, then failed.
JIFEN_JOB_LEASE_SECONDS = envint("JIFEN_JOB_LEASE_SECONDS", 300)
# Finished job files and reports, and unconfirmed uploads, are kept this long.
JIFEN_EXPORT_KEEP_HOURS = envint("JIFEN_EXPORT_KEEP_HOURS", 24)
# A job still queued after this many seconds is explained on its page: no worker runs, or
# the workers are busy. A worker not heard of for JIFEN_WORKER_SILENT_SECONDS is taken as gone
# (workers report every minute).
JIFEN_JOB_PICKUP_SECONDS = envint("JIFEN_JOB_PICKUP_SECONDS", 10)
JIFEN_WORKER_SILENT_SECONDS = envint("JIFEN_WORKER_SILENT_SECONDS", 180)

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "jifen@localhost")
# Reminders: a task is reminded once more when its deadline is this many days away or fewer;
# the worker sends them daily at this local time (HH:MM; empty: only cron's send_reminders).
JIFEN_REMINDER_DAYS_BEFORE = envint("JIFEN_REMINDER_DAYS_BEFORE", 3)
JIFEN_REMINDER_TIME = os.environ.get("JIFEN_REMINDER_TIME", "08:00")

# Warnings and errors as plain text; one JSON line per request (jifen/web/logs.py) on standard
# error, for the journal or a log collector. JIFEN_REQUEST_LOG=0 turns the request lines off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "message"],
            "rename_fields": {"levelname": "level", "message": "event"},
            "timestamp": "time",
            "json_ensure_ascii": False,
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "json": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "jifen.request": {
            "handlers": ["json"],
            "level": "INFO" if envbool("JIFEN_REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        }
    },
}
# The readiness check (/readyz) fails when a background task has waited this long for a worker.
JIFEN_QUEUE_MAX_WAIT_MINUTES = envint("JIFEN_QUEUE_MAX_WAIT_MINUTES", 10)

# The REST API (jifen/api). Apps authenticate with tokens, the browser with its session (CSRF
# checked). Throttle counters live in the database cache so that every app server counts the
# same requests; its table comes from `manage.py createcachetable`.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api_throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jifen_api_throttle",
    },
    # Rendered public pages (jifen/web/public.py), shared by every app server.
    "pages": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jifen_page_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    # The sessions, read through this cache (SESSION_CACHE_ALIAS); a session culled from it is
    # read from its table again.
    "sessions": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jifen_session_cache",
        "OPTIONS": {"MAX_ENTRIES": 50000},
    },
    # Rendered signed-in pages, one per session and address (jifen/web/personal.py). VERSION
    # names the entries' form (2: compressed): a new form takes a new version, so that app
    # servers of two releases, side by side during an upgrade, never read each other's entries.
    "personal": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jifen_personal_page_cache",
        "VERSION": 2,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
# How long a rendered public page is kept; a changed notice gets a new key at once.
JIFEN_PUBLIC_PAGE_SECONDS = envint("JIFEN_PUBLIC_PAGE_SECONDS", 86400)
# How long a signed-in page (a member's scores, a review queue, a dashboard) is kept rendered for
# the session that asked for it; any change its organisations record gives it a new key at once
# (jifen/web/personal.py). 0 renders every request.
JIFEN_PERSONAL_PAGE_SECONDS = envint("JIFEN_PERSONAL_PAGE_SECONDS", 1800)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jifen.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "jifen.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "jifen.api.throttling.AnonThrottle",
        "jifen.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "600/minute"),
    },
    "EXCEPTION_HANDLER": "jifen.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "jifen.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["jifen.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NUM_PROXIES": JIFEN_TRUSTED_PROXIES,
}
# API tokens expire after this many days unless created with a shorter or longer lifetime
# (at most jifen.api.services.MAX_LIFETIME_DAYS); a password change revokes them all.
JIFEN_API_TOKEN_DAYS = envint("JIFEN_API_TOKEN_DAYS", 90)
# Members may check in to an activity by phone from this many minutes before it begins until it
# ends (jifen/activities/codes.py); a member who types a wrong code this many times within ten
# minutes waits for the rest of them.
JIFEN_CHECKIN_OPENS_MINUTES = envint("JIFEN_CHECKIN_OPENS_MINUTES", 30)
JIFEN_CHECKIN_CODE_ATTEMPTS = envint("JIFEN_CHECKIN_CODE_ATTEMPTS", 5)
SPECTACULAR_SETTINGS = {
    "TITLE": "jifen API",
    "DESCRIPTION": "党员积分制管理 — declarations, reviews, scores, the quarterly cycle, notices.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs pages load their scripts from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Deep links put a link inside each operation's expand button, which assistive technology
    # cannot reach as either (nested interactive controls, WCAG 4.1.2).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "ENUM_NAME_OVERRIDES": {
        "ItemCategoryEnum": "jifen.schemes.enums.ItemCategory",
        "MemberCategoryEnum": "jifen.orgs.enums.MemberCategory",
        "OrgKindEnum": "jifen.orgs.enums.OrgKind",
        "MemberStateEnum": "jifen.orgs.enums.MemberState",
        "ObjectionKindEnum": "jifen.cycle.enums.ObjectionKind",
        "QuarterStateEnum": "jifen.cycle.enums.QuarterState",
        "YearStateEnum": "jifen.cycle.enums.YearState",
        "ActivityStateEnum": "jifen.activities.enums.ActivityState",
        "LeaveStatusEnum": "jifen.activities.enums.LeaveStatus",
        "ProposalStatusEnum": "jifen.activities.enums.ProposalStatus",
        "OutcomeEnum": "jifen.activities.enums.Outcome",
    },
}
