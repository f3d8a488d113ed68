"""Command-line tasks that need the web app: the database, accounts, importing cases, serving."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

from formgen.engine import CaseFile, answer_problems
from formgen.web import create_app, throttle
from formgen.web.database import upgrade
from formgen.web.extensions import db
from formgen.web.models import ROLES, Case, Child, User, normal_email
from formgen.web.services import services

DEMO_EMAIL = "practitioner@example.org"
DEMO_NAME = "Alex Practitioner"


class CommandError(Exception):
    """A task that cannot be done, with the reason a person can act on."""


def app_for_commands() -> Flask:
    """The app, its database brought up to date first (the migrations are safe to run every time)."""
    app = create_app()
    upgrade(app.config["SQLALCHEMY_DATABASE_URI"])
    return app


def create_user(app: Flask, email: str, name: str, role: str, password: str) -> User:
    if role not in ROLES:
        raise CommandError(f"role must be one of: {', '.join(ROLES)}")
    if len(password) < 12:
        raise CommandError("the password must be at least 12 characters")
    with app.app_context():
        email = normal_email(email)
        if db.session.scalar(db.select(User).where(User.email == email)):
            raise CommandError(f"there is already an account for {email}")
        user = User(email=email, name=name.strip(), role=role)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user


def import_case(app: Flask, case: CaseFile, email: str, label: str) -> str:
    """Store a case file for a user; the file must fit the form (completeness is not required)."""
    with app.app_context():
        problems = answer_problems(services().form, case, label)
        if problems:
            raise CommandError("\n".join(str(problem) for problem in problems))
        user = _account_for(email)
        if db.session.scalar(db.select(Case).where(Case.reference == case.reference)):
            raise CommandError(f"a case with reference {case.reference} already exists")
        stored = Case(reference=case.reference, owner_id=user.id, household=case.household)
        stored.children = [
            Child(key=child.id, position=index, answers=child.answers)
            for index, child in enumerate(case.children)
        ]
        db.session.add(stored)
        db.session.commit()
        return case.reference


def unlock_user(app: Flask, email: str) -> bool:
    """Let the account try to sign in again at once; True if its address was locked out."""
    with app.app_context():
        _account_for(email)  # an address no account has is refused by name
        config = app.config
        key = throttle.address_key(email, config["SECRET_KEY"])
        locked = throttle.is_locked(key, config["SIGN_IN_ATTEMPTS"], config["SIGN_IN_LOCKOUT"])
        throttle.clear(key, config["SIGN_IN_LOCKOUT"])
        return locked


def _account_for(email: str) -> User:
    user = db.session.scalar(db.select(User).where(User.email == normal_email(email)))
    if user is None:
        raise CommandError(f"there is no account for {email}")
    return user


def demo_account(app: Flask) -> tuple[str, str]:
    """The first account of a new installation, its password kept in the instance folder for its owner."""
    path = Path(app.instance_path) / "first-account-password"
    path.parent.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        exists = db.session.scalar(db.select(User).where(User.email == DEMO_EMAIL)) is not None
    if not exists:
        password = secrets.token_urlsafe(12)
        create_user(app, DEMO_EMAIL, DEMO_NAME, "practitioner", password)
        path.touch(mode=0o600)
        path.write_text(password, encoding="utf-8")
    return DEMO_EMAIL, path.read_text(
        encoding="utf-8"
    ).strip() if path.exists() else "(set when the account was made)"


def case_references(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(db.select(Case.reference)))
