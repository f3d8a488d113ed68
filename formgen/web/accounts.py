"""Accounts and teams: who may be in a team, what an administrator may not do to their own account, and
each change as one step that also writes its entry in the access log.

The administrators' pages (formgen.web.administration) and the commands (formgen.web.commands) make
the same changes through these functions, so both follow the same rules and both are logged. Each
function adds to the session and leaves the commit to its caller, so a change and its log entry are
written together or not at all.
"""

from __future__ import annotations

from flask import current_app

from formgen.capabilities import Capability, capabilities_of, role_label
from formgen.display import article
from formgen.i18n import _
from formgen.web import audit, throttle
from formgen.web.audit import Action
from formgen.web.extensions import db
from formgen.web.models import Team, User

NAME_LENGTH = 200
EMAIL_LENGTH = 254
PHONE_LENGTH = 40
PASSWORD_LENGTH = 12
COMMAND_LINE = "by the command line"


def works_on_cases(role: str) -> bool:
    """Whether the role sees cases at all: only such a role belongs in a team."""
    return bool(capabilities_of(role) & {Capability.VIEW_ASSESSMENT, Capability.CIRCULATE})


def team_problem(role: str, team: Team | None) -> str | None:
    """Why an account in `role` cannot be in `team` (None: no team), or None when it can.

    A manager and business support see their team's cases, so without a team they would see none; an
    administrator or auditor sees no case, so a team would mean nothing for them.
    """
    label = _(role_label(role)).lower()
    if team is None and Capability.VIEW_TEAM in capabilities_of(role):
        return _("Select a team: %(a_role)s sees their team’s cases", a_role=article(label))
    if team is not None and not works_on_cases(role):
        return _("Select No team: %(a_role)s sees no cases, so is in no team", a_role=article(label))
    return None


def own_account_problem(actor: User | None, account: User, *, role: str | None = None) -> str | None:
    """Why an administrator may not make this change to their own account, or None: they cannot
    deactivate themselves, nor take away their own power to administer (someone would have to
    reach the server to put it back)."""
    if actor is None or actor.id != account.id:
        return None
    if role is None:
        return _("You cannot deactivate your own account. Ask another administrator")
    if Capability.ADMINISTER not in capabilities_of(role):
        return _("You cannot take away your own administrator role. Ask another administrator")
    return None


def describe(account: User) -> str:
    """An account as the log names it."""
    return f"{account.name} ({account.email})"


def _by(actor: User | None) -> str:
    return "" if actor is not None else f", {COMMAND_LINE}"


def add_account(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    team: Team | None,
    phone: str | None,
    by: User | None,
) -> User:
    """A new account (already checked: its address free, its team fitting its role), logged."""
    account = User(email=email, name=name, role=role, team=team, phone=phone or None)
    account.set_password(password)
    db.session.add(account)
    db.session.flush()
    team_name = team.name if team is not None else "no team"
    audit.record(
        Action.ACCOUNT_CREATED,
        user=by,
        detail=f"{describe(account)}: {role_label(role)}, {team_name}{_by(by)}",
    )
    return account


def add_team(name: str, *, by: User | None) -> Team:
    team = Team(name=name)
    db.session.add(team)
    audit.record(Action.TEAM_CREATED, user=by, detail=f"{name}{_by(by)}")
    return team


def change_role(account: User, role: str, *, by: User | None) -> bool:
    """Give the account another role (its powers change with its next request); False if unchanged."""
    if account.role == role:
        return False
    before = role_label(account.role)
    account.role = role
    audit.record(
        Action.ROLE_CHANGED, user=by, detail=f"{describe(account)}: {before} → {role_label(role)}{_by(by)}"
    )
    return True


def change_team(account: User, team: Team | None, *, by: User | None) -> bool:
    """Move the account to another team (or none); False if unchanged. Cases stay where they are: a
    manager reallocates them."""
    if account.team_id == (team.id if team is not None else None):
        return False
    before = account.team.name if account.team is not None else "No team"
    account.team = team
    after = team.name if team is not None else "No team"
    audit.record(Action.TEAM_CHANGED, user=by, detail=f"{describe(account)}: {before} → {after}{_by(by)}")
    return True


def deactivate(account: User, *, by: User | None) -> None:
    """The account can no longer sign in, and every session it has ends at once."""
    account.active = False
    account.session_epoch += 1
    audit.record(Action.DEACTIVATED, user=by, detail=f"{describe(account)}{_by(by)}")


def reactivate(account: User, *, by: User | None) -> None:
    account.active = True
    audit.record(Action.REACTIVATED, user=by, detail=f"{describe(account)}{_by(by)}")


def is_locked_out(account: User) -> bool:
    config = current_app.config
    key = throttle.address_key(account.email, config["SECRET_KEY"])
    return throttle.is_locked(key, config["SIGN_IN_ATTEMPTS"], config["SIGN_IN_LOCKOUT"])


def unlock(account: User, *, by: User | None) -> bool:
    """Let the account try to sign in again at once; True if it was locked out. Commits (the throttle
    is cleared in its own statement), so the log entry is written with it."""
    locked = is_locked_out(account)
    state = "was locked out" if locked else "was not locked out"
    audit.record(Action.UNLOCKED, user=by, detail=f"{describe(account)}: {state}{_by(by)}")
    config = current_app.config
    throttle.clear(throttle.address_key(account.email, config["SECRET_KEY"]), config["SIGN_IN_LOCKOUT"])
    return locked
