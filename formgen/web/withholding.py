""" "Who must not see this?" (F5): the page on which a practitioner or a manager keeps an answer, or one
item of a list (an action, a service, an agency's contribution, a person's details), from named
recipients of the case's documents.

One page per answer and per item, under a child's address or the household's as the wizard's pages
are. What it keeps is checked by the engine (formgen.engine.withholding); what the documents then
leave out is decided in formgen.documents.context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, g, render_template, request
from flask import redirect as redirect_to
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from formgen.capabilities import Capability
from formgen.display import join_words
from formgen.engine.distribution import DISTRIBUTION_LIST, Recipient, Withholding
from formgen.engine.withholding import replaced, withholding_problem
from formgen.i18n import N_, _
from formgen.spec.form import FieldInfo
from formgen.web import audit, pages, summaries
from formgen.web.access import needs
from formgen.web.extensions import db
from formgen.web.links import url
from formgen.web.pages import Subject
from formgen.web.runner import kept, load_subject, sent_version
from formgen.web.security import require_sign_in, safe_next
from formgen.web.services import services
from formgen.web.withheld import LINK_TEXT, Withheld, child_of, recipient_name

blueprint = Blueprint("withholding", __name__, url_prefix="/cases/<reference>")
blueprint.before_request(require_sign_in)  # every page here shows a child's data

STALE = N_(
    "Someone changed this case after you opened the page, so this was not saved. "
    "The boxes now show what is saved: check them, then save again"
)


def _route(rule: str, **options: Any):
    """Register a view under a child's URL and under the household's, as the wizard's pages are."""
    defaults = options.pop("defaults", {})

    def register(view):
        blueprint.add_url_rule(f"/children/<key>{rule}", view_func=view, defaults=defaults, **options)
        blueprint.add_url_rule(
            f"/household{rule}", view_func=view, defaults={"key": None, **defaults}, **options
        )
        return view

    return register


@dataclass(frozen=True)
class _Target:
    """What the page keeps from people: an answer, an item of a list, or a recipient of the list."""

    place: Withholding  # naming nobody yet
    caption: str
    what: list[dict[str, Any]]  # as a summary list shows it
    logged_as: str  # as the access log names it: never the answer itself
    fallback: str  # where the page returns when it was not told


@_route("/withhold/<field_id>", methods=["GET", "POST"], defaults={"item_id": None})
@_route("/withhold/<field_id>/<item_id>", methods=["GET", "POST"])
@needs(Capability.WITHHOLD)
def withhold(reference: str, key: str | None, field_id: str, item_id: str | None):
    """Tick the recipients who must not see an answer or a list item; none ticked: nobody."""
    subject = load_subject(reference, key)
    case = subject.case
    assessment = subject.assessment(services().form)
    shown = Withheld.of(subject, assessment)
    target = _target(subject, assessment, shown, field_id, item_id)
    audit.about(audit.Action.VIEWED, target.logged_as)
    back = _back(subject, target.fallback)
    place = target.place
    ticked = {recipient.id for recipient in shown.kept_from(place.field, place.child, place.item)}
    version, errors, status = case.version, [], 200
    held = kept() if request.method == "GET" else None
    if held is not None:  # sent as the session ended: shown as ticked then, to be saved knowingly
        ticked, version = set(held.getlist("recipients")), sent_version(held)
    if request.method == "POST":
        ticked = set(request.form.getlist("recipients"))
        chosen = [recipient.id for recipient in _offered(shown, place) if recipient.id in ticked]
        if sent_version(request.form) == case.version and _save(case, shown, place, chosen):
            names = [recipient_name(assessment, r) for r in shown.distribution if r.id in chosen]
            audit.about(audit.Action.WITHHELD, _logged(target.logged_as, len(chosen)))
            flash(
                _("Saved. It will be left out of the documents sent to %(names)s.", names=join_words(names))
                if names
                else _("Saved. It is not withheld from anyone.")
            )
            return redirect_to(back)
        # Someone saved the case since the page was opened: show what is saved now, and say so.
        shown = Withheld.of(subject, assessment)
        ticked = {recipient.id for recipient in shown.kept_from(place.field, place.child, place.item)}
        errors, status = [{"text": _(STALE), "href": "#recipients"}], 409
    page = render_template(
        "withholding/withhold.html",
        subject=subject,
        caption=target.caption,
        what=target.what,
        recipients=[
            {
                "value": recipient.id,
                "text": recipient_name(assessment, recipient),
                "hint": {"text": _about(recipient)} if _about(recipient) else None,
                "checked": recipient.id in ticked,
            }
            for recipient in _offered(shown, place)
        ],
        distribution=_distribution_page(case.reference),
        edits_distribution=g.user.can(Capability.EDIT_DISTRIBUTION),
        errors=errors,
        held=held is not None,
        version=version,
        back=back,
        heading=_(LINK_TEXT),
    )
    return page, status


