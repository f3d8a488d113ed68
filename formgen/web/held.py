"""Pages sent after their session ended, kept so that nothing typed is lost to a timeout.

The guard (formgen.web.security.require_sign_in) keeps such a page for the account whose session it
was, then asks the person to sign in again. Signing in as that same account leads back to the page as
`?held=<id>`, where `held_form` gives the page what was sent, to show it to be saved; any other account
never gets it. A kept page is forgotten once its account saves that page, or after SESSION_LIFETIME.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from urllib.parse import urlencode

from flask import Response, current_app, g, request
from sqlalchemy import delete, inspect, select
from werkzeug.datastructures import MultiDict

from formgen.web.extensions import db
from formgen.web.models import HeldSubmission, User, aware, now

_ID = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24): nothing else reaches the database
PARAMETER = "held"


def hold(user: User) -> str:
    """Keep this request's form (less its CSRF token) for the account; return the id that finds it."""
    _purge()
    db.session.execute(_of(user.id, request.path))  # one kept page per page: the latest sent
    token_field = current_app.config["WTF_CSRF_FIELD_NAME"]
    held = HeldSubmission(
        id=secrets.token_urlsafe(24),
        user_id=user.id,
        path=request.path,
        args=[[name, value] for name, value in request.args.items(multi=True) if name != PARAMETER],
        form=[[name, value] for name, value in request.form.items(multi=True) if name != token_field],
    )
    db.session.add(held)
    db.session.commit()
    return held.id


def landing(held_id: object, user: User) -> str | None:
    """The page to go back to after signing in, with its kept form's id; None if it is not the account's."""
    _purge()
    held = _find(held_id, user.id)
    if held is None:
        return None
    return f"{held.path}?{urlencode([*held.args, (PARAMETER, held.id)])}"


def held_form(held_id: str | None) -> MultiDict | None:
    """The form kept as `held_id` for the signed-in account and this request's path, else None."""
    user = g.get("user")
    held = _find(held_id, user.id) if user is not None else None
    if held is None or held.path != request.path:
        return None
    return MultiDict([(name, value) for name, value in held.form])


def forget_when_saved(response: Response) -> Response:
    """After a guarded POST: a redirect means the page was saved, so its kept form is done with."""
    if 300 <= response.status_code < 400:
        user_id = inspect(g.user).identity[0]  # without loading the account again after a save's commit
        kept = select(HeldSubmission.id).where(
            HeldSubmission.user_id == user_id, HeldSubmission.path == request.path
        )
        if db.session.scalar(kept.limit(1)) is not None:  # almost never: no write transaction for nothing
            db.session.execute(_of(user_id, request.path))
            db.session.commit()
    return response


def _purge() -> None:
    """Forget every kept page older than a session can last: children's details are not kept idly."""
    db.session.execute(delete(HeldSubmission).where(HeldSubmission.created_at <= _oldest()))
    db.session.commit()


def _oldest() -> datetime:
    return now() - current_app.config["SESSION_LIFETIME"]


def _of(user_id: int, path: str):
    return delete(HeldSubmission).where(HeldSubmission.user_id == user_id, HeldSubmission.path == path)


def _find(held_id: object, user_id: int) -> HeldSubmission | None:
    if not isinstance(held_id, str) or not _ID.fullmatch(held_id):
        return None
    held = db.session.get(HeldSubmission, held_id)
    if held is None or held.user_id != user_id:
        return None
    return held if aware(held.created_at) > _oldest() else None
