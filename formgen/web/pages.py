"""A question page, from the spec: which questions it shows, what they hold, and saving what was typed.

The views stay thin: they load a subject, call these functions and render or redirect.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flask import render_template
from werkzeug.datastructures import MultiDict

from formgen.capabilities import Capability
from formgen.display import clean_text
from formgen.engine import Assessment, Status
from formgen.engine.assessment import STATUS_LABELS, PendingDecision
from formgen.engine.journey import reveal
from formgen.engine.review import COMMENT_LENGTH
from formgen.fieldtypes import Parsed, display, field_type, subject
from formgen.i18n import N_, _, current
from formgen.spec.form import DECISION, FieldInfo, FormSpec
from formgen.spec.model import Page, Section
from formgen.web.fields import FieldView, read_raw
from formgen.web.models import Case, Child
from formgen.web.services import services


@dataclass
class Subject:
    """What a page edits: a case's household answers, or one child's answers (seen with the household's)."""

    case: Case
    child: Child | None

    def answers_for(self, section: Section) -> dict[str, Any]:
        """The stored answers a section's page writes to."""
        if section.scope == "household":
            return dict(self.case.household)
        if self.child is None:
            raise LookupError(f"section {section.id!r} belongs to a child")
        return dict(self.child.answers)

    def assessment(
        self, form: FormSpec, section: Section | None = None, answers: dict | None = None
    ) -> Assessment:
        """The assessment as stored, or with `answers` in place of what `section` writes to."""
        household = self.case.household
        child = self.child.answers if self.child is not None else None
        if answers is not None and section is not None:
            if section.scope == "household":
                household = answers
            else:
                child = answers
        return Assessment(form, household, child, today=date.today())

    def record(self, section: Section) -> Case | Child:
        return self.case if section.scope == "household" else self.child  # type: ignore[return-value]


def reading(household: dict[str, Any], child: dict[str, Any] | None) -> Assessment:
    """An assessment of these answers as the service's form reads them today."""
    return Assessment(services().form, household, child, today=date.today())


def assessment_of(case: Case, child: Child | None) -> Assessment:
    """A child's assessment as saved today (the household's alone, without a child)."""
    return reading(case.household, child.answers if child else None)


UNNAMED_CHILD = N_("Unnamed child")


def child_name(case: Case, child: Child) -> str:
    """A child's name as pages show it (in the language being spoken, when they have none yet)."""
    return assessment_of(case, child).child_name or _(UNNAMED_CHILD)


_STATUS_TAGS = {Status.NOT_STARTED: "govuk-tag--blue", Status.IN_PROGRESS: "govuk-tag--light-blue"}


def task_status(status: Status, open_to_me: bool = True) -> dict[str, Any]:
    """A task list item's status as the GOV.UK pattern shows it: "Completed" as plain text, others as tags."""
    if not open_to_me:
        return {"text": _("For a manager"), "classes": "govuk-task-list__status--cannot-start-yet"}
    if status is Status.COMPLETED:
        return {"text": _(STATUS_LABELS[status])}
    return {"tag": {"text": _(STATUS_LABELS[status]), "classes": _STATUS_TAGS[status]}}


def questions_shown(
    assessment: Assessment, section: Section, answering: Capability
) -> Iterator[tuple[Page, FieldInfo]]:
    """The questions a section shows `answering`, with their pages, as the answers stand."""
    for page in section.pages:
        if assessment.page_visible(section, page.id):
            for info in page_fields(assessment.form, page, answering):
                if assessment.is_visible(info):
                    yield page, info


def answer_lines(assessment: Assessment, info: FieldInfo) -> list[str] | None:
    """A question's answer as a summary list shows it, a line at a time; a list's entries by name."""
    if info.field.type == "group":
        return [assessment.item_label(info, item) for item in assessment.items(info.field.id)] or None
    text = display(info.field, assessment.value(info.field.id), assessment.people(info))
    return text.splitlines() or None


def answer_language(assessment: Assessment, info: FieldInfo) -> str | None:
    """The language an answer was said to be written in when it is not the page's: its `lang`."""
    code = assessment.written_in(info)
    return code if code is not None and not same_language(code, current().code) else None


def same_language(one: str, other: str) -> bool:
    """Whether two language tags name one language ("cy" and "cy-GB")."""
    return one.split("-")[0].lower() == other.split("-")[0].lower()


def decision_words(assessment: Assessment, pending: PendingDecision) -> str:
    """A decision reserved to a manager in plain words: its question's subject, and the person it is
    about, if one ("why an interpreter is not being used, for Shannon Colbeck (Mother)")."""
    words = subject(pending.info.field)
    if pending.item is None:
        return words
    group = assessment.form.info(pending.info.group.id)
    return _(
        "%(decision)s, for %(person)s", decision=words, person=assessment.item_label(group, pending.item)
    )


def decisions_asked_by(assessment: Assessment, page: Page) -> list[PendingDecision]:
    """The decisions waiting for a manager that the answers on `page` (or in its lists) call for."""
    form = assessment.form
    if not any(
        _owner_page(form, info) is page and info.field.answered_by is DECISION
        for info in form.fields.values()
    ):
        return []  # most pages ask none: no need to work out every decision of the assessment
    return [pending for pending in assessment.pending_decisions() if _owner_page(form, pending.info) is page]


def _owner_page(form: FormSpec, info: FieldInfo) -> Page:
    """The page a field is answered on: its own, or its list's for a field of a list's items."""
    return form.info(info.group.id).page if info.group else info.page


def text_box(sent: MultiDict, name: str, called: str, missing: str | None = None) -> tuple[str, list[dict]]:
    """What a free-text box of a manager's page holds, cleaned as every answer is, and its message
    (in an error summary's shape) when it is needed and empty, or longer than a record keeps.
    `called` and `missing` are given in the language being spoken."""
    text = clean_text(sent.get(name, "") or "")
    if missing and not text.strip():
        return text, [{"text": missing, "href": f"#{name}"}]
    if len(text) > COMMENT_LENGTH:
        message = _(
            "%(name)s must be %(count)s characters or fewer", name=called, count=f"{COMMENT_LENGTH:,}"
        )
        return text, [{"text": message, "href": f"#{name}"}]
    return text, []


@dataclass
class PageState:
    """What a page shows: raw values as typed or stored, and a message (with a date's part) per field."""

    raw: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Parsed] = field(default_factory=dict)


