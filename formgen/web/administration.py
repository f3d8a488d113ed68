"""The administrators' pages (A5): accounts, teams and the authority's settings; and the search of the
access log, for administrators and auditors.

None of these pages shows a child's record: the log names children, as it recorded them, and nothing
more. The rules (who may be in a team, what an administrator may not do to their own account) and each
change with its log entry are in formgen.web.accounts; the search in formgen.web.logsearch.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func
from werkzeug.datastructures import MultiDict

from formgen.capabilities import ROLE_LABELS, Capability, Role, role_label
from formgen.display import format_day
from formgen.i18n import N_, _
from formgen.spec.loader import AUTHORITIES
from formgen.web import accounts, audit, logsearch
from formgen.web.access import needs
from formgen.web.audit import Action
from formgen.web.extensions import db
from formgen.web.models import Team, User, normal_email
from formgen.web.security import require_sign_in, without_control_characters
from formgen.web.services import services

blueprint = Blueprint("administration", __name__, url_prefix="/administration")
blueprint.before_request(require_sign_in)

ROLE_HINTS: dict[Role, str] = {
    Role.PRACTITIONER: N_("Opens cases, completes assessments and sends them for approval"),
    Role.MANAGER: N_("Approves or returns assessments, records a manager’s decisions and allocates cases"),
    Role.BUSINESS_SUPPORT: N_("Sees the team’s assessments and produces their plans, not their answers"),
    Role.ADMINISTRATOR: N_(
        "Looks after accounts and teams and searches the access log; sees no child’s record"
    ),
    Role.AUDITOR: N_("Searches the access log; sees no child’s record"),
    Role.PERFORMANCE: N_(
        "Makes the statutory returns, such as the Children in Need census, from every case; "
        "opens no assessment"
    ),
}
NATIONS = {"ENG": N_("England"), "WLS": N_("Wales"), "SCT": N_("Scotland"), "NIR": N_("Northern Ireland")}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# --- reading the forms ----------------------------------------------------------------------------


def _text(sent: MultiDict, name: str) -> str:
    return without_control_characters(sent.get(name, "") or "").strip()


def _error(errors: list[dict[str, str]], name: str, text: str) -> None:
    errors.append({"text": text, "href": f"#{name}"})


def read_role(sent: MultiDict, errors: list[dict[str, str]]) -> str | None:
    role = sent.get("role", "")
    if role not in {role.value for role in Role}:
        _error(errors, "role", _("Select their role"))
        return None
    return role


def read_team(sent: MultiDict, errors: list[dict[str, str]]) -> tuple[bool, Team | None]:
    """Whether a team (or No team) was chosen, and which."""
    chosen = sent.get("team", "")
    if chosen == "":
        return True, None
    team = db.session.get(Team, int(chosen)) if chosen.isdigit() and len(chosen) < 10 else None
    if team is None:
        _error(errors, "team", _("Select a team from the list"))
        return False, None
    return True, team


def check_team(role: str | None, team_read: tuple[bool, Team | None], errors: list[dict[str, str]]) -> None:
    read, team = team_read
    if role is not None and read:
        problem = accounts.team_problem(role, team)
        if problem:
            _error(errors, "team", problem)


def read_new_account(sent: MultiDict) -> tuple[dict, list[dict[str, str]]]:
    """What the new-account form sent, and a message for each answer that will not do."""
    errors: list[dict[str, str]] = []
    typed = {name: _text(sent, name) for name in ("name", "email", "phone")}
    if not typed["name"]:
        _error(errors, "name", _("Enter their full name"))
    elif len(typed["name"]) > accounts.NAME_LENGTH:
        _error(errors, "name", _("Their name must be %(n)s characters or fewer", n=accounts.NAME_LENGTH))
    email = normal_email(typed["email"])
    if not email:
        _error(errors, "email", _("Enter their email address"))
    elif len(email) > accounts.EMAIL_LENGTH or not EMAIL.fullmatch(email):
        _error(errors, "email", _("Enter an email address in the correct format, like name@example.org"))
    elif db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        _error(
            errors, "email", _("There is already an account with the email address %(email)s", email=email)
        )
    if len(typed["phone"]) > accounts.PHONE_LENGTH:
        _error(
            errors,
            "phone",
            _("Their phone number must be %(n)s characters or fewer", n=accounts.PHONE_LENGTH),
        )
    role = read_role(sent, errors)
    team_read = read_team(sent, errors)
    check_team(role, team_read, errors)
    password, again = sent.get("password", ""), sent.get("password-again", "")
    if not password:
        _error(errors, "password", _("Enter a first password for them"))
    elif len(password) < accounts.PASSWORD_LENGTH:
        _error(
            errors, "password", _("The password must be %(n)s characters or more", n=accounts.PASSWORD_LENGTH)
        )
    elif len(password) > 1000:
        _error(errors, "password", _("The password must be 1,000 characters or fewer"))
    elif again != password:
        _error(errors, "password-again", _("The passwords do not match: type the same password twice"))
    values = {
        **typed,
        "email": email,
        "email_typed": typed["email"],  # shown again as typed
        "role": role,
        "team": team_read[1],
        "password": password,
    }
    return values, errors


# --- accounts -------------------------------------------------------------------------------------


def _account(user_id: int) -> User:
    # An id past any the database holds (or can: SQLite's integers stop at 2**63) is not found.
    account = db.session.get(User, user_id) if user_id < 2**31 else None
    if account is None:
        abort(404)
    return account


def _teams() -> list[Team]:
    return list(db.session.scalars(db.select(Team).order_by(Team.name)))


def _role_items(chosen: str | None) -> list[dict]:
    return [
        {
            "value": role.value,
            "text": _(label),
            "hint": {"text": _(ROLE_HINTS[role])},
            "checked": role.value == chosen,
        }
        for role, label in ROLE_LABELS.items()
    ]


def _team_items(chosen: Team | None) -> list[dict]:
    items = [{"value": "", "text": _("No team"), "selected": chosen is None}]
    return items + [
        {"value": str(team.id), "text": team.name, "selected": chosen is not None and team.id == chosen.id}
        for team in _teams()
    ]


@blueprint.route("/users")
@needs(Capability.ADMINISTER)
def users():
    everyone = db.session.scalars(db.select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("administration/users.html", users=everyone, role_label=role_label)


@blueprint.route("/users/new", methods=["GET", "POST"])
@needs(Capability.ADMINISTER)
def new_user():
    values: dict = {"role": None, "team": None}
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        values, errors = read_new_account(request.form)
        if not errors:
            account = accounts.add_account(
                email=values["email"],
                name=values["name"],
                role=values["role"],
                password=values["password"],
                team=values["team"],
                phone=values["phone"],
                by=g.user,
            )
            db.session.commit()
            flash(
                _(
                    "The account for %(name)s has been created. Tell them their first password.",
                    name=account.name,
                )
            )
            return redirect(url_for("administration.account", user_id=account.id))
    page = render_template(
        "administration/new_user.html",
        values=values,
        roles=_role_items(values.get("role")),
        teams=_team_items(values.get("team")),
        errors=errors,
        back=url_for("administration.users"),
    )
    return page, 400 if errors else 200


def _account_page(account: User, errors: list[dict[str, str]], role: str | None, team: Team | None):
    page = render_template(
        "administration/account.html",
        account=account,
        role_label=_(role_label(account.role)),
        roles=_role_items(role),
        teams=_team_items(team),
        locked=accounts.is_locked_out(account),
        own=account.id == g.user.id,
        errors=errors,
        back=url_for("administration.users"),
    )
    return page, 400 if errors else 200


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@needs(Capability.ADMINISTER)
def account(user_id: int):
    """An account's details; its role and team changed."""
    account = _account(user_id)
    if request.method == "GET":
        return _account_page(account, [], account.role, account.team)
    errors: list[dict[str, str]] = []
    role = read_role(request.form, errors)
    team_read = read_team(request.form, errors)
    check_team(role, team_read, errors)
    if role is not None:
        problem = accounts.own_account_problem(g.user, account, role=role)
        if problem:
            _error(errors, "role", problem)
    if errors:
        return _account_page(account, errors, role, team_read[1])
    changed = accounts.change_role(account, role, by=g.user)
    changed = accounts.change_team(account, team_read[1], by=g.user) or changed
    db.session.commit()
    flash(
        _("%(name)s’s role and team are saved.", name=account.name) if changed else _("Nothing was changed.")
    )
    return redirect(url_for("administration.account", user_id=account.id))


