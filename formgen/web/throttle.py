"""Sign-in attempts counted per address in the database, so every server process shares one count.

An address is counted whether or not an account has it, so the count tells nobody which accounts
exist. The row is keyed by an HMAC of the address with the app's secret key: passwords mistyped into
the email box are never stored, and the table alone cannot be searched for a known address.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import case, delete, or_
from sqlalchemy.dialects import postgresql, sqlite

from formgen.web.extensions import db
from formgen.web.models import SignInThrottle, aware, normal_email, now

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def address_key(email: str, secret: str) -> str:
    message = "sign-in throttle\0" + normal_email(email)
    # A command-line argument can hold bytes that are not UTF-8, as lone surrogates.
    return hmac.new(secret.encode(), message.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def count_attempt(key: str, limit: int, lockout: timedelta) -> int:
    """Count an attempt and return the address's count, in one statement: parallel requests each get
    their own number, so no more than `limit` of them can ever see a count within it.

    The count starts again once `lockout` has passed since the first attempt, or since the attempt
    that reached the limit: that one starts the lockout.
    """
    at = now()
    stale = SignInThrottle.window_started <= at - lockout
    reaches_limit = SignInThrottle.attempts + 1 == limit
    insert = _INSERTS[db.engine.dialect.name](SignInThrottle)
    statement = (
        insert.values(address=key, attempts=1, window_started=at)
        .on_conflict_do_update(
            index_elements=[SignInThrottle.address],
            set_={
                "attempts": case((stale, 1), else_=SignInThrottle.attempts + 1),
                "window_started": case((stale, at), (reaches_limit, at), else_=SignInThrottle.window_started),
            },
        )
        .returning(SignInThrottle.attempts)
    )
    attempts = db.session.execute(statement).scalar_one()
    db.session.commit()  # at once: the count must hold for the others before any password is checked
    return attempts


def is_locked(key: str, limit: int, lockout: timedelta) -> bool:
    row = db.session.get(SignInThrottle, key)
    return row is not None and row.attempts >= limit and aware(row.window_started) > now() - lockout


def clear(key: str, lockout: timedelta) -> None:
    """Forget the address's attempts, and any other address's whose count has lapsed anyway."""
    stale = SignInThrottle.window_started <= now() - lockout
    db.session.execute(delete(SignInThrottle).where(or_(SignInThrottle.address == key, stale)))
    db.session.commit()
