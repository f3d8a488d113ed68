"""One page of questions for one request, in the manner of a form runner: what the page shows, what was
sent, whether it saves, and where the person goes next.

The wizard's views load what a page edits and hand the request to a runner, so every rule about saving
lives here: a save is refused when someone saved since the page was opened; "Save and come back later"
and the buttons that leave a page (Back, Add, Change, Remove) save what can be read first, or ask; and
answers kept while the person signed in again are shown to be saved, never saved unseen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, flash, g, render_template, request, url_for
from flask import redirect as redirect_to
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from formgen.capabilities import Capability
from formgen.display import article
from formgen.engine import Assessment
from formgen.engine.assessment import PendingDecision
from formgen.engine.journey import first_unanswered_page, next_page
from formgen.engine.removal import HOUSEHOLD
from formgen.fieldtypes import Parsed
from formgen.spec.form import FieldInfo
from formgen.spec.model import Page, Section
from formgen.web import audit, pages, revisions
from formgen.web.access import edit_refusal, require, visible_case
from formgen.web.conflicts import Conflict, conflict
from formgen.web.extensions import db
from formgen.web.held import PARAMETER, held_form
from formgen.web.links import back_to_tasks, journey_args, url
from formgen.web.models import Case, Child
from formgen.web.pages import PageState, Subject
from formgen.web.services import services

NEXT_STEPS = {"children": "cases.children"}  # where the new-case journey goes after the people page
Response = Any  # what a Flask view returns


def load_subject(reference: str, key: str | None) -> Subject:
    case = visible_case(reference)
    child = None
    if key is not None:
        child = case.child(key)
        if child is None:
            abort(404)
        audit.shown(case, [child])  # the household's answers are shown too, but the page is this child's
    return Subject(case, child)


def require_answerer(section_id: str) -> None:
    """Forbidden, before any case is looked up, for someone who does not answer this section: the
    refusal says nothing about which cases exist."""
    form = services().form
    try:
        section = form.section(section_id)
    except KeyError:
        abort(404)
    require(form.answered_by(section))


def find_page(section_id: str, page_id: str | None, subject: Subject) -> tuple[Section, Page | None]:
    form = services().form
    try:
        section = form.section(section_id)
    except KeyError:
        abort(404)
    if section.scope == "child" and subject.child is None:
        abort(404)
    page = None
    if page_id is not None:
        page = next((page for page in section.pages if page.id == page_id), None)
        if page is None:
            abort(404)
    # "Who has seen this record" names the part of the record a page shows.
    shown = [section.title] + ([page.title] if page is not None and page.title else [])
    audit.about(audit.Action.VIEWED, ", ".join(shown))
    return section, page


def save(subject: Subject, section: Section, answers: dict[str, Any], version: int | None) -> bool:
    """Save a section's answers if nobody saved since the page was opened (at `version`)."""
    key = HOUSEHOLD if section.scope == "household" else subject.child.key
    return save_records(subject, subject.record(section), version, {key: answers})


def save_records(
    subject: Subject,
    opened: Case | Child,
    version: int | None,
    records: Mapping[str | None, dict[str, Any]],
    *,
    also: Callable[[], None] | None = None,
    kind: revisions.Kind = revisions.Kind.SAVED,
) -> bool:
    """Save answers (the household's under HOUSEHOLD, a child's under their key), and whatever `also`
    changes with them, if `opened` is still at `version`, each record's as a revision by the signed-in
    person; otherwise, or when another save wins the race, keep the last good version."""
    if version != opened.version:
        return False
    if also is not None:
        also()
    saved = []
    for key, answers in records.items():
        if key is HOUSEHOLD:
            subject.case.household = answers
            saved.append(None)
        else:
            child = subject.case.child(key)
            child.answers = answers
            saved.append(child)
    try:
        db.session.flush()  # gives each record its new version, or finds that another save came first
        for child in saved:
            revisions.keep(subject.case, child, kind, g.user)
        audit.with_the_save()  # one write transaction: the answers, their revisions and the log's event
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        audit.unwritten()
        return False
    return True