def stored_state(infos: list[FieldInfo], answers: Mapping[str, Any]) -> PageState:
    return PageState({info.field.id: to_input(info, answers.get(info.field.id)) for info in infos})


def to_input(info: FieldInfo, value: Any) -> Any:
    return field_type(info.field).to_input(value)


def views(
    assessment: Assessment,
    infos: list[FieldInfo],
    state: PageState,
    *,
    item: Mapping[str, Any] | None = None,
    index: int | None = None,
    prefix: str = "",
) -> list[FieldView]:
    """The page's questions in order, each follow-up placed under the choice it hangs on; `prefix`
    begins their inputs' names (one child's answers on a page that asks them for each child)."""
    form = assessment.form
    built: dict[str, FieldView] = {}
    for info in infos:
        error = state.errors.get(info.field.id)
        built[info.field.id] = FieldView(
            info,
            state.raw.get(info.field.id, to_input(info, None)),
            error.error if error else None,
            error.part if error else None,
            id_prefix=prefix,
            people=assessment.people(info, exclude=str(item.get("id")) if item else None),
            lang=answer_language(assessment, info) if item is None else None,
        )
    top: list[FieldView] = []
    for info in infos:
        view = built[info.field.id]
        hangs_on = reveal(form, info)
        if hangs_on and hangs_on.controller in built:
            built[hangs_on.controller].reveals.setdefault(hangs_on.value, []).append(view)
        elif assessment.is_visible(info, item, index):
            top.append(view)
    if len(top) == 1 and top[0].field.type != "group":
        top[0].heading = True
    return top


def every_view(field_views: list[FieldView]) -> list[FieldView]:
    """Every question a page puts on screen, follow-ups under their choices included, in page order."""
    found = []
    for view in field_views:
        found.append(view)
        for revealed in view.reveals.values():
            found.extend(every_view(revealed))
    return found


def page_fields(form: FormSpec, page: Page, answering: Capability) -> list[FieldInfo]:
    """The page's questions that `answering` answers (a manager's decisions have pages of their own)."""
    infos = (form.info(field.id) for field in page.fields)
    return [info for info in infos if not info.field.hidden and info.field.answered_by == answering]


def item_fields(form: FormSpec, group: FieldInfo, answering: Capability) -> list[FieldInfo]:
    return [
        info
        for info in form.item_fields(group.field)
        if not info.field.hidden and info.field.answered_by == answering
    ]


@dataclass
class Submission:
    """A posted page: what to show again, messages for what cannot be read, and the readable values."""

    state: PageState
    values: dict[str, Any]
    on_screen: set[str]  # the questions the person saw, the only ones the post can change