def _distribution_page(reference: str) -> str:
    return f"/cases/{reference}/distribution"  # the distribution list's own page


def _target(subject: Subject, assessment, shown: Withheld, field_id: str, item_id: str | None) -> _Target:
    """What the address names, checked by the engine: anything that does not fit is not found."""
    form = assessment.form
    listed = field_id == DISTRIBUTION_LIST
    info = None if listed else form.fields.get(field_id)
    if not listed and (
        info is None or info.group is not None or (info.section.scope == "child" and subject.child is None)
    ):
        abort(404)
    try:
        place = Withholding(field=field_id, child=None if listed else child_of(subject, info), item=item_id)
    except ValidationError:
        abort(404)  # an id no list holds
    if withholding_problem(form, subject.case.to_case_file(), place) is not None:
        abort(404)  # not a question printed outside, not this case's child, not an item of the list
    if info is None:  # a recipient, kept out of the list of who has a copy that the others' print
        recipient = next(recipient for recipient in shown.distribution if recipient.id == item_id)
        what = [
            {"key": {"text": _("Recipient")}, "value": {"text": recipient_name(assessment, recipient)}},
            {"key": {"text": _("Kept out of")}, "value": {"text": _("The list of who is sent a copy")}},
        ]
        page = _distribution_page(subject.case.reference)
        # The access log's words stay in English, whatever the page is in.
        return _Target(place, _("Distribution list"), what, "Distribution list, a recipient", page)
    question = _question(info)
    logged_as = f"{info.section.title}, {f'an entry of {question}' if item_id else question}"
    check = url(subject, "check_answers", section_id=info.section.id)
    return _Target(place, _(info.section.title), _what(assessment, info, item_id), logged_as, check)


def _offered(shown: Withheld, place: Withholding) -> list[Recipient]:
    """The recipients the page offers: the case's, less the one whose own listing it is."""
    listed = place.field == DISTRIBUTION_LIST
    return [recipient for recipient in shown.distribution if not (listed and recipient.id == place.item)]


def _save(case, shown: Withheld, place: Withholding, chosen: list[str]) -> bool:
    """Keep the withholding (or drop it, when nobody is ticked) unless another save came first."""
    entry = place.model_copy(update={"recipients": chosen})
    case.withheld = [kept.model_dump(mode="json") for kept in replaced(shown.withheld, entry)]
    try:
        summaries.refresh(case)  # a copy withheld may no longer be one to send
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return False
    return True


def _question(info: FieldInfo) -> str:
    return info.field.document_label if info.group else info.field.label


def _what(assessment, info: FieldInfo, item_id: str | None) -> list[dict[str, Any]]:
    """What is withheld, as a summary list shows it: the question and its answer, or the list and the
    item's name."""
    if item_id is None:
        lines = pages.answer_lines(assessment, info) or []
        return [
            {"key": {"text": _("Question")}, "value": {"text": _(_question(info))}},
            {
                "key": {"text": _("Answer")},
                "value": {"text": "\n".join(lines) or _("Not provided"), "classes": "app-preserve-lines"},
            },
        ]
    item = next((item for item in assessment.items(info.field.id) if str(item.get("id")) == item_id), {})
    name = _(info.field.item_name) if info.field.item_name else _("entry")
    return [
        {"key": {"text": _("List")}, "value": {"text": _(info.field.label)}},
        {"key": {"text": name[:1].upper() + name[1:]}, "value": {"text": assessment.item_label(info, item)}},
    ]


def _about(recipient: Recipient) -> str:
    """What the checkbox's hint says of a recipient: their role and organisation, or that they are in
    the household; and that they receive no copies, when the list says so."""
    parts = [recipient.role, recipient.organisation] if recipient.person is None else [_("In the household")]
    words = ", ".join(part for part in parts if part)
    if recipient.excluded_reason is not None:
        words = (
            _("%(about)s. Must not receive a copy", about=words) if words else _("Must not receive a copy")
        )
    return words


def _logged(what: str, count: int) -> str:
    """The access log's words: what was withheld and from how many, never the answer itself."""
    if not count:
        return f"{what}: withheld from nobody"
    return f"{what}: withheld from {count} recipient{'s' if count != 1 else ''}"


def _back(subject: Subject, fallback: str) -> str:
    """Where the page returns: the page of this case it came from, else `fallback`."""
    target = request.args.get("next")
    if target and safe_next(target) == target and target.startswith(f"/cases/{subject.case.reference}/"):
        return target
    return fallback
