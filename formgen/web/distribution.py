"""A case's distribution list (K2, A3): who its plans and outcomes go to, how, in what language and
format, and who must not receive a copy. Business support and the practitioner keep it; a household
member receives nothing until a practitioner or a manager confirms them.

The rules (ids, what clears a confirmation, who may be removed) are formgen.engine.recipients'; this
module reads the pages' forms, saves with the case's version, and logs what changed, never the values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from formgen.capabilities import Capability
from formgen.display import clean_text, join_words
from formgen.engine import recipients as rules
from formgen.engine.distribution import (
    FORMAT_LABELS,
    Confirmation,
    CopyFormat,
    Recipient,
    Sending,
    Withholding,
)
from formgen.i18n import N_, _
from formgen.web import audit, summaries
from formgen.web.access import needs, visible_case
from formgen.web.extensions import db
from formgen.web.models import Case
from formgen.web.pages import child_name
from formgen.web.runner import sent_version
from formgen.web.security import require_sign_in

blueprint = Blueprint("distribution", __name__, url_prefix="/cases/<reference>/distribution")
blueprint.before_request(require_sign_in)  # every page here names a child's family

LINE, BLOCK = 300, 2_000  # what formgen.engine.distribution keeps of a line and of an address
OUTSIDE = "outside"  # the "who" choice for someone outside the household; members are "member-<id>"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CHANGED = N_("Someone changed this case after you opened the page. Try again")
RACED = N_("Someone changed this case at the same moment. Try again")


# --- reading the stored list ---------------------------------------------------------------------


def distribution_of(case: Case) -> list[Recipient]:
    return [Recipient.model_validate(entry) for entry in case.distribution or []]


def withheld_of(case: Case) -> list[Withholding]:
    return [Withholding.model_validate(entry) for entry in case.withheld or []]


def circulation_of(case: Case) -> list[Sending]:
    return [Sending.model_validate(entry) for entry in case.circulation or []]


def _find(case: Case, recipient_id: str) -> Recipient:
    found = next((entry for entry in distribution_of(case) if entry.id == recipient_id), None)
    if found is None:
        abort(404)
    return found


def _store(
    case: Case, version: int | None, distribution: list[Recipient], withheld: list[Withholding] | None = None
) -> str | None:
    """Save the list if the case is still at the version the page was opened at; else why not."""
    if version != case.version:
        return _(CHANGED)
    case.distribution = [entry.model_dump(mode="json", exclude_none=True) for entry in distribution]
    if withheld is not None:
        case.withheld = [entry.model_dump(mode="json", exclude_none=True) for entry in withheld]
    try:
        summaries.refresh(case)  # what waits to be circulated
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _(RACED)
    return None


def _back(reference: str) -> str:
    return url_for("distribution.recipients", reference=reference)


# --- the list ------------------------------------------------------------------------------------


@blueprint.route("")
@needs(Capability.EDIT_DISTRIBUTION)
def recipients(reference: str):
    current = visible_case(reference)
    return _list_page(current, [])


def _list_page(case: Case, errors: list[dict[str, str]], status: int = 200):
    people = rules.household_people(case.household)
    names = {child.key: child_name(case, child) for child in case.children}
    rows = [_row(case, entry, people, names) for entry in distribution_of(case)]
    page = render_template(
        "distribution/list.html",
        case=case,
        rows=rows,
        errors=errors,
        version=case.version,
        can_confirm=g.user.can(Capability.CONFIRM_RECIPIENT),
        back=url_for("cases.case", reference=case.reference),
    )
    return page, status


def _row(case: Case, entry: Recipient, people: dict[str, str], names: dict[str, str]) -> dict[str, Any]:
    if entry.person is not None:
        who = _("Household member")
    else:
        who = ", ".join(part for part in (entry.role, entry.organisation) if part) or _(
            "Outside the household"
        )
    language = rules.language_name(entry.language)
    children = [names[key] for key in entry.children if key in names]
    return {
        "id": entry.id,
        "name": rules.recipient_name(entry, people),
        "who": who,
        "household": entry.person is not None,
        "wants_welsh": rules.wants_welsh(case.household, entry.person),
        "language_code": entry.language,
        "gone": entry.person is not None and entry.person not in people,
        "address": entry.address,
        "email": entry.email,
        "language": _("%(language)s, and the English copy too", language=language)
        if entry.in_both_languages
        else language,
        "format": _(FORMAT_LABELS[entry.format]),
        "children": join_words(children) if entry.children else _("Every child in the case"),
        "referrer": entry.referrer,
        "excluded": entry.excluded_reason,
        "confirmed": entry.confirmed,
        "change": url_for("distribution.recipient", reference=case.reference, recipient=entry.id),
        "remove": url_for("distribution.remove_recipient", reference=case.reference, recipient=entry.id),
        "confirm": url_for("distribution.confirm_recipient", reference=case.reference, recipient=entry.id),
    }


# --- adding and changing a recipient ------------------------------------------------------------


@dataclass
class Choices:
    """What the recipient page offers: the household's people not yet on the list, and the children."""

    people: dict[str, str]  # item id: name, the members this entry may be
    children: dict[str, str]  # child key: name