def locked(reason: str, back: str) -> Response:
    """The page an edit gets when the assessment cannot be changed now: why, and who can change that."""
    return render_template("wizard/locked.html", reason=reason, back=back), 409


def kept() -> MultiDict | None:
    """What this page sent when the session had ended, kept while the person signed in again."""
    return held_form(request.args.get(PARAMETER))


def sent_version(sent: MultiDict) -> int | None:
    """The version the page was opened at, as its form carries it."""
    return sent.get("version", type=int)


class QuestionPage:
    """A page of a section's questions (a list page included) for one request."""

    def __init__(self, subject: Subject, section: Section, page: Page) -> None:
        self.subject = subject
        self.section = section
        self.page = page
        self.form = services().form
        # A section is answered by one capability: a practitioner's, or the manager's review.
        self.answering = self.form.answered_by(section)  # the view has required it (require_answerer)
        self.infos = pages.page_fields(self.form, page, self.answering)
        if not self.infos:
            abort(404)  # a page of a manager's decisions only: they have pages of their own
        self.stored = subject.answers_for(section)
        self.version = subject.record(section).version
        self.refusal = edit_refusal(subject.case, subject.child, section, self.answering)

    # --- reading ---------------------------------------------------------------------------------

    def assessment(self, answers: dict[str, Any] | None = None) -> Assessment:
        return self.subject.assessment(self.form, self.section, answers)

    def read(self, sent: MultiDict) -> tuple[pages.Submission, dict[str, Any]]:
        posted = pages.read(self.assessment(), self.infos, sent)
        return posted, pages.merge(self.stored, posted.values)

    # --- the request -----------------------------------------------------------------------------

    def get(self) -> Response:
        if self.refusal:
            return locked(self.refusal, back_to_tasks(self.subject))
        held = kept()
        if held is not None:
            posted, answers = self.read(held)
            return self.render(self.assessment(answers), posted.state, sent_version(held), held=True)
        return self.render(self.assessment(), pages.stored_state(self.infos, self.stored), self.version)

    def post(self, sent: MultiDict) -> Response:
        if self.refusal:
            return locked(self.refusal, back_to_tasks(self.subject))
        posted, answers = self.read(sent)
        assessment = self.assessment(answers)
        leaving = self.destination(sent, assessment)
        partial = sent.get("action") == "save-later" or leaving is not None
        state = posted.state
        if not partial:
            state.errors = pages.page_errors(
                assessment, self.section, posted.on_screen, state, self.answering
            )
            state.errors.update(self.list_question_error(sent, assessment))
        if state.errors:
            return self.render(assessment, state, sent_version(sent), leave_without_saving=leaving), 400
        if answers != self.stored and not save(self.subject, self.section, answers, sent_version(sent)):
            state.errors = {}
            fields = {info.field.id for info in self.infos if info.group is None}
            found = conflict(self.subject, self.section, sent_version(sent), assessment, fields)
            # The version read now: Continue after reading the banner saves deliberately.
            return self.render(
                assessment, state, self.version, conflict=found, leave_without_saving=leaving
            ), 409
        self.tell_of_new_decisions(assessment)
        if sent.get("add-another") == "yes" and (group := self.only_group(assessment)) is not None:
            return redirect_to(self.item_url("item", group.field.id, "new"))
        if leaving is not None:
            return redirect_to(leaving)
        if partial:
            return redirect_to(back_to_tasks(self.subject))
        return redirect_to(self.after_saving())

    def tell_of_new_decisions(self, saved: Assessment) -> None:
        """Say so, in plain words, when what was just saved calls for a decision reserved to a manager."""

        def key(pending: PendingDecision) -> tuple[str, str | None]:
            return pending.info.key, pending.item.get("id") if pending.item else None

        before = {
            key(pending) for pending in pages.decisions_asked_by(self.assessment(self.stored), self.page)
        }
        for pending in pages.decisions_asked_by(saved, self.page):
            if key(pending) not in before:
                words = pages.decision_words(saved, pending)
                flash(f"A manager must now record {words}. Your team’s managers see this on their home page.")

    # --- where next ------------------------------------------------------------------------------

    def destination(self, sent: MultiDict, assessment: Assessment) -> str | None:
        """Where a leaving button (Back, Add, Change, Remove) goes, once what was typed is saved."""
        if sent.get("leave") == "back":
            return back_to_tasks(self.subject)
        adding = sent.get("add")
        if adding:
            return self.item_url("item", self.group(adding, assessment).field.id, "new")
        for button, endpoint in (("change", "item"), ("remove", "remove_item")):
            group_id, _, item_id = (sent.get(button) or "").partition("/")
            if group_id:
                group = self.group(group_id, assessment)
                if not any(str(item.get("id")) == item_id for item in assessment.items(group.field.id)):
                    abort(404)
                return self.item_url(endpoint, group.field.id, item_id)
        return None

    def group(self, group_id: str, assessment: Assessment) -> FieldInfo:
        """A list asked on this page; anything else a button names is not found."""
        found = next(
            (info for info in self.infos if info.field.type == "group" and info.field.id == group_id), None
        )
        if found is None or not assessment.is_visible(found):
            abort(404)
        return found

    def item_url(self, endpoint: str, group_id: str, item_id: str) -> str:
        target = {
            "section_id": self.section.id,
            "page_id": self.page.id,
            "group_id": group_id,
            "item_id": item_id,
        }
        return url(self.subject, endpoint, **target, **journey_args())

    def after_saving(self) -> str:
        """The next page: a follow-up the answers have just brought in on this page, else onwards."""
        assessment = self.assessment()
        earlier = self.assessment(self.stored)
        returning = request.args.get("return") == "check"
        extra = {"return": "check"} if returning else {}
        newly_shown = any(assessment.is_visible(info) and not earlier.is_visible(info) for info in self.infos)
        answering = {self.answering}
        if newly_shown and first_unanswered_page(assessment, self.section, answering) == self.page:
            return url(self.subject, "question", section_id=self.section.id, page_id=self.page.id, **extra)
        then = request.args.get("then")
        if then in NEXT_STEPS:
            return url_for(NEXT_STEPS[then], reference=self.subject.case.reference)
        following = (
            first_unanswered_page(assessment, self.section, answering)
            if returning
            else next_page(assessment, self.section, self.page.id)
        )
        if following is None:
            return url(self.subject, "check_answers", section_id=self.section.id)
        return url(self.subject, "question", section_id=self.section.id, page_id=following.id, **extra)

    # --- the "add to a list" pattern -------------------------------------------------------------

    def only_group(self, assessment: Assessment) -> FieldInfo | None:
        """A page whose one visible question is a list: it follows the "add to a list" pattern."""
        visible = [info for info in self.infos if assessment.is_visible(info)]
        return visible[0] if len(visible) == 1 and visible[0].field.type == "group" else None

    def list_question_error(self, sent: MultiDict, assessment: Assessment) -> dict[str, Parsed]:
        group = self.only_group(assessment)
        if group is None or not assessment.items(group.field.id) or sent.get("add-another") in {"yes", "no"}:
            return {}
        name = group.field.item_name or "item"
        return {"add-another": Parsed(error=f"Select yes if you need to add another {name}")}

    # --- showing the page ------------------------------------------------------------------------

    def render(
        self,
        assessment: Assessment,
        state: PageState,
        version: int | None,
        *,
        conflict: Conflict | None = None,
        leave_without_saving: str | None = None,
        held: bool = False,
    ) -> str:
        field_views = pages.views(assessment, self.infos, state)
        groups = {
            view.field.id: self.rows(assessment, view.info)
            for view in field_views
            if view.field.type == "group"
        }
        extra = {"add-another": state.errors["add-another"]} if "add-another" in state.errors else {}
        return render_template(
            "wizard/page.html",
            subject=self.subject,
            section=self.section,
            page=self.page,
            views=field_views,
            groups=groups,
            list_page=self.only_group(assessment),
            waiting=[
                pages.decision_words(assessment, p) for p in pages.decisions_asked_by(assessment, self.page)
            ],
            add_another=state.raw.get("add-another", ""),
            errors=pages.error_summary(field_views, extra),
            add_another_error=state.errors.get("add-another"),
            version=version,
            conflict=conflict,
            leave_without_saving=leave_without_saving,
            held=held,
            back=back_to_tasks(self.subject),
            back_saves=True,
        )

    def rows(self, assessment: Assessment, group: FieldInfo) -> list[dict[str, str]]:
        """A list's items, each with the value its Change and Remove buttons send."""
        return [
            {"label": assessment.item_label(group, item), "value": f"{group.field.id}/{item.get('id')}"}
            for item in assessment.items(group.field.id)
        ]


