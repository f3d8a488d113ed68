"""One page of questions for one request, in the manner of a form runner: what the page shows, what was
sent, whether it saves, and where the person goes next.

The wizard's views load what a page edits and hand the request to a runner, so every rule about saving
lives here: a save is refused when someone saved since the page was opened; "Save and come back later"
and the buttons that leave a page (Back, Add, Change, Remove) save what can be read first, or ask; and
answers kept while the person signed in again are shown to be saved, never saved unseen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
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
from formgen.i18n import N_, _
from formgen.spec.form import FieldInfo
from formgen.spec.model import Page, Section
from formgen.web import audit, chronology, pages, revisions, summaries
from formgen.web.access import edit_refusal, require, visible_case
from formgen.web.answer_language import NAME, AnswerLanguage
from formgen.web.conflicts import Conflict, child_conflict, combined, conflict
from formgen.web.extensions import db
from formgen.web.held import PARAMETER, held_form
from formgen.web.links import back_to_tasks, journey_args, leaving_for, url
from formgen.web.models import Case, Child
from formgen.web.pages import PageState, Subject
from formgen.web.services import services
from formgen.web.withheld import Withheld

NEXT_STEPS = {"children": "cases.children"}  # where the new-case journey goes after the people page
DECISION_ASKED = N_(
    "A manager must now record %(decision)s. Your team’s managers see this on their home page."
)
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
    checked: Collection[tuple[Case | Child, int | None]] = (),
) -> bool:
    """Save answers (the household's under HOUSEHOLD, a child's under their key), and whatever `also`
    changes with them, if `opened` is still at `version` (and each record `checked` at the version its
    part of the page was opened at), each record's as a revision by the signed-in person; otherwise, or
    when another save wins the race, keep the last good version."""
    if version != opened.version or any(sent != record.version for record, sent in checked):
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
        # A child's answers and revision move only their own row; the household's move every child's.
        children_only = also is None and None not in saved
        summaries.refresh(subject.case, only=saved if children_only else None)
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
        self.language = AnswerLanguage(self.form, self.infos)
        self.stored = subject.answers_for(section)
        self.version = subject.record(section).version
        self.refusal = edit_refusal(subject.case, subject.child, section, self.answering)

    # --- reading ---------------------------------------------------------------------------------

    def assessment(self, answers: dict[str, Any] | None = None) -> Assessment:
        return self.subject.assessment(self.form, self.section, answers)

    def read(self, sent: MultiDict) -> tuple[pages.Submission, dict[str, Any]]:
        posted = pages.read(self.assessment(), self.infos, sent)
        answers = pages.merge(self.stored, posted.values)
        return posted, self.language.read(sent, answers, posted.on_screen)

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
            state.errors.update(self.language.errors(sent))
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
                flash(_(DECISION_ASKED, decision=words))

    # --- where next ------------------------------------------------------------------------------

    def destination(self, sent: MultiDict, assessment: Assessment) -> str | None:
        """Where a leaving button (Back, Add, Change, Remove, the chronology beside the analysis) goes,
        once what was typed is saved."""
        leaving = leaving_for(sent, back_to_tasks(self.subject))
        if leaving is not None:
            return leaving
        if sent.get("leave") == "chronology":
            beside = chronology.beside(self.subject, self.section, self.page, assessment)
            if beside is None:
                abort(404)  # offered beside the analysis only
            return beside["href"]
        adding = sent.get("add")
        if adding:
            return self.item_url("item", self.group(adding, assessment).field.id, "new")
        for button, endpoint in (("change", "item"), ("remove", "remove_item"), ("withhold", None)):
            group_id, _, item_id = (sent.get(button) or "").partition("/")
            if group_id:
                group = self.group(group_id, assessment)
                if not any(str(item.get("id")) == item_id for item in assessment.items(group.field.id)):
                    abort(404)
                if endpoint is None:  # "Who must not see this?", which returns to this page
                    href = Withheld.of(self.subject, assessment).href(group, item_id, self.here())
                    if href is None:
                        abort(404)  # not offered here: not printed outside, or not for this person
                    return href
                return self.item_url(endpoint, group.field.id, item_id)
        return None

    def here(self) -> str:
        """This page's address, with the journey it is on."""
        target = {"section_id": self.section.id, "page_id": self.page.id}
        return url(self.subject, "question", **target, **journey_args())

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
        name = _(group.field.item_name or N_("item"))
        return {"add-another": Parsed(error=_("Select yes if you need to add another %(item)s", item=name))}

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
        extra = {key: state.errors[key] for key in ("add-another", NAME) if key in state.errors}
        return render_template(
            "wizard/page.html",
            subject=self.subject,
            section=self.section,
            page=self.page,
            views=field_views,
            groups=groups,
            list_page=self.only_group(assessment),
            beside=chronology.beside(self.subject, self.section, self.page, assessment),
            waiting=[
                pages.decision_words(assessment, p) for p in pages.decisions_asked_by(assessment, self.page)
            ],
            add_another=state.raw.get("add-another", ""),
            errors=pages.error_summary(field_views, extra),
            add_another_error=state.errors.get("add-another"),
            written_in=self.language.question(assessment, state.errors),
            version=version,
            conflict=conflict,
            leave_without_saving=leave_without_saving,
            held=held,
            back=back_to_tasks(self.subject),
            back_saves=True,
        )

    def rows(self, assessment: Assessment, group: FieldInfo) -> list[dict[str, Any]]:
        """A list's items, each with the value its Change, Remove and "Who must not see this?" buttons
        send, and whom it is withheld from."""
        withheld = Withheld.of(self.subject, assessment)
        return [
            {
                "label": assessment.item_label(group, item),
                "value": f"{group.field.id}/{item.get('id')}",
                "withhold": withheld.offered(group),
                "withheld": withheld.names(group, str(item.get("id"))),
            }
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


@dataclass
class ChildPart:
    """One child's answers to a household item's `per_child` questions (a person's relationship to the
    child), which the item's page asks for each child of the household."""

    child: Child
    name: str
    infos: list[FieldInfo]  # the questions, worded for this child
    entry: dict[str, Any]  # the child's stored answers about the item ({} before any)

    @property
    def prefix(self) -> str:
        return f"for-{self.child.key}-"

    @property
    def version_field(self) -> str:
        return f"version-{self.child.key}"


@dataclass
class ChildReading:
    """What a posted item page holds for one child."""

    part: ChildPart
    posted: pages.Submission | None  # None: the child was added after the page was opened
    entry: dict[str, Any]  # the child's answers about the item, with what was typed


class ItemPage:
    """Adding an item to a list (item id "new") or changing one, for one request.

    Back with unsaved typing asks rather than saves: half an item saved would be a nameless row. A
    household item's `per_child` questions are asked for each child, and saved in each child's answers
    with the household's in one commit.
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
        asked = pages.item_fields(self.form, found.group, self.answering)
        self.infos = [info for info in asked if not info.field.per_child]
        self.existing = found.items[self.index] if self.index is not None else {"id": "new"}
        per_child = [info for info in asked if info.field.per_child]
        children = found.subject.case.children if per_child else []
        self.parts = [self.part(child, per_child) for child in children]
        # The children's questions stand where the first of them stands in the item.
        first = asked.index(per_child[0]) if per_child else len(asked)
        self.before_children = {info.field.id for info in asked[:first]}
        self.refusal = edit_refusal(found.subject.case, found.subject.child, found.section, self.answering)

    def part(self, child: Child, infos: list[FieldInfo]) -> ChildPart:
        name = pages.child_name(self.found.subject.case, child)
        entries = child.answers.get(self.found.group.field.id)
        item_id = str(self.existing.get("id"))
        entry = next(
            (
                dict(entry)
                for entry in (entries if isinstance(entries, list) and not self.new else [])
                if isinstance(entry, dict) and str(entry.get("id")) == item_id
            ),
            {},
        )
        return ChildPart(child, name, [pages.asked_for_child(info, name) for info in infos], entry)

    # --- reading ---------------------------------------------------------------------------------

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

    def read_children(self, sent: MultiDict) -> list[ChildReading]:
        readings = []
        for part in self.parts:
            if sent.get(part.version_field) is None:  # not on the page when it was opened
                readings.append(ChildReading(part, None, part.entry))
                continue
            before = self.child_assessment(self.found.stored, part.child.answers)
            item = {**self.existing, **part.entry}
            posted = pages.read(before, part.infos, sent, item=item, index=self.index, prefix=part.prefix)
            readings.append(ChildReading(part, posted, pages.merge(part.entry, posted.values)))
        return readings

    def child_assessment(self, household: dict[str, Any], answers: dict[str, Any]) -> Assessment:
        return Assessment(self.form, household, answers, today=date.today())

    def child_answers(self, reading: ChildReading, item_id: str) -> dict[str, Any]:
        """The child's answers with their answers about this item, under the list's id by the item's."""
        group_id = self.found.group.field.id
        answers = dict(reading.part.child.answers)
        own = {key: value for key, value in reading.entry.items() if key != "id"}
        stored = answers.get(group_id)
        entries, placed = [], False
        for entry in stored if isinstance(stored, list) else []:
            if isinstance(entry, dict) and str(entry.get("id")) == str(self.existing.get("id")):
                if own and not placed:
                    entries.append({"id": item_id, **own})
                placed = True
            else:
                entries.append(entry)
        if own and not placed:
            entries.append({"id": item_id, **own})
        if entries:
            answers[group_id] = entries
        else:
            answers.pop(group_id, None)
        return answers

    # --- the request -----------------------------------------------------------------------------

    def get(self) -> Response:
        if self.refusal:
            return locked(self.refusal, self.found.back())
        held = kept()
        if held is not None:
            posted, updated, items, index = self.read(held)
            readings = self.read_children(held)
            assessment = self.assessment(items)
            return self.render(
                assessment,
                updated,
                index,
                posted.state,
                sent_version(held),
                self.children_shown(readings, items, updated),
                self.versions(held),
                held=True,
            )
        state = pages.stored_state(self.infos, self.existing)
        assessment = self.found.subject.assessment(self.form)
        readings = [ChildReading(part, None, part.entry) for part in self.parts]
        children = self.children_shown(readings, self.found.items, self.existing)
        return self.render(
            assessment, self.existing, self.index, state, self.found.record.version, children, self.versions()
        )

    def post(self, sent: MultiDict) -> Response:
        if self.refusal:
            return locked(self.refusal, self.found.back())
        posted, updated, items, index = self.read(sent)
        readings = self.read_children(sent)
        assessment = self.assessment(items)
        state = posted.state
        versions = self.versions(sent)
        back = leaving_for(sent, self.found.back())
        if back is not None:
            unchanged = updated == self.existing and all(r.entry == r.part.entry for r in readings)
            unreadable = state.errors or any(r.posted and r.posted.state.errors for r in readings)
            if unchanged and not unreadable:
                return redirect_to(back)
            children = self.children_shown(readings, items, updated)
            return self.render(
                assessment,
                updated,
                index,
                state,
                sent_version(sent),
                children,
                versions,
                leave_without_saving=back,
            )
        state.errors = pages.item_errors(
            assessment, self.found.section, self.found.group, index, posted.on_screen, state, self.answering
        )
        answers = {**self.found.stored, self.found.group.field.id: items}  # the list's record's
        for reading in readings:
            if reading.posted is not None:
                reading.posted.state.errors = self.child_errors(reading, answers, index, str(updated["id"]))
        if state.errors or any(r.posted and r.posted.state.errors for r in readings):
            children = self.children_shown(readings, items, updated)
            return self.render(assessment, updated, index, state, sent_version(sent), children, versions), 400
        if self.new:
            updated["id"] = uuid.uuid4().hex[:10]
        records, checked = self.records(sent, answers, readings, str(updated["id"]))
        subject = self.found.subject
        if not save_records(subject, self.found.record, sent_version(sent), records, checked=checked):
            found = self.conflict(sent, items, readings, str(updated["id"]))
            version = self.found.record.version
            children = self.children_shown(readings, items, updated)
            return self.render(
                assessment, updated, index, state, version, children, self.versions(), conflict=found
            ), 409
        return redirect_to(self.found.back())

    def records(
        self, sent: MultiDict, answers: dict[str, Any], readings: list[ChildReading], item_id: str
    ) -> tuple[dict[str | None, dict[str, Any]], list[tuple[Child, int | None]]]:
        """The answers the page changes (the household's, each child's), and the version each child's
        answers it changes were at when the page was opened: a save since then is not overwritten unseen."""
        records: dict[str | None, dict[str, Any]] = {}
        if answers != self.found.stored:  # the list's own record: the household's, or the child's
            subject = self.found.subject
            records[HOUSEHOLD if self.found.section.scope == "household" else subject.child.key] = answers
        checked = []
        for reading in readings:  # a household list's questions asked for each child
            own = self.child_answers(reading, item_id)
            if reading.posted is not None and own != reading.part.child.answers:
                records[reading.part.child.key] = own
                checked.append((reading.part.child, sent.get(reading.part.version_field, type=int)))
        return records, checked

    def child_errors(
        self, reading: ChildReading, household: dict[str, Any], index: int, item_id: str
    ) -> dict[str, Parsed]:
        """The messages for one child's answers, each naming the child."""
        part, posted = reading.part, reading.posted
        after = self.child_assessment(household, self.child_answers(reading, item_id))
        typed = posted.state.errors
        errors = pages.item_errors(
            after, self.found.section, self.found.group, index, posted.on_screen, posted.state, self.answering
        )
        return {
            key: parsed if key in typed else Parsed(error=pages.for_child(parsed.error or "", part.name))
            for key, parsed in errors.items()
        }

    def conflict(
        self, sent: MultiDict, items: list[dict[str, Any]], readings: list[ChildReading], item_id: str
    ) -> Conflict:
        """What the saves since the page was opened changed, the household's and each child's."""
        group_id = self.found.group.field.id
        found = [
            conflict(
                self.found.subject, self.found.section, sent_version(sent), self.assessment(items), {group_id}
            )
        ]
        household = {**self.found.stored, group_id: items}
        for reading in readings:
            if reading.posted is None:
                continue
            yours = self.child_assessment(household, self.child_answers(reading, item_id))
            opened = sent.get(reading.part.version_field, type=int)
            found.append(child_conflict(reading.part.child, opened, yours, {group_id}, reading.part.name))
        return combined(found)

    def assessment(self, items: list[dict[str, Any]]) -> Assessment:
        answers = {**self.found.stored, self.found.group.field.id: items}
        return self.found.subject.assessment(self.form, self.found.section, answers)

    def versions(self, sent: MultiDict | None = None) -> dict[str, int | None]:
        """The version of each child's answers as the page was opened (its own, for a page opened now)."""
        if sent is None:
            return {part.version_field: part.child.version for part in self.parts}
        return {
            part.version_field: sent.get(part.version_field, type=int)
            for part in self.parts
            if sent.get(part.version_field) is not None
        }

    # --- showing the page ------------------------------------------------------------------------

    def children_shown(
        self, readings: list[ChildReading], items: list[dict[str, Any]], item: dict[str, Any]
    ) -> list[pages.ChildQuestions]:
        """Each child's questions as typed (or stored), each headed by the child's name when several."""
        household = {**self.found.stored, self.found.group.field.id: items}
        index = next((i for i, entry in enumerate(items) if entry is item), self.index)
        shown = []
        for reading in readings:
            part = reading.part
            answers = self.child_answers(reading, str(item.get("id")))
            assessment = self.child_assessment(household, answers)
            state = reading.posted.state if reading.posted else pages.stored_state(part.infos, part.entry)
            views = pages.views(
                assessment, part.infos, state, item={**item, **reading.entry}, index=index, prefix=part.prefix
            )
            shown.append(pages.ChildQuestions(part.name if len(readings) > 1 else None, views))
        return shown

    def render(
        self,
        assessment: Assessment,
        values: dict[str, Any],
        index: int | None,
        state: PageState,
        version: int | None,
        children: list[pages.ChildQuestions],
        versions: dict[str, int | None],
        **banners: Any,
    ) -> str:
        group = self.found.group
        if self.new:
            title = _("Add %(item)s", item=article(_(group.field.item_name or N_("item"))))
        else:
            title = _("Change the details of %(item)s", item=assessment.item_label(group, values))
        return pages.form_page(
            assessment,
            self.infos,
            state,
            for_children=children,
            for_children_after=self.before_children,
            item=values,
            index=index,
            caption=_(self.found.section.title),
            title=title,
            version=version,
            versions=versions,
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
        leave = leaving_for(sent, self.context["back"])
        if leave is not None:
            if not answers and not posted.state.errors:
                return redirect_to(leave)
            return pages.form_page(
                after, self.infos, posted.state, leave_without_saving=leave, **self.context
            )
        posted.state.errors = pages.page_errors(
            after, self.section, posted.on_screen, posted.state, Capability.EDIT_ASSESSMENT
        )
        if posted.state.errors:
            return pages.form_page(after, self.infos, posted.state, **self.context), 400
        return redirect_to(create(answers))