def _choices(case: Case, editing: Recipient | None) -> Choices:
    listed = {entry.person for entry in distribution_of(case) if editing is None or entry.id != editing.id}
    people = {id: name for id, name in rules.household_people(case.household).items() if id not in listed}
    return Choices(people, {child.key: child_name(case, child) for child in case.children})


def _values(entry: Recipient | None) -> dict[str, Any]:
    """What the page shows for a stored recipient (or a new one)."""
    if entry is None:
        return {
            "who": "",
            "language": rules.DEFAULT_LANGUAGE,
            "format": CopyFormat.WORD.value,
            "children": [],
            "receives": "yes",
        }
    return {
        "who": f"member-{entry.person}" if entry.person is not None else OUTSIDE,
        "name": entry.name,
        "role": entry.role,
        "organisation": entry.organisation,
        "address": entry.address,
        "email": entry.email,
        "language": entry.language,
        "english_too": entry.english_too,
        "format": entry.format.value,
        "children": list(entry.children),
        "referrer": entry.referrer,
        "receives": "no" if entry.excluded_reason is not None else "yes",
        "excluded_reason": entry.excluded_reason or "",
    }


def _text(sent: MultiDict, name: str) -> str:
    return clean_text(sent.get(name, "") or "").strip()


def _posted(sent: MultiDict) -> dict[str, Any]:
    """What a recipient page sent, as it is shown again."""
    values: dict[str, Any] = {key: _text(sent, key) for key in ("who", "name", "role", "organisation")}
    values |= {key: _text(sent, key) for key in ("address", "email", "excluded_reason")}
    return values | {
        "language": sent.get("language", ""),
        "english_too": sent.get("english_too") == "yes",
        "format": sent.get("format", ""),
        "children": sent.getlist("children"),
        "referrer": sent.get("referrer") == "yes",
        "receives": sent.get("receives", ""),
    }


class _Messages(list):
    """A page's messages in the error summary's shape, in page order."""

    def add(self, field: str, text: str) -> None:
        self.append({"text": text, "href": f"#{field}"})

    def longer(self, values: dict[str, Any], field: str, message: str, limit: int) -> None:
        """`message` (marked N_, with %(limit)s) when the field is longer than `limit`."""
        if len(values[field]) > limit:
            self.add(field, _(message, limit=f"{limit:,}"))


def _check_who(values: dict[str, Any], choices: Choices, messages: _Messages) -> str | None:
    """The household member chosen, or None for someone outside the household (or no valid choice)."""
    who = values["who"]
    if who.startswith("member-") and who.removeprefix("member-") in choices.people:
        return who.removeprefix("member-")
    if who != OUTSIDE:
        messages.add("who", _("Select who they are"))
        return None
    if not values["name"]:
        messages.add("name", _("Enter their name"))
    messages.longer(values, "name", N_("Their name must be %(limit)s characters or fewer"), LINE)
    messages.longer(values, "role", N_("Their role must be %(limit)s characters or fewer"), LINE)
    messages.longer(
        values, "organisation", N_("The organisation must be %(limit)s characters or fewer"), LINE
    )
    return None


def _check_copies(values: dict[str, Any], messages: _Messages) -> None:
    """Where copies go, or why none may."""
    receives = values["receives"]
    if receives not in {"yes", "no"}:
        messages.add("receives", _("Select whether they are to receive copies"))
    if receives == "yes" and not values["address"] and not values["email"]:
        messages.add("address", _("Enter a postal address or a secure email address"))
    messages.longer(values, "address", N_("The postal address must be %(limit)s characters or fewer"), BLOCK)
    if values["email"] and (len(values["email"]) > LINE or not _EMAIL.fullmatch(values["email"])):
        messages.add(
            "email", _("Enter a secure email address in the correct format, like name@example.gov.uk")
        )
    if receives == "no" and not values["excluded_reason"]:
        messages.add("excluded_reason", _("Enter why they must not receive a copy"))
    messages.longer(values, "excluded_reason", N_("The reason must be %(limit)s characters or fewer"), BLOCK)