@dataclass
class ListOnPage:
    """A list on a page (people, agencies, visits) and what its item pages need."""

    subject: Subject
    section: Section
    page: Page
    group: FieldInfo
    stored: dict[str, Any]
    items: list[dict[str, Any]]

    @property
    def record(self):
        return self.subject.record(self.section)

    def index_of(self, item_id: str) -> int | None:
        return next((i for i, existing in enumerate(self.items) if str(existing.get("id")) == item_id), None)

    def back(self) -> str:
        target = {"section_id": self.section.id, "page_id": self.page.id}
        return url(self.subject, "question", **target, **journey_args())


def load_list(reference: str, key: str | None, section_id: str, page_id: str, group_id: str) -> ListOnPage:
    subject = load_subject(reference, key)
    section, page = find_page(section_id, page_id, subject)
    if group_id not in {field.id for field in page.fields}:
        abort(404)
    group = services().form.info(group_id)
    if group.field.type != "group":
        abort(404)
    stored = subject.answers_for(section)
    return ListOnPage(subject, section, page, group, stored, list(stored.get(group_id) or []))


class ItemPage:
    """Adding an item to a list (item id "new") or changing one, for one request.

    Back with unsaved typing asks rather than saves: half an item saved would be a nameless row.
    """

    def __init__(self, found: ListOnPage, item_id: str) -> None:
        self.found = found
        self.form = services().form
        self.index = found.index_of(item_id)
        self.new = item_id == "new"
        if not self.new and self.index is None:
            abort(404)
        if not found.subject.assessment(self.form).is_visible(found.group):
            abort(404)  # a list the answers do not ask for cannot take items
        self.answering = self.form.answered_by(found.section)  # the view has required it
        self.infos = pages.item_fields(self.form, found.group, self.answering)
        self.existing = found.items[self.index] if self.index is not None else {"id": "new"}
        self.refusal = edit_refusal(found.subject.case, found.subject.child, found.section, self.answering)

    def read(self, sent: MultiDict) -> tuple[pages.Submission, dict[str, Any], list[dict[str, Any]], int]:
        assessment = self.found.subject.assessment(self.form)
        posted = pages.read(assessment, self.infos, sent, item=self.existing, index=self.index)
        updated = pages.merge(self.existing, posted.values)
        items = list(self.found.items)
        index = self.index
        if index is None:
            items.append(updated)
            index = len(items) - 1
        else:
            items[index] = updated
        return posted, updated, items, index

    def get(self) -> Response:
        if self.refusal:
            return locked(self.refusal, self.found.back())
        held = kept()
        if held is not None:
            posted, updated, items, index = self.read(held)
            assessment = self.assessment(items)
            return self.render(assessment, updated, index, posted.state, sent_version(held), held=True)
        state = pages.stored_state(self.infos, self.existing)
        assessment = self.found.subject.assessment(self.form)
        return self.render(assessment, self.existing, self.index, state, self.found.record.version)

    def post(self, sent: MultiDict) -> Response:
        if self.refusal:
            return locked(self.refusal, self.found.back())
        posted, updated, items, index = self.read(sent)
        assessment = self.assessment(items)
        state = posted.state
        if sent.get("leave") == "back":
            if updated == self.existing and not state.errors:
                return redirect_to(self.found.back())
            back = self.found.back()
            return self.render(
                assessment, updated, index, state, sent_version(sent), leave_without_saving=back
            )
        state.errors = pages.item_errors(
            assessment, self.found.section, self.found.group, index, posted.on_screen, state, self.answering
        )
        if state.errors:
            return self.render(assessment, updated, index, state, sent_version(sent)), 400
        if self.new:
            updated["id"] = uuid.uuid4().hex[:10]
        answers = {**self.found.stored, self.found.group.field.id: items}
        if not save(self.found.subject, self.found.section, answers, sent_version(sent)):
            found = conflict(
                self.found.subject,
                self.found.section,
                sent_version(sent),
                self.assessment(items),
                {self.found.group.field.id},
            )
            version = self.found.record.version
            return self.render(assessment, updated, index, state, version, conflict=found), 409
        return redirect_to(self.found.back())

    def assessment(self, items: list[dict[str, Any]]) -> Assessment:
        answers = {**self.found.stored, self.found.group.field.id: items}
        return self.found.subject.assessment(self.form, self.found.section, answers)

    def render(
        self,
        assessment: Assessment,
        values: dict[str, Any],
        index: int | None,
        state: PageState,
        version: int | None,
        **banners: Any,
    ) -> str:
        group = self.found.group
        if self.new:
            title = f"Add {article(group.field.item_name or 'item')}"
        else:
            title = f"Change the details of {assessment.item_label(group, values)}"
        return pages.form_page(
            assessment,
            self.infos,
            state,
            item=values,
            index=index,
            caption=self.found.section.title,
            title=title,
            version=version,
            back=self.found.back(),
            back_saves=True,
            **banners,
        )


