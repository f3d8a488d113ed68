"""Who is signed in: a session's account and its limits, kept inside the signed session cookie.

A session ends after IDLE_TIMEOUT without a request and SESSION_LIFETIME after signing in. The cookie
outlives both (PERMANENT_SESSION_LIFETIME), so a session that has ended is still known as its account's:
the sign-in page says why it ended, and a page sent after the end is kept for that account
(formgen.web.held). An ended session keeps its CSRF token, so that page passes the CSRF check, and so do
the pages open in other tabs.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from flask import current_app, g, session

from formgen.i18n import N_, Language, current, ngettext
from formgen.web.extensions import db
from formgen.web.models import User

# The last-activity time is rewritten at most this often, so not every request sends a new cookie.
REFRESH_SECONDS = 60

# What the warning's script announces as it counts down (formgen/web/static/app.js).
COUNTDOWN_ANNOUNCEMENT = N_("We will sign you out in %(countdown)s.")


def load_user() -> None:
    """Before every request: g.user is the signed-in account, g.ended_user the account whose session
    has ended in this browser (neither, for someone who has not signed in)."""
    g.user = g.ended_user = None
    if "user_id" in session:
        user = _account(session["user_id"], session.get("epoch"))
        if user is None or not _has_times():
            session.clear()  # a session from before the last sign-out: every copy of it is over
            return
        reason = _ended_because(int(time.time()))
        if reason is None:
            touch()
            g.user = user
            return
        _end(user, reason)
    if "ended" in session:
        ended = session["ended"]
        g.ended_user = _account(ended.get("user_id"), ended.get("epoch"))
        if g.ended_user is None:
            session.clear()


def start(user: User) -> None:
    """A new session on signing in, so a cookie planted before is worthless. When the same account signs
    in again after its session ended here, the CSRF token (of the pages still open) and the pointer to
    the page it kept carry over: both were this account's already."""
    ended = g.get("ended_user")
    carried = {}
    if ended is not None and ended.id == user.id:
        carried = {name: session[name] for name in (_csrf_field(), "held") if name in session}
    session.clear()
    session.permanent = True
    now = int(time.time())
    session.update(user_id=user.id, epoch=user.session_epoch, signed_in_at=now, seen_at=now, **carried)


def touch(force: bool = False) -> None:
    """Record activity now (when forced, or after REFRESH_SECONDS since the last record)."""
    now = int(time.time())
    if force or now - session["seen_at"] >= REFRESH_SECONDS:
        session["seen_at"] = now


def seconds_left() -> dict[str, int]:
    """How long the signed-in session has until the idle timeout and until its lifetime ends."""
    now = time.time()
    return {
        "idle": max(0, int(session["seen_at"] + _seconds("IDLE_TIMEOUT") - now)),
        "lifetime": max(0, int(session["signed_in_at"] + _seconds("SESSION_LIFETIME") - now)),
    }


def template_values() -> dict[str, Any]:
    """The limits in words (for the sign-in page and the warning), and for a signed-in person the
    seconds the warning counts down from and the words it counts in (formgen/web/static/app.js)."""
    signed_in = g.get("user") is not None
    return {
        "session_limits": {"idle": _words("IDLE_TIMEOUT"), "lifetime": _words("SESSION_LIFETIME")},
        "session_seconds": {**seconds_left(), "warning": _seconds("SESSION_WARNING")} if signed_in else None,
        "countdown_words": countdown_words(current()) if signed_in else None,
        # Why this browser's session ended ("idle" or "lifetime"), if it ended rather than signed out.
        "session_ended_because": session.get("ended", {}).get("reason"),
    }


def _account(user_id: object, epoch: object) -> User | None:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    # A deactivated account's sessions end with it, even one whose epoch has not been raised.
    return user if user is not None and user.active and user.session_epoch == epoch else None


def _has_times() -> bool:
    # A cookie from before sessions had limits has neither: it is treated as signed out.
    return isinstance(session.get("signed_in_at"), int) and isinstance(session.get("seen_at"), int)


def _ended_because(now: int) -> str | None:
    if now >= session["signed_in_at"] + _seconds("SESSION_LIFETIME"):
        return "lifetime"
    if now >= session["seen_at"] + _seconds("IDLE_TIMEOUT"):
        return "idle"
    return None


def _end(user: User, reason: str) -> None:
    token = session.get(_csrf_field())
    session.clear()
    session.permanent = True  # clearing forgets it; the ended session must last as the cookie does
    session["ended"] = {"user_id": user.id, "epoch": user.session_epoch, "reason": reason}
    if token is not None:
        session[_csrf_field()] = token


def _words(setting: str) -> str:
    """A limit in words, in the language being spoken: "30 minutes", "8 hours"."""
    seconds = _seconds(setting)
    if seconds % 3600 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", seconds // 3600)
    if seconds % 60 == 0:
        return ngettext("%(num)d minute", "%(num)d minutes", seconds // 60)
    return ngettext("%(num)d second", "%(num)d seconds", seconds)


def countdown_words(language: Language) -> dict[str, Any]:
    """The words the warning's script counts down in, placeholders unfilled: the sentence it announces,
    and "%(num)d minutes" and "%(num)d seconds" in each plural category of the language, named as the
    browser's Intl.PluralRules names them (as govuk-frontend's own components take their plurals)."""
    return {
        "announcement": language.words(COUNTDOWN_ANNOUNCEMENT),
        "minute": _plural_forms(language, "%(num)d minute", "%(num)d minutes"),
        "second": _plural_forms(language, "%(num)d second", "%(num)d seconds"),
    }


def _plural_forms(language: Language, singular: str, plural: str) -> dict[str, str]:
    examples = _category_examples(language.code)
    return {category: language.plural_words(singular, plural, n) for category, n in examples.items()}


@cache  # on every signed-in page: the categories of a language never change
def _category_examples(code: str) -> dict[str, int]:
    # The catalog's plural forms are numbered by its own formula, the browser's by CLDR category: each
    # category takes the form of its smallest number (the countdown never passes 99 of a unit).
    rule = Language(code).locale.plural_form
    examples: dict[str, int] = {}
    for n in range(100):
        examples.setdefault(rule(n), n)
    return examples


def _seconds(setting: str) -> int:
    return int(current_app.config[setting].total_seconds())


def _csrf_field() -> str:
    return current_app.config["WTF_CSRF_FIELD_NAME"]