def read_recipient(
    sent: MultiDict, choices: Choices, recipient_id: str, stored_language: str | None
) -> tuple[dict[str, Any], list[dict[str, str]], Recipient | None]:
    """A posted recipient page: what to show again, its messages in page order, and the recipient."""
    values, messages = _posted(sent), _Messages()
    person = _check_who(values, choices, messages)
    _check_copies(values, messages)
    if values["language"] not in rules.LANGUAGES and values["language"] != stored_language:
        messages.add("language", _("Select a language from the list"))
    if values["format"] not in {choice.value for choice in CopyFormat}:
        messages.add("format", _("Select the format they need"))
    if not set(values["children"]) <= set(choices.children):
        messages.add("children", _("Select children from the list"))
    messages.sort(key=lambda message: ORDER.index(message["href"][1:]))
    if messages:
        return values, messages, None
    outside = person is None
    try:
        entry = Recipient(
            id=recipient_id,
            person=person,
            name=values["name"] if outside else "",
            role=values["role"] if outside else "",
            organisation=values["organisation"] if outside else "",
            address=values["address"],
            email=values["email"],
            language=values["language"],
            english_too=values["english_too"],
            format=CopyFormat(values["format"]),
            children=[key for key in choices.children if key in values["children"]],
            referrer=values["referrer"],
            excluded_reason=values["excluded_reason"] if values["receives"] == "no" else None,
        )
    except ValidationError:  # whatever the checks above missed is still a message, never an error page
        messages.add("who", _("Check the details and try again"))
        return values, messages, None
    return values, messages, entry


# The page's fields top to bottom: the error summary lists its messages in this order.
ORDER = (
    "who",
    "name",
    "role",
    "organisation",
    "address",
    "email",
    "language",
    "english_too",
    "format",
    "children",
    "receives",
    "excluded_reason",
)


def _recipient_page(case: Case, editing: Recipient | None, values, errors, choices: Choices, status=200):
    # Each language by its name in the language being spoken (formgen.engine.recipients.language_name).
    languages = {code: rules.language_name(code) for code in rules.LANGUAGES}
    if values.get("language") and values["language"] not in languages and editing is not None:
        languages[values["language"]] = values["language"]  # a code an imported file brought
    page = render_template(
        "distribution/recipient.html",
        case=case,
        editing=editing,
        name=rules.recipient_name(editing, rules.household_people(case.household)) if editing else None,
        values=values,
        errors=errors,
        people=choices.people,
        welsh={id for id in choices.people if rules.wants_welsh(case.household, id)},
        children=choices.children,
        languages=languages,
        formats=FORMAT_LABELS,
        version=case.version,
        back=_back(case.reference),
    )
    return page, status


@blueprint.route("/new", methods=["GET", "POST"])
@needs(Capability.EDIT_DISTRIBUTION)
def new_recipient(reference: str):
    current = visible_case(reference)
    choices = _choices(current, None)
    if request.method == "GET":
        return _recipient_page(current, None, _values(None), [], choices)
    distribution = distribution_of(current)
    new_id = rules.next_id(distribution, withheld_of(current), circulation_of(current))
    values, errors, entry = read_recipient(request.form, choices, new_id, None)
    if entry is not None:
        failure = _store(current, sent_version(request.form), [*distribution, rules.revised(None, entry)])
        if failure is None:
            kind = "a household member" if entry.person else "outside the household"
            audit.about(audit.Action.RECIPIENT_ADDED, f"{entry.id}, {kind}")
            flash(
                _("%(name)s is on the distribution list.", name=rules.recipient_name(entry, choices.people))
            )
            return redirect(_back(reference))
        errors = [{"text": failure, "href": "#who"}]
        current = visible_case(reference)
    return _recipient_page(current, None, values, errors, choices, 409 if entry else 400)


@blueprint.route("/recipients/<recipient>", methods=["GET", "POST"])
@needs(Capability.EDIT_DISTRIBUTION)
def recipient(reference: str, recipient: str):
    current = visible_case(reference)
    before = _find(current, recipient)
    choices = _choices(current, before)
    if request.method == "GET":
        return _recipient_page(current, before, _values(before), [], choices)
    values, errors, entry = read_recipient(request.form, choices, before.id, before.language)
    if entry is not None:
        after = rules.revised(before, entry)
        changed = rules.changed_fields(before, after)
        distribution = [after if other.id == before.id else other for other in distribution_of(current)]
        failure = _store(current, sent_version(request.form), distribution) if changed else None
        if failure is None:
            name = rules.recipient_name(after, rules.household_people(current.household))
            if changed:
                words = ", ".join(rules.FIELD_WORDS[field] for field in changed)
                cleared = before.confirmed is not None and after.confirmed is None
                detail = f"{before.id}: {words}" + ("; the confirmation is cleared" if cleared else "")
                audit.about(audit.Action.RECIPIENT_CHANGED, detail)
                flash(
                    _(
                        "%(name)s’s details are saved. They need confirming again before anything is sent "
                        "to them.",
                        name=name,
                    )
                    if cleared
                    else _("%(name)s’s details are saved.", name=name)
                )
            else:
                flash(_("Nothing was changed for %(name)s.", name=name))
            return redirect(_back(reference))
        errors = [{"text": failure, "href": "#who"}]
        current = visible_case(reference)
    return _recipient_page(current, before, values, errors, choices, 409 if entry else 400)