@blueprint.route("/users/<int:user_id>/deactivate", methods=["POST"])
@needs(Capability.ADMINISTER)
def deactivate(user_id: int):
    account = _account(user_id)
    problem = accounts.own_account_problem(g.user, account)
    if problem:
        return _account_page(account, [{"text": problem, "href": "#deactivate"}], account.role, account.team)
    if account.active:
        accounts.deactivate(account, by=g.user)
        db.session.commit()
    flash(
        _(
            "%(name)s’s account is deactivated: they cannot sign in, and they have been signed out.",
            name=account.name,
        )
    )
    return redirect(url_for("administration.account", user_id=account.id))


@blueprint.route("/users/<int:user_id>/reactivate", methods=["POST"])
@needs(Capability.ADMINISTER)
def reactivate(user_id: int):
    account = _account(user_id)
    if not account.active:
        accounts.reactivate(account, by=g.user)
        db.session.commit()
    flash(_("%(name)s’s account is active again: they can sign in.", name=account.name))
    return redirect(url_for("administration.account", user_id=account.id))


@blueprint.route("/users/<int:user_id>/unlock", methods=["POST"])
@needs(Capability.ADMINISTER)
def unlock(user_id: int):
    account = _account(user_id)
    was_locked = accounts.unlock(account, by=g.user)  # commits the change and its log entry
    flash(
        _("%(name)s can try to sign in again now.", name=account.name)
        if was_locked
        else _("%(name)s was not locked out of signing in.", name=account.name)
    )
    return redirect(url_for("administration.account", user_id=account.id))


