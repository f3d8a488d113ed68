"""Signing in and out with a local account; repeated failures lock the account for a while."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.security import generate_password_hash
from wtforms import EmailField, PasswordField

from formgen.web.extensions import db
from formgen.web.models import User
from formgen.web.security import safe_next

blueprint = Blueprint("auth", __name__)

WRONG = "Enter a correct email address and password"
_UNKNOWN = User(password_hash=generate_password_hash("an account that does not exist"))


class SignInForm(FlaskForm):
    email = EmailField("Email address")
    password = PasswordField("Password")


def _is_locked(user: User | None) -> bool:
    if user is None or user.locked_until is None:
        return False
    locked_until = user.locked_until if user.locked_until.tzinfo else user.locked_until.replace(tzinfo=UTC)
    return locked_until > datetime.now(UTC)


def _record_failure(user: User) -> None:
    user.failed_sign_ins += 1
    if user.failed_sign_ins >= current_app.config["SIGN_IN_ATTEMPTS"]:
        user.locked_until = datetime.now(UTC) + current_app.config["SIGN_IN_LOCKOUT"]
        user.failed_sign_ins = 0
    db.session.commit()


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.scalar(db.select(User).where(User.email == email))
        minutes = int(current_app.config["SIGN_IN_LOCKOUT"].total_seconds() // 60)
        if _is_locked(user):
            errors["email"] = f"Too many failed attempts. Wait {minutes} minutes, then try again"
        elif user is None:
            _UNKNOWN.check_password(form.password.data or "")  # as slow as a real check: no timing tell
            errors["email"] = WRONG
        elif not user.check_password(form.password.data or ""):
            _record_failure(user)
            errors["email"] = WRONG
        else:
            user.failed_sign_ins, user.locked_until = 0, None
            db.session.commit()
            session.clear()  # a new session on sign-in, so a planted session id is worthless
            session.permanent = True
            session["user_id"] = user.id
            session["epoch"] = user.session_epoch
            return redirect(safe_next(request.args.get("next")))
    elif request.method == "POST":
        errors["email"] = WRONG
    return render_template("auth/sign_in.html", form=form, errors=errors)


@blueprint.route("/sign-out", methods=["POST"])
def sign_out():
    if g.get("user") is not None:
        g.user.session_epoch += 1
        db.session.commit()
    session.clear()
    flash("You have signed out")
    return redirect(url_for("auth.sign_in"))
