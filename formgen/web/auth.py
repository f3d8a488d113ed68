"""Signing in and out with a local account, and keeping a session alive from the timeout warning.

Every attempt is counted for its address before any password is checked (formgen.web.throttle), and
every attempt checks exactly one scrypt hash, so neither the answer nor its timing says whether an
account exists, is deactivated or an address is locked out. Each outcome is logged to
`formgen.security`, without the password and without the address in clear, and goes into the access
log (formgen.web.audit) naming the account the address belongs to, if any, never what was typed.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from werkzeug.security import generate_password_hash
from wtforms import EmailField, PasswordField

from formgen.i18n import N_, _
from formgen.web import audit, held, sessions, throttle
from formgen.web.audit import Action
from formgen.web.extensions import db
from formgen.web.models import User, normal_email
from formgen.web.security import has_control_characters, safe_next, without_control_characters

blueprint = Blueprint("auth", __name__)
log = logging.getLogger("formgen.security")

FAILED = N_("Enter a correct email address and password. If you cannot sign in, ask your administrator")
# Why a sign-in failed, as the access log says it, in English (the person signing in is told only FAILED).
_FAILURES = {
    "throttled": "Too many attempts: signing in is stopped for a while for this address",
    "unknown-address": "No account has the address typed",
    "deactivated": "The account is deactivated",
    "wrong-password": "Wrong password",
}
_UNKNOWN = User(password_hash=generate_password_hash("an account that does not exist"))


class SignInForm(FlaskForm):
    email = EmailField("Email address")
    password = PasswordField("Password")


def authenticate(email: str, password: str) -> User | None:
    """The account, if the password is its own and its address has attempts left."""
    config = current_app.config
    address = normal_email(email)
    key = throttle.address_key(address, config["SECRET_KEY"])
    attempt = throttle.count_attempt(key, config["SIGN_IN_ATTEMPTS"], config["SIGN_IN_LOCKOUT"])
    throttled = attempt > config["SIGN_IN_ATTEMPTS"]
    account = None if has_control_characters(address) else _account(address)
    # A deactivated account is an address nobody has: the same message, the same one check.
    user = account if account is not None and account.active else None
    checked = user if user is not None and not throttled else _UNKNOWN
    correct = checked.check_password(password)  # the one scrypt check, whatever happened before it
    if throttled:
        reason = "throttled"
    elif account is None:
        reason = "unknown-address"
    elif user is None:
        reason = "deactivated"
    else:
        reason = "right-password" if correct else "wrong-password"
    signed_in = correct and checked is user
    log.info(
        "sign-in outcome=%s reason=%s attempt=%d address=%s",
        "signed-in" if signed_in else "refused",
        reason,
        attempt,
        key[:16],
    )
    # The access log names the account an address belongs to, never what was typed.
    if not signed_in:
        audit.record(Action.SIGN_IN_FAILED, user=account, detail=_FAILURES[reason])
        db.session.commit()
        return None
    audit.record(Action.SIGNED_IN, user=user)
    throttle.clear(key, config["SIGN_IN_LOCKOUT"])  # commits the event with it
    return user


def _account(address: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == address))


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            sessions.start(user)
            kept = held.landing(session.pop("held", None), user)
            return redirect(kept or safe_next(request.args.get("next")))
        errors["email"] = _(FAILED)
        form.email.data = without_control_characters(form.email.data or "")  # shown again, as typed
    elif request.method == "POST":
        errors["email"] = _(FAILED)
    return render_template(
        "auth/sign_in.html", form=form, errors=errors, kept="held" in session and g.ended_user is not None
    )


@blueprint.route("/sign-out", methods=["POST"])
def sign_out():
    if g.user is not None:
        g.user.session_epoch += 1
        audit.record(Action.SIGNED_OUT, user=g.user)
        db.session.commit()
    session.clear()
    flash(_("You have signed out"))
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/session/keep-alive", methods=["POST"])
def keep_alive():
    """The timeout warning's "Stay signed in": the idle timeout starts again, the lifetime does not."""
    if g.user is None:
        return jsonify(signed_in=False), 401
    sessions.touch(force=True)
    return jsonify(signed_in=True, **sessions.seconds_left())