def read(
    before: Assessment,
    infos: list[FieldInfo],
    submitted: MultiDict,
    *,
    item: Mapping[str, Any] | None = None,
    index: int | None = None,
    prefix: str = "",
) -> Submission:
    """Read a posted page against the answers it was shown with (inputs named with `prefix`).

    Only questions that were on screen are read: a stored answer to a question the page did not show
    (a hidden follow-up) is kept, not taken as cleared.
    """
    shown = views(before, infos, PageState(), item=item, index=index, prefix=prefix)
    screen = {view.field.id: view for view in every_view(shown)}
    state, values = PageState(), {}
    for info in infos:
        view = screen.get(info.field.id)
        if info.field.type == "group" or view is None:
            continue
        raw = read_raw(info.field, submitted, prefix + info.field.id)
        state.raw[info.field.id] = raw
        # A choice of people is checked against the people the page offered.
        parsed = field_type(info.field).parse(info.field, raw, view.people.keys())
        if parsed.error:
            state.errors[info.field.id] = parsed
        else:
            values[info.field.id] = parsed.value
    return Submission(state, values, set(screen))


def error_summary(
    field_views: list[FieldView], extra: Mapping[str, Parsed] | None = None
) -> list[dict[str, str]]:
    """The summary at the top, in page order, each linking to its field (a date to its wrong part)."""
    summary = [
        {"text": view.error, "href": f"#{view.anchor}"} for view in every_view(field_views) if view.error
    ]
    for key, parsed in (extra or {}).items():
        summary.append({"text": parsed.error or "", "href": f"#{key}"})
    return summary


def merge(answers: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers with the page's readable values; a cleared answer is removed, nothing else is lost."""
    merged = dict(answers)
    for key, value in values.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


@dataclass
class ChildQuestions:
    """The questions a page asks for one child of the household (a person's relationship to them)."""

    heading: str | None  # the child's name, when the page asks them for several children
    views: list[FieldView]


def form_page(
    assessment: Assessment,
    infos: list[FieldInfo],
    state: PageState,
    *,
    for_children: Sequence[ChildQuestions] = (),
    for_children_after: Collection[str] = (),
    **context: Any,
) -> str:
    """A page of questions under a heading of its own: a new case's referral, a new child, a list item.

    `for_children`, the questions asked for each child, follow the page's questions `for_children_after`."""
    field_views = views(
        assessment, infos, state, item=context.pop("item", None), index=context.pop("index", None)
    )
    for_children_at = sum(1 for view in field_views if view.field.id in for_children_after)
    for view in [*field_views, *(view for block in for_children for view in block.views)]:
        view.heading = False  # the page's title is its h1
    in_order = [
        *field_views[:for_children_at],
        *(view for block in for_children for view in block.views),
        *field_views[for_children_at:],
    ]
    context.setdefault("version", None)
    return render_template(
        "form_page.html",
        views=field_views,
        for_children=for_children,
        for_children_at=for_children_at,
        errors=error_summary(in_order),
        **context,
    )


def for_child(text: str, name: str, *, label: bool = False) -> str:
    """A question asked for each child, in words for one of them and in the language being spoken:
    "the child" becomes their name. Words that do not say "the child" are labelled with the name
    first, or end "for" the name. (The words come back translated: asked for again, they are not in
    the catalog, and `_` gives them back as they are.)"""
    text = _(text)
    words = re.escape(_("the child"))
    the_child = re.compile(rf"\b{words}\b", re.IGNORECASE)
    if the_child.search(text):
        return the_child.sub(lambda _match: name, text)
    if label:
        return _("%(name)s: %(question)s", name=name, question=text)
    return _("%(words)s for %(name)s", words=text, name=name)


def asked_for_child(info: FieldInfo, name: str) -> FieldInfo:
    """A `per_child` question worded for one child: its label, and the messages built from its name."""
    field = info.field
    update = {"label": for_child(field.label, name, label=True)}
    if field.name:
        update["name"] = for_child(field.name, name)
    if field.error:
        update["error"] = for_child(field.error, name)
    return replace(info, field=field.model_copy(update=update))


def page_errors(
    assessment: Assessment, section: Section, on_screen: set[str], state: PageState, answering: Capability
) -> dict[str, Parsed]:
    """Messages for the questions the person saw: what could not be read, then the engine's checks.

    A question the answers have only now brought in (a list that follows "yes") is not an error yet:
    the page is shown again to ask it.
    """
    form = assessment.form
    visible = {key for key in on_screen if assessment.is_visible(form.info(key))}
    errors = {key: parsed for key, parsed in state.errors.items() if key in visible}
    for error in assessment.errors(section, answering={answering}):
        if error.group is None and error.field in visible:
            errors.setdefault(error.field, Parsed(error=error.message))
    return errors


def item_errors(
    assessment: Assessment,
    section: Section,
    group: FieldInfo,
    index: int,
    on_screen: set[str],
    state: PageState,
    answering: Capability,
) -> dict[str, Parsed]:
    errors = {key: parsed for key, parsed in state.errors.items() if key in on_screen}
    for error in assessment.errors(section, answering={answering}):
        if error.group == group.field.id and error.item == index and error.field in on_screen:
            errors.setdefault(error.field, Parsed(error=error.message))
    return errors