# --- removing and confirming ---------------------------------------------------------------------


@blueprint.route("/recipients/<recipient>/remove", methods=["GET", "POST"])
@needs(Capability.EDIT_DISTRIBUTION)
def remove_recipient(reference: str, recipient: str):
    current = visible_case(reference)
    entry = _find(current, recipient)
    name = rules.recipient_name(entry, rules.household_people(current.household))
    refusal = rules.removal_refusal(entry, circulation_of(current), name)
    error, status = None, 200
    if request.method == "POST" and refusal is None:
        answer = request.form.get("confirm")
        if answer == "no":
            return redirect(_back(reference))
        if answer == "yes":
            distribution, withheld = rules.removed(entry.id, distribution_of(current), withheld_of(current))
            error = _store(current, sent_version(request.form), distribution, withheld)
            if error is None:
                audit.about(audit.Action.RECIPIENT_REMOVED, entry.id)
                flash(_("%(name)s is no longer on the distribution list.", name=name))
                return redirect(_back(reference))
            current, status = visible_case(reference), 409
        else:
            error, status = (
                _("Select yes if you want to remove %(name)s from the distribution list", name=name),
                400,
            )
    page = render_template(
        "distribution/remove.html",
        case=current,
        name=name,
        refusal=refusal,
        error=error,
        version=current.version,
        back=_back(reference),
    )
    return page, 409 if refusal else status


@blueprint.route("/recipients/<recipient>/confirm", methods=["POST"])
@needs(Capability.CONFIRM_RECIPIENT)
def confirm_recipient(reference: str, recipient: str):
    """A practitioner or manager confirms that a household member may be sent the documents."""
    current = visible_case(reference)
    entry = _find(current, recipient)
    people = rules.household_people(current.household)
    name = rules.recipient_name(entry, people)
    if entry.person is None:
        problem = _("%(name)s is not a member of the household, so they need no confirming", name=name)
    elif entry.person not in people:
        problem = _(
            "%(name)s: they are no longer a member of the household. Remove them or change who they are",
            name=name,
        )
    elif entry.excluded_reason is not None:
        problem = _("%(name)s must not receive a copy, so there is nothing to confirm", name=name)
    elif entry.confirmed is not None:
        problem = _("%(name)s is already confirmed", name=name)
    else:
        confirmation = Confirmation(by=g.user.as_person(), at=datetime.now(UTC))
        confirmed = entry.model_copy(update={"confirmed": confirmation})
        distribution = [confirmed if other.id == entry.id else other for other in distribution_of(current)]
        problem = _store(current, sent_version(request.form), distribution)
        if problem is None:
            audit.about(audit.Action.RECIPIENT_CONFIRMED, entry.id)
            flash(_("%(name)s is confirmed: they can be sent copies.", name=name))
            return redirect(_back(reference))
        current = visible_case(reference)
    return _list_page(current, [{"text": problem, "href": f"#recipient-{entry.id}"}], 409)


# --- when a person leaves the household ---------------------------------------------------------


def person_effects(case: Case, person: str) -> list[str]:
    """What removing a household member does to the distribution list, as sentences."""
    name = rules.household_people(case.household).get(person, rules.REMOVED_PERSON)
    *_others, theirs = rules.without_person(person, name, distribution_of(case), [], circulation_of(case))
    sent = {sending.recipient for sending in circulation_of(case)}
    return [
        _(
            "%(name)s stays on the distribution list as someone who must not receive a copy, since copies "
            "were sent to them",
            name=name,
        )
        if recipient.id in sent
        else _("%(name)s is taken off the distribution list", name=name)
        for recipient in theirs
    ]


def take_person_off(case: Case, person: str) -> None:
    """Take a removed household member off the list (in the removal's own commit, before the
    household's answers lose them: their name is read from those)."""
    name = rules.household_people(case.household).get(person, rules.REMOVED_PERSON)
    distribution, withheld, theirs = rules.without_person(
        person, name, distribution_of(case), withheld_of(case), circulation_of(case)
    )
    if theirs:
        case.distribution = [entry.model_dump(mode="json", exclude_none=True) for entry in distribution]
        case.withheld = [entry.model_dump(mode="json", exclude_none=True) for entry in withheld]
