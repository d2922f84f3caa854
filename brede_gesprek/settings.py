"""Settings for Brede Gesprek: one file, everything that differs per deployment from
environment variables, with defaults that are safe for production."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if not value else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sociale_kaart",
    "consult",
    "account_security",
    "models_4d",
    "spinnenweb",
    "kop",
    "emboss",
    "django_tasks_db",
    "printing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and partials gzipped for the browsers that accept it: a workspace page is a
    # twelfth of its size, and over a practice's connection the bytes, not the server,
    # were most of a step switch's time (bench/browser.py). Django pads each answer
    # with random bytes against BREACH; below WhiteNoise, which serves the static
    # files compressed ahead of time, above everything that writes the body.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "account_security.request_user.DeviceWithUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "account_security.middleware.SessionGuardMiddleware",
    "consult.middleware.AccountGateMiddleware",
]

# Django's model backend, taking the user that the second factor's middleware read with
# the session's device (one query for both on every request).
AUTHENTICATION_BACKENDS = ["account_security.request_user.Backend"]

ROOT_URLCONF = "brede_gesprek.urls"
WSGI_APPLICATION = "brede_gesprek.wsgi.application"
# Django's form templates, with the ones for single fields written in Python: the same
# HTML in a tenth of the time (a workspace page holds hundreds of fields).
FORM_RENDERER = "consult.form_rendering.PythonFieldRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_sqlite = BASE_DIR / "var" / "db.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{_default_sqlite}")
if DATABASE_URL.startswith("sqlite:") and not env_str("DATABASE_URL"):
    _default_sqlite.parent.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two requests at once (a double click, two professionals) must wait for each
    # other, not fail with "database is locked": readers beside a writer (WAL), a
    # write lock taken when a transaction starts rather than half-way through it
    # (IMMEDIATE, so a waiting transaction cannot deadlock), and a busy wait.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Behind PgBouncer in transaction mode (docker-compose.yml) a server connection is lent
# for one transaction only, so a cursor (QuerySet.iterator()) may not outlive it.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DB_DISABLE_SERVER_SIDE_CURSORS", False
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "consult.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "consult.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Current guidance (NIST SP 800-63B, NCSC): length and a check against common
# passwords, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "consult.validators.UserAttributeSimilarityValidator"},
    {
        "NAME": "consult.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "consult.validators.CommonPasswordValidator"},
    {"NAME": "consult.validators.NumericPasswordValidator"},
    {"NAME": "account_security.validators.GuessablePasswordValidator"},
]

# E-mail: account activation links and password reset links go to the colleague's
# own address. In a local demo (DEBUG) they are printed on the console; tests keep
# them in memory.
_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": 10,
        }
        if _email_backend.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Brede Gesprek <noreply@localhost>")
# An activation or password link works this long, once.
PASSWORD_RESET_TIMEOUT = env_int("ACCOUNT_LINK_DAYS", 3) * 24 * 60 * 60

# An open referral without news for this many days shows up for follow-up.
REFERRAL_FOLLOW_UP_DAYS = env_int("REFERRAL_FOLLOW_UP_DAYS", 21)

# A link for the patient's own entry at home works this many days, once.
PATIENT_LINK_DAYS = env_int("PATIENT_LINK_DAYS", 14)
# After this many tokens that led nowhere from one address within the window, every
# token from that address is refused until the window has passed.
PATIENT_LINK_THROTTLE_MISSES = env_int("PATIENT_LINK_THROTTLE_MISSES", 10)
PATIENT_LINK_THROTTLE_MINUTES = env_int("PATIENT_LINK_THROTTLE_MINUTES", 15)

# A second factor (authenticator app) for every account before it sees anything.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
if not TWO_FACTOR_REQUIRED and not DEBUG:
    raise ImproperlyConfigured(
        "TWO_FACTOR_REQUIRED=false is for local development only: it needs DEBUG=true."
    )

# The audit trail (NEN 7513): the name it gives this application, and the key of the
# hash chain that seals its records (consult.audit_chain). Keep AUDIT_CHAIN_KEY secret
# and apart from the database: whoever has it and write access to the database could
# rewrite the chain. By default it is derived from SECRET_KEY.
AUDIT_APPLICATION_ID = env_str("AUDIT_APPLICATION_ID", "brede-gesprek")
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY")
# A process seals the records written since its last sealing at most this often, so
# that autosaves do not each take the chain's lock; 0 seals after every change.
# `manage.py seal_audit` (scheduled, see DEPLOYMENT.md) seals whatever is still waiting.
AUDIT_SEAL_INTERVAL_SECONDS = env_int("AUDIT_SEAL_INTERVAL_SECONDS", 5)
# Keyed hash of a patient's HIS number after erasure of their record: the trail still
# says whose record it was, without revealing who (consult.services.erasure).
ERASURE_HASH_KEY = env_str("ERASURE_HASH_KEY")
# Patient records are kept this many years after their last change (WGBO art. 7:454);
# `python manage.py retention` lists (and with --erase erases) those past it.
RECORD_RETENTION_YEARS = env_int("RECORD_RETENTION_YEARS", 20)
OTP_TOTP_ISSUER = "Brede Gesprek"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Beside that absolute limit, a session ends after this many minutes without a request
# (account_security.idle); the page warns a minute before.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 15)

# After this many wrong passwords for one e-mail address, or from one client address,
# within the window, every login attempt is refused until the window has passed
# (account_security.lockout).
LOGIN_LOCKOUT_FAILURES = env_int("LOGIN_LOCKOUT_FAILURES", 5)
LOGIN_LOCKOUT_ADDRESS_FAILURES = env_int("LOGIN_LOCKOUT_ADDRESS_FAILURES", 20)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch"))]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
# Where collectstatic puts the files WhiteNoise serves (the image: /app/staticfiles).
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# HTTPS: on unless explicitly turned off (local runs and tests over plain http).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "consult.views.errors.csrf_failure"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
# How many proxies in front add to X-Forwarded-For: the client address is the entry
# that many places from the right.
TRUSTED_PROXY_COUNT = max(env_int("TRUSTED_PROXY_COUNT", 1), 1)

# Printing: WeasyPrint turns a plan into a PDF in a tenth to a few tenths of a second of
# CPU. By default that happens in the web request (Django's ImmediateBackend runs a
# task at once). With PRINT_IN_WORKER=true the request only queues the job in the
# database (django-tasks-db) and `python manage.py db_worker` renders it; the page
# waits and then offers the PDF, kept in the database for an hour (printing.jobs).
PRINT_IN_WORKER = env_bool("PRINT_IN_WORKER", False)
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if PRINT_IN_WORKER
            else "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO; only its warnings matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
