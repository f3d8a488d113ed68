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
        instance.mkdir(parents=True, exist_ok=True)  # SQLite makes the file, not the folders above it
        return f"sqlite:///{instance / 'formgen.db'}"
    # Hosting platforms still hand out the old scheme name; SQLAlchemy 2 knows only postgresql.
    return url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url


def from_environment(instance: Path) -> dict:
    settings = Settings.from_environment()
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url(instance),
        "FORMGEN_SETTINGS": settings,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind HTTPS in production set FORMGEN_SECURE_COOKIES=1; the embedded default serves plain http.
        "SESSION_COOKIE_SECURE": os.environ.get("FORMGEN_SECURE_COOKIES") == "1",
        "SESSION_COOKIE_NAME": "formgen_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        # A token that expires while a practitioner types a long answer would throw the answer away:
        # the token lives as long as the signed-in session instead.
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # At most this many passwords are checked for an address; the limit then holds for the lockout.
        "SIGN_IN_ATTEMPTS": 5,
        "SIGN_IN_LOCKOUT": timedelta(minutes=15),
    }
