"""Django settings for cxm.

Everything that differs between a laptop, CI and production comes from the environment:
``DATABASE_URL`` (SQLite file under ``CXM_DATA_DIR`` by default, or PostgreSQL),
``CXM_SECRET_KEY``, ``CXM_DEBUG``, ``CXM_ALLOWED_HOSTS``, ``CXM_CURRENCY``,
``CXM_CASE_FILE_MAX_BYTES``.
"""

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_data_dir() -> Path:
    # A source checkout keeps its data in <repo>/var whatever the working directory, so
    # `cxm serve` from elsewhere never opens a fresh empty database by accident.
    repo = PACKAGE_DIR.parents[1]
    if (repo / "pyproject.toml").exists():
        return repo / "var"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "cxm"


DATA_DIR = Path(os.environ.get("CXM_DATA_DIR") or _default_data_dir()).resolve()


def _secret_key() -> str:
    """CXM_SECRET_KEY, else a random key made once and kept in the data directory."""
    if os.environ.get("CXM_SECRET_KEY"):
        return os.environ["CXM_SECRET_KEY"]
    from django.core.management.utils import get_random_secret_key

    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(get_random_secret_key())
    return path.read_text().strip()


DEBUG = os.environ.get("CXM_DEBUG", "0") == "1"
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("CXM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "cxm.core.admin_site.CxmAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the Swagger UI of /api/docs from our origin (else it falls back to a CDN)
    "auditlog",
    "cxm.core",
    "cxm.org",
    "cxm.customers",
    "cxm.surveys",
    "cxm.surveys.importing",  # response-file imports (label survey_imports)
    "cxm.voc",
    "cxm.pathmodels",
    "cxm.mystery",
    "cxm.crm",
    "cxm.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "cxm.urls"
WSGI_APPLICATION = "cxm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cxm.web.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'cxm.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the dashboard read while an import writes; busy timeout avoids spurious locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

CXM_CURRENCY = os.environ.get("CXM_CURRENCY", "KRW")
# Largest case attachment (bytes); see cxm.voc.attachments.
CXM_CASE_FILE_MAX_BYTES = int(os.environ.get("CXM_CASE_FILE_MAX_BYTES", 10 * 1024 * 1024))

STATIC_URL = "/static/"
# Static files are served from the finders by whitenoise; set CXM_STATIC_ROOT to collect them.
STATIC_ROOT = os.environ.get("CXM_STATIC_ROOT") or None
# Plotly's own bundle is served from our origin: no CDN is reachable, and none should be needed.
_plotly = importlib.util.find_spec("plotly")
STATICFILES_DIRS = []
if _plotly and _plotly.submodule_search_locations:
    _plotly_js = Path(list(_plotly.submodule_search_locations)[0]) / "package_data"
    STATICFILES_DIRS.append(("vendor/plotly", _plotly_js))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