class NewRecordPage:
    """The page asked before what it makes exists (a new case's referral, a new child), for one request.

    Nothing is saved until it is complete, so Back with something typed asks rather than saves.
    """

    def __init__(self, field_id: str, household: dict[str, Any], *, for_child: bool, **context: Any) -> None:
        self.form = services().form
        info = self.form.info(field_id)
        self.section, self.page = info.section, info.page
        self.infos = pages.page_fields(self.form, self.page, Capability.EDIT_ASSESSMENT)
        self.household = household
        self.for_child = for_child
        self.context = {**context, "back_saves": True}

    def assessment(self, answers: dict[str, Any]) -> Assessment:
        if self.for_child:
            return Assessment(self.form, self.household, answers, today=date.today())
        return Assessment(self.form, answers, None, today=date.today())

    def get(self) -> Response:
        held = kept()
        if held is not None:
            posted = pages.read(self.assessment({}), self.infos, held)
            answers = pages.merge({}, posted.values)
            return pages.form_page(
                self.assessment(answers), self.infos, posted.state, held=True, **self.context
            )
        return pages.form_page(self.assessment({}), self.infos, PageState(), **self.context)

    def post(self, sent: MultiDict, create: Callable[[dict[str, Any]], str]) -> Response:
        """Make the record with `create(answers)`, which gives the page to go to next."""
        posted = pages.read(self.assessment({}), self.infos, sent)
        answers = pages.merge({}, posted.values)
        after = self.assessment(answers)
        if sent.get("leave") == "back":
            if not answers and not posted.state.errors:
                return redirect_to(self.context["back"])
            leave = self.context["back"]
            return pages.form_page(
                after, self.infos, posted.state, leave_without_saving=leave, **self.context
            )
        posted.state.errors = pages.page_errors(
            after, self.section, posted.on_screen, posted.state, Capability.EDIT_ASSESSMENT
        )
        if posted.state.errors:
            return pages.form_page(after, self.infos, posted.state, **self.context), 400
        return redirect_to(create(answers))
