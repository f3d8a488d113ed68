"""Web configuration from the environment; secrets never in the code."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from formgen.settings import Settings


def _secret_key(instance: Path) -> str:
    """FORMGEN_SECRET_KEY, or a key made once and kept in the instance folder (readable by us alone)."""
    if os.environ.get("FORMGEN_SECRET_KEY"):
        return os.environ["FORMGEN_SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def database_url(instance: Path) -> str:
    """DATABASE_URL (PostgreSQL where configured), else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance / 'formgen.db'}"  # create_app makes the folder
    # Hosting platforms still hand out the old scheme name; SQLAlchemy 2 knows only postgresql.
    return url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url


class SettingError(ValueError):
    """A setting in the environment that formgen cannot use, with what it must be."""


def _minutes(name: str, default: int, least: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 6) or int(text) < least:
        raise SettingError(f"{name} must be a whole number of minutes, at least {least}, not {text!r}")
    return int(text)


SYNCHRONOUS_LEVELS = ("NORMAL", "FULL")


def sqlite_synchronous() -> str:
    """FORMGEN_SQLITE_SYNCHRONOUS: how far an SQLite commit goes before formgen answers (see
    formgen.web.database): NORMAL (the default) survives the server being killed, FULL a power cut too."""
    text = os.environ.get("FORMGEN_SQLITE_SYNCHRONOUS", "").strip().upper() or "NORMAL"
    if text not in SYNCHRONOUS_LEVELS:
        raise SettingError(f"FORMGEN_SQLITE_SYNCHRONOUS must be NORMAL or FULL, not {text!r}")
    return text


def from_environment(instance: Path) -> dict:
    settings = Settings.from_environment()
    lifetime = timedelta(hours=8)
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url(instance),
        "SQLITE_SYNCHRONOUS": sqlite_synchronous(),
        "FORMGEN_SETTINGS": settings,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind HTTPS in production set FORMGEN_SECURE_COOKIES=1; the embedded default serves plain http.
        "SESSION_COOKIE_SECURE": os.environ.get("FORMGEN_SECURE_COOKIES") == "1",
        "SESSION_COOKIE_NAME": "formgen_session",
        # A session ends after IDLE_TIMEOUT without a request, and SESSION_LIFETIME after signing in
        # (formgen.web.sessions keeps both inside the signed cookie); the page warns SESSION_WARNING
        # before. The cookie itself lasts longer, so a page sent after the end is still known to come
        # from its account and can be kept for it (formgen.web.held).
        "IDLE_TIMEOUT": timedelta(minutes=_minutes("FORMGEN_IDLE_MINUTES", 30, least=5)),
        "SESSION_LIFETIME": lifetime,
        "SESSION_WARNING": timedelta(minutes=2),
        "PERMANENT_SESSION_LIFETIME": lifetime + timedelta(hours=1),
        # Without this every request would send a new cookie; the session refreshes it once a minute.
        "SESSION_REFRESH_EACH_REQUEST": False,
        # A token that expires while a practitioner types a long answer would throw the answer away:
        # the token lives as long as the session's cookie instead.
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # At most this many passwords are checked for an address; the limit then holds for the lockout.
        "SIGN_IN_ATTEMPTS": 5,
        "SIGN_IN_LOCKOUT": timedelta(minutes=15),
    }