# --- teams ----------------------------------------------------------------------------------------


@blueprint.route("/teams")
@needs(Capability.ADMINISTER)
def teams():
    return render_template("administration/teams.html", teams=_teams(), role_label=role_label)


def read_team_name(sent: MultiDict) -> tuple[str, list[dict[str, str]]]:
    errors: list[dict[str, str]] = []
    name = " ".join(_text(sent, "name").split())
    if not name:
        _error(errors, "name", _("Enter the team’s name"))
    elif len(name) > accounts.NAME_LENGTH:
        _error(errors, "name", _("The team’s name must be %(n)s characters or fewer", n=accounts.NAME_LENGTH))
    elif db.session.scalar(db.select(Team.id).where(func.lower(Team.name) == name.lower())) is not None:
        _error(errors, "name", _("There is already a team called %(name)s", name=name))
    return name, errors


@blueprint.route("/teams/new", methods=["GET", "POST"])
@needs(Capability.ADMINISTER)
def new_team():
    name, errors = "", []
    if request.method == "POST":
        name, errors = read_team_name(request.form)
        if not errors:
            accounts.add_team(name, by=g.user)
            db.session.commit()
            flash(_("The team %(name)s has been created.", name=name))
            return redirect(url_for("administration.teams"))
    page = render_template(
        "administration/new_team.html", name=name, errors=errors, back=url_for("administration.teams")
    )
    return page, 400 if errors else 200


# --- the authority --------------------------------------------------------------------------------


@blueprint.route("/authority")
@needs(Capability.ADMINISTER)
def authority():
    """The authority's details and the overlay in use, as loaded: changed in the file, not here."""
    loaded = services()
    form, settings = loaded.form, loaded.settings
    overlay = settings.spec_dir / AUTHORITIES / f"{form.authority_id}.yaml" if form.authority_id else None
    return render_template(
        "administration/authority.html",
        details=form.authority,
        nation=_(NATIONS[form.authority.nation])
        if form.authority.nation in NATIONS
        else form.authority.nation,
        authority_id=form.authority_id,
        overlay=overlay,
        spec_dir=settings.spec_dir,
        edition=form.edition,
        closure_days=[format_day(day) for day in form.authority.closure_days],
        back=url_for("cases.home"),
    )


# --- the access log -------------------------------------------------------------------------------


@blueprint.route("/access-log")
@needs(Capability.AUDIT)
def access_log():
    search = logsearch.read_search(request.args)
    found, total, number = [], 0, 1
    if not search.errors:
        total = logsearch.count(search)
        number = logsearch.page_number(request.args.get("page"), total)
        found = logsearch.page_of(search, number)
        audit.record(Action.LOG_SEARCHED, user=g.user, detail=f"{search.describe()}; page {number}")
        db.session.commit()
    pages = max(1, -(-total // logsearch.PAGE_SIZE))
    args = search.args()
    page = render_template(
        "administration/access_log.html",
        search=search,
        rows=[logsearch.row(event) for event in found],
        total=total,
        number=number,
        pages=pages,
        first=(number - 1) * logsearch.PAGE_SIZE + 1,
        previous=url_for("administration.access_log", **args, page=number - 1) if number > 1 else None,
        next=url_for("administration.access_log", **args, page=number + 1) if number < pages else None,
        csv=url_for("administration.access_log_csv", **args),
        errors=search.errors,
        back=url_for("cases.home"),
    )
    return page, 400 if search.errors else 200


@blueprint.route("/access-log.csv")
@needs(Capability.AUDIT)
def access_log_csv():
    """The same search, every event it finds, as a spreadsheet's CSV; the download is itself logged."""
    search = logsearch.read_search(request.args)
    if search.errors:
        return access_log()
    text = logsearch.as_csv(db.session.scalars(logsearch.events(search)).unique())
    audit.record(Action.LOG_EXPORTED, user=g.user, detail=search.describe())
    db.session.commit()
    name = f"access-log-{date.today():%Y-%m-%d}.csv"
    return Response(
        "\ufeff" + text,  # a byte order mark, so that a spreadsheet reads the names' accents
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
