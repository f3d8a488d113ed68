"""Command-line tasks that need the web app: the database, teams and accounts, importing cases, the demo."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

from formgen.capabilities import ROLE_LABELS, Capability, Role, capabilities_of
from formgen.engine import CaseFile, answer_problems
from formgen.web import accounts, create_app, revisions, summaries
from formgen.web.database import upgrade
from formgen.web.extensions import db
from formgen.web.models import ROLES, Case, Child, Team, User, normal_email
from formgen.web.services import services

DEMO_TEAM = "Northbrook Assessment Team"
# One fictional person in each role, so that a new installation can be tried from every side.
DEMO_ACCOUNTS = (
    ("practitioner@example.org", "Alex Practitioner", Role.PRACTITIONER),
    ("manager@example.org", "Morgan Manager", Role.MANAGER),
    ("business.support@example.org", "Bailey Support", Role.BUSINESS_SUPPORT),
    ("administrator@example.org", "Ari Administrator", Role.ADMINISTRATOR),
    ("auditor@example.org", "Aubrey Auditor", Role.AUDITOR),
    ("performance@example.org", "Perry Performance", Role.PERFORMANCE),
)
DEMO_PASSWORDS = "demo-passwords"


class CommandError(Exception):
    """A task that cannot be done, with the reason a person can act on."""


def app_for_commands() -> Flask:
    """The app, its database brought up to date first (the migrations are safe to run every time)."""
    app = create_app()
    upgrade(app.config["SQLALCHEMY_DATABASE_URI"])
    return app


def cases_for_return(app: Flask) -> list[CaseFile]:
    """Every case in the database, as case files, for a statutory return (formgen.returns)."""
    with app.app_context():
        return [case.to_case_file() for case in db.session.scalars(db.select(Case).order_by(Case.id))]


def create_team(app: Flask, name: str) -> Team:
    name = name.strip()
    if not name or len(name) > accounts.NAME_LENGTH:
        raise CommandError("a team needs a name of 1 to 200 characters")
    with app.app_context():
        if db.session.scalar(db.select(Team).where(Team.name == name)):
            raise CommandError(f"there is already a team called {name}")
        team = accounts.add_team(name, by=None)
        db.session.commit()
        return team


def create_user(
    app: Flask,
    email: str,
    name: str,
    role: str,
    password: str,
    *,
    team: str | None = None,
    phone: str | None = None,
) -> User:
    if role not in ROLES:
        raise CommandError(f"role must be one of: {', '.join(ROLES)}")
    if len(password) < accounts.PASSWORD_LENGTH:
        raise CommandError("the password must be at least 12 characters")
    # A manager and business support see their team's cases: without a team they would see none.
    if team is None and Capability.VIEW_TEAM in capabilities_of(role):
        raise CommandError(f"a {ROLE_LABELS[Role(role)].lower()} account needs --team")
    if team is not None and not accounts.works_on_cases(role):
        raise CommandError(f"an account in the role {role} sees no cases, so is in no team: leave out --team")
    with app.app_context():
        email = normal_email(email)
        if db.session.scalar(db.select(User).where(User.email == email)):
            raise CommandError(f"there is already an account for {email}")
        user = accounts.add_account(
            email=email,
            name=name.strip(),
            role=role,
            password=password,
            team=_team(team) if team is not None else None,
            phone=(phone or "").strip() or None,
            by=None,
        )
        db.session.commit()
        return user


def _team(name: str) -> Team:
    team = db.session.scalar(db.select(Team).where(Team.name == name.strip()))
    if team is None:
        raise CommandError(f"there is no team called {name}: make it first with formgen create-team")
    return team


def import_case(app: Flask, case: CaseFile, email: str, label: str) -> str:
    """Store a case file for a user; the file must fit the form (completeness is not required)."""
    with app.app_context():
        problems = answer_problems(services().form, case, label)
        if problems:
            raise CommandError("\n".join(str(problem) for problem in problems))
        user = _account_for(email)
        if not user.can(Capability.EDIT_ASSESSMENT):
            raise CommandError(f"{user.email} cannot hold a case: a case is allocated to a practitioner")
        if db.session.scalar(db.select(Case).where(Case.reference == case.reference)):
            raise CommandError(f"a case with reference {case.reference} already exists")
        stored = Case(
            reference=case.reference,
            household=case.household,
            decisions=[decision.model_dump(mode="json") for decision in case.decisions],
            plan_reviews=[review.model_dump(mode="json") for review in case.plan_reviews],
            allocations=[case.allocation.model_dump(mode="json")] if case.allocation else [],
            distribution=_dumped(case.distribution),
            withheld=_dumped(case.withheld),
            circulation=_dumped(case.circulation),
            interpretations=_dumped(case.interpretations),
        )
        stored.allocate(user)  # the file's allocation stays as history
        stored.children = [_child(child, index) for index, child in enumerate(case.children)]
        db.session.add(stored)
        db.session.flush()
        for child in (None, *stored.children):
            revisions.keep(stored, child, revisions.Kind.IMPORTED, None)
        summaries.refresh(stored)
        db.session.commit()
        return case.reference


def _dumped(entries) -> list[dict]:
    return [entry.model_dump(mode="json", exclude_none=True) for entry in entries]


def _child(record, position: int) -> Child:
    child = Child(
        key=record.id,
        position=position,
        answers=record.answers,
        decisions=[decision.model_dump(mode="json") for decision in record.decisions],
    )
    child.review = record.review
    return child


def set_team(app: Flask, email: str, team: str) -> int:
    """Move an account into a team; the cases allocated to it with no team yet go with it (an
    installation from before teams). Returns how many cases moved."""
    with app.app_context():
        user = _account_for(email)
        if not accounts.works_on_cases(user.role):
            raise CommandError(f"{user.email} sees no cases, so is in no team")
        accounts.change_team(user, _team(team), by=None)
        cases = db.session.scalars(
            db.select(Case).where(Case.worker_id == user.id, Case.team_id.is_(None))
        ).all()
        for case in cases:
            case.team = user.team
            summaries.refresh(case)
        db.session.commit()
        return len(cases)


def unlock_user(app: Flask, email: str) -> bool:
    """Let the account try to sign in again at once; True if its address was locked out."""
    with app.app_context():
        return accounts.unlock(_account_for(email), by=None)  # an address no account has is refused


def _account_for(email: str) -> User:
    user = db.session.scalar(db.select(User).where(User.email == normal_email(email)))
    if user is None:
        raise CommandError(f"there is no account for {email}")
    return user


def demo_accounts(app: Flask) -> list[tuple[str, str, str]]:
    """One account in each role, in one team, made once; each password kept in the instance folder.

    Returns (role, email, password) for each, as the demo prints them.
    """
    path = Path(app.instance_path) / DEMO_PASSWORDS
    kept = (
        dict(line.split(" ", 1) for line in path.read_text(encoding="utf-8").splitlines())
        if path.exists()
        else {}
    )
    with app.app_context():
        if db.session.scalar(db.select(Team).where(Team.name == DEMO_TEAM)) is None:
            create_team(app, DEMO_TEAM)
    for email, name, role in DEMO_ACCOUNTS:
        with app.app_context():
            exists = db.session.scalar(db.select(User).where(User.email == email)) is not None
        if not exists:
            kept[email] = secrets.token_urlsafe(12)
            team = DEMO_TEAM if accounts.works_on_cases(role.value) else None
            create_user(app, email, name, role.value, kept[email], team=team, phone="01632 960500")
    path.touch(mode=0o600)
    path.write_text("".join(f"{email} {password}\n" for email, password in kept.items()), encoding="utf-8")
    return [
        (ROLE_LABELS[role], email, kept.get(email, "(set when it was made)"))
        for email, _, role in DEMO_ACCOUNTS
    ]


def case_references(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(db.select(Case.reference)))
