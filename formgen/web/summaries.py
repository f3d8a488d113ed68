"""The figures the lists show of each child's assessment, kept in `assessment_summaries` so that a list
of any length is one query, never an assessment built per row.

`refresh(case)` works out the rows of one case's children and is called, before the commit, by every
change that can move them: a save of answers (`runner.save_records`), a step of the review, a review
of the plan, an allocation, a new case or child, an import, a child's removal, a change of the
distribution list, a withholding or a sending. Each row keeps the hash of the form it was worked out
with (the spec and overlay files, the calendar, the holidays package and this module's own version):
rows of another hash, or none, are worked out again in batches at the first request after a start
and by `formgen refresh-lists`.

Nothing stored moves with the calendar. "Working days left", "overdue" and "plan dates passed" are
worked out from the stored dates when a list is read, the working days by one subtraction
(`formgen.timescales.working_day_index`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import holidays
from flask import Flask, current_app
from sqlalchemy import Text, or_
from sqlalchemy.orm import Session

from formgen.capabilities import Capability
from formgen.engine import Assessment, Status
from formgen.engine.overdue import outstanding
from formgen.engine.review import STAGE_LABELS, Stage, Step
from formgen.i18n import N_
from formgen.settings import Settings
from formgen.spec import known_fields as known
from formgen.spec.form import FormSpec
from formgen.timescales import WorkingCalendar, working_day_index
from formgen.web.extensions import db
from formgen.web.models import AssessmentSummary, Case, Child, Revision, User, case_access, now

# Raised whenever what `compute` stores changes meaning, so that every row is worked out again.
VERSION = "1"
PER_PAGE = 25
NO_DUE_DATE = date(9999, 12, 31)  # sorts after every due date
BATCH = 200
UNNAMED_CHILD = N_("Unnamed child")


# --- the form's hash -------------------------------------------------------------------------------


def form_hash(settings: Settings, form: FormSpec) -> str:
    """What the stored figures were worked out from: every spec and overlay file, the authority, its
    calendar (nation and closure days) and the holidays package that knows the bank holidays."""
    spec_dir = Path(settings.spec_dir)
    files = hashlib.sha256()
    for path in sorted(path for path in spec_dir.rglob("*") if path.is_file()):
        files.update(str(path.relative_to(spec_dir)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    calendar = _calendar(form)
    closures = ",".join(sorted(day.isoformat() for day in calendar.closure_days))
    parts = (VERSION, files.hexdigest(), settings.authority, calendar.nation, closures, holidays.__version__)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _calendar(form: FormSpec) -> WorkingCalendar:
    return WorkingCalendar(form.authority.nation, form.closure_days())


def current_hash(app: Flask | None = None) -> str:
    """The hash of the form the running app loaded (worked out once, as it loads it)."""
    app = app or current_app
    if "formgen_form_hash" not in app.extensions:
        loaded = app.extensions["formgen"]
        app.extensions["formgen_form_hash"] = form_hash(loaded.settings, loaded.form)
    return app.extensions["formgen_form_hash"]


# --- working out one row ---------------------------------------------------------------------------


def compute(
    form: FormSpec, case: Case, child: Child, revision: int, *, today: date | None = None
) -> dict[str, Any]:
    """A child's row, from their answers and the case's: what the home page used to work out per row."""
    from formgen.web.circulation import waiting_lines  # circulation imports this module's callers

    today = today or date.today()
    assessment = Assessment(form, case.household, child.answers, today=today)
    statuses = [
        assessment.status(section)
        for section in assessment.relevant_sections()
        if form.answered_by(section) is Capability.EDIT_ASSESSMENT
    ]
    status = (
        Status.COMPLETED
        if all(status is Status.COMPLETED for status in statuses)
        else Status.NOT_STARTED
        if all(status is Status.NOT_STARTED for status in statuses)
        else Status.IN_PROGRESS
    )
    review = child.review
    approved = review.stage is Stage.APPROVED
    plan = [] if approved else outstanding(assessment, case.reviews_of_plan())
    writers = {allocation.worker.email for allocation in case.allocation_history()}
    writers |= {event.by.email for event in review.events if event.step is Step.SEND}
    waiting = waiting_lines(form, case, child, revision, today=today)
    return {
        "worker_id": case.worker_id,
        "team_id": case.team_id,
        "restricted": case.restriction is not None,
        "child_name": (assessment.child_name or "").strip()[:200],
        "status": status.value,
        "stage": review.stage.value,
        "referral_date": assessment.value(known.REFERRAL_DATE),
        "due_date": assessment.due_date,
        "due_order": assessment.due_date or NO_DUE_DATE,
        "completion_date": assessment.value(known.COMPLETION_DATE),
        "pending_decisions": 0 if approved else len(assessment.pending_decisions()),
        "next_date": plan[0].due if plan else None,
        "writers": sorted(writer for writer in writers if writer),
        "to_circulate": waiting,
        "circulate": bool(waiting),
    }


def _revision_numbers(session: Session, case_ids: Sequence[int]) -> dict[tuple[int, int | None], int]:
    counted = session.execute(
        db.select(Revision.case_id, Revision.child_id, db.func.count())
        .where(Revision.case_id.in_(case_ids))
        .group_by(Revision.case_id, Revision.child_id)
    ).all()
    return {(case_id, child_id): count for case_id, child_id, count in counted}


def refresh(
    case: Case,
    session: Session | None = None,
    *,
    app: Flask | None = None,
    only: Collection[Child] | None = None,
) -> None:
    """Work out the rows of `case`'s children again, in the caller's transaction (it commits); `only`
    those children's, when the change cannot move the others' (a save of one child's answers)."""
    _refresh([case], session or db.session, app or current_app, only)


def _refresh(
    cases: Iterable[Case], session: Session, app: Flask, only: Collection[Child] | None = None
) -> None:
    cases = list(cases)
    session.flush()  # new children get their ids, removed ones go; revisions are counted
    loaded = app.extensions["formgen"]
    stamp, at = current_hash(app), now()
    numbers = _revision_numbers(session, [case.id for case in cases])
    ids = [case.id for case in cases]
    kept = {
        summary.child_id: summary
        for summary in session.scalars(db.select(AssessmentSummary).where(AssessmentSummary.case_id.in_(ids)))
    }
    for case in cases:
        for child in case.children:
            if only is not None and child not in only:
                kept.pop(child.id, None)  # kept as it is
                continue
            revision = numbers.get((case.id, None), 0) + numbers.get((case.id, child.id), 0)
            values = compute(loaded.form, case, child, revision)
            summary = kept.pop(child.id, None)
            if summary is None:
                summary = AssessmentSummary(child_id=child.id, case_id=case.id)
                session.add(summary)
            for name, value in values.items():
                setattr(summary, name, value)
            summary.case_id, summary.form_hash, summary.computed_at = case.id, stamp, at
    for gone in kept.values():  # a removed child's row (the database's cascade may have taken it)
        session.delete(gone)


# --- rows worked out with another form -------------------------------------------------------------


def stale_cases(session: Session, stamp: str, limit: int) -> list[int]:
    """Cases with a child whose row is missing or was worked out with another form."""
    missing = (
        db.select(Child.case_id)
        .outerjoin(AssessmentSummary, AssessmentSummary.child_id == Child.id)
        .where(or_(AssessmentSummary.child_id.is_(None), AssessmentSummary.form_hash != stamp))
        .distinct()
        .order_by(Child.case_id)
        .limit(limit)
    )
    return list(session.scalars(missing))


def refresh_stale(app: Flask, *, batch: int = BATCH) -> int:
    """Work out every missing or stale row again, `batch` cases to a transaction. Returns how many
    cases were refreshed."""
    done = 0
    with app.app_context():
        stamp = current_hash(app)
        while True:
            ids = stale_cases(db.session, stamp, batch)
            if not ids:
                return done
            cases = db.session.scalars(db.select(Case).where(Case.id.in_(ids))).all()
            _refresh(cases, db.session, app)
            db.session.commit()
            db.session.expunge_all()
            done += len(cases)


def refresh_at_start(app: Flask) -> None:
    """Once per app: bring the rows up to date with the form it loaded, in a thread of its own so that
    the first request does not wait for thousands of assessments (the lists show the rows as they
    were until then); at once when FORMGEN_REFRESH_LISTS is "now" (the tests)."""
    if app.config.get("FORMGEN_REFRESH_LISTS", "background") == "now":
        refresh_stale(app)
        return
    threading.Thread(target=refresh_stale, args=(app,), name="formgen-refresh-lists", daemon=True).start()


# --- reading a list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a list is narrowed to: a status ("in_progress", a stage...), overdue ones, one worker."""

    status: str | None = None
    overdue: bool = False
    worker: int | None = None

    def args(self) -> dict[str, str]:
        args = {"status": self.status or "", "overdue": "yes" if self.overdue else "", "worker": ""}
        args["worker"] = str(self.worker) if self.worker is not None else ""
        return {name: value for name, value in args.items() if value}


# The home page's filter of statuses, each as the status column says it (in English: the page
# translates them as it shows them).
STATUSES: dict[str, str] = {
    "not_started": N_("Not yet started"),
    "in_progress": N_("In progress"),
    "ready": N_("Ready to send"),
    Stage.SENT.value: STAGE_LABELS[Stage.SENT],
    Stage.RETURNED.value: STAGE_LABELS[Stage.RETURNED],
    Stage.APPROVED.value: STAGE_LABELS[Stage.APPROVED],
}
_WORKING = (Stage.DRAFT.value, Stage.REOPENED.value)


def _status_condition(status: str):
    S = AssessmentSummary
    if status in (Stage.SENT.value, Stage.RETURNED.value, Stage.APPROVED.value):
        return S.stage == status
    progress = {"ready": Status.COMPLETED, "in_progress": Status.IN_PROGRESS}.get(status, Status.NOT_STARTED)
    return S.stage.in_(_WORKING) & (S.status == progress.value)


def _seen_in_summaries(user: User):
    """`access.cases_seen_by` asked of the summaries' copy of the allocation and restriction, so that a
    list is narrowed and counted by index; every row shown is checked against its case as well."""
    S = AssessmentSummary
    seen = S.worker_id == user.id
    if user.can(Capability.VIEW_TEAM) and user.team_id is not None:
        # The team's, and their own; those of their own in another team (held before they moved) are
        # asked for only when there are any, so that the usual list is one walk of the team's index.
        elsewhere = db.select(S.child_id).where(
            S.worker_id == user.id, S.team_id.is_distinct_from(user.team_id)
        )
        team = S.team_id == user.team_id
        seen = or_(team, seen) if db.session.scalar(elsewhere.limit(1)) is not None else team
    named = db.select(case_access.c.case_id).where(
        case_access.c.case_id == S.case_id, case_access.c.user_id == user.id
    )
    return seen & or_(S.restricted.is_(False), named.exists())


def _seen(user: User, filters: Filters, today: date):
    S = AssessmentSummary
    conditions = [_seen_in_summaries(user)]
    if filters.status in STATUSES:
        conditions.append(_status_condition(filters.status))
    if filters.overdue:
        # On the day read: past its due date, timed at its completion once completed, and not approved.
        on = db.func.coalesce(S.completion_date, today)
        conditions.append((S.stage != Stage.APPROVED.value) & S.due_date.is_not(None) & (S.due_date < on))
    if filters.worker is not None:
        conditions.append(S.worker_id == filters.worker)
    return conditions


ORDER = (AssessmentSummary.due_order, AssessmentSummary.child_name, AssessmentSummary.child_id)
BY_CASE = (AssessmentSummary.case_id, AssessmentSummary.child_id)


def _chosen(user: User, conditions: list, order, limit: int, offset: int = 0) -> list[int]:
    """The children's ids of one page of a list, from the summaries alone (their indexes give the order)."""
    query = db.select(AssessmentSummary.child_id).where(*conditions).order_by(*order)
    return list(db.session.scalars(query.limit(limit).offset(offset)))


def _shown(user: User, ids: list[int], order) -> Any:
    """Those rows with what the list prints beside them, each checked against its case: a summary not
    yet refreshed after a change of allocation or restriction never shows a case to the wrong person."""
    from formgen.web.access import cases_seen_by

    S = AssessmentSummary
    return (
        db.select(S, Child.key, Case.reference, Case.worker_id, User.name)
        .join(Child, Child.id == S.child_id)
        .join(Case, Case.id == S.case_id)
        .join(User, User.id == Case.worker_id)
        .where(S.child_id.in_(ids), cases_seen_by(user))
        .order_by(*order)
    )


@dataclass
class Row:
    """One assessment as the home pages list it, from its summary and the day it is read on."""

    summary: AssessmentSummary
    key: str
    reference: str
    worker_id: int
    worker: str
    today: date
    calendar: WorkingCalendar

    @property
    def name(self) -> str:
        """The child's name, in English when they have none yet (as the access log keeps it)."""
        return self.summary.child_name or UNNAMED_CHILD

    @property
    def stage(self) -> Stage:
        return Stage(self.summary.stage)

    @property
    def status(self) -> Status:
        return Status(self.summary.status)

    @property
    def due(self) -> date | None:
        return self.summary.due_date

    @property
    def on(self) -> date:
        return self.summary.completion_date or self.today  # as at completion once completed

    @property
    def left(self) -> int | None:
        if self.due is None:
            return None
        return working_day_index(self.calendar).between(self.on, self.due)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.on > self.due and self.stage is not Stage.APPROVED

    @property
    def late(self) -> bool:
        """A day the plan set has passed with the action or review not done."""
        day = self.summary.next_date
        return day is not None and day < self.today and self.stage is not Stage.APPROVED

    @property
    def pending(self) -> int:
        return self.summary.pending_decisions if self.stage is not Stage.APPROVED else 0

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    def wrote(self, user: User) -> bool:
        return user.email in (self.summary.writers or [])


def _rows(user: User, query, today: date, form: FormSpec) -> list[Row]:
    calendar = _calendar(form)
    return [
        Row(summary, key, reference, worker_id, worker, today, calendar)
        for summary, key, reference, worker_id, worker in db.session.execute(query)
    ]


@dataclass
class Listing:
    rows: list[Row]
    total: int
    page: int
    pages: int
    per_page: int


def listing(user: User, filters: Filters, page: int, *, per_page: int = PER_PAGE) -> Listing:
    """One page of the assessments `user` may see, soonest due first: a count and one query."""
    today, form = date.today(), current_app.extensions["formgen"].form
    counted = db.select(db.func.count()).select_from(AssessmentSummary).where(*_seen(user, filters, today))
    total = db.session.scalar(counted) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    ids = _chosen(user, _seen(user, filters, today), ORDER, per_page, (page - 1) * per_page) if total else []
    rows = _rows(user, _shown(user, ids, ORDER), today, form) if ids else []
    return Listing(rows, total, page, pages, per_page)


def wrote_by(user: User):
    """The summaries of assessments `user` wrote (a condition): their address among the writers."""
    pattern = json.dumps(user.email).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return db.cast(AssessmentSummary.writers, Text).like(f"%{pattern}%", escape="\\")


def to_circulate():
    """The summaries with copies waiting to be sent (a condition)."""
    return AssessmentSummary.circulate.is_(True)


def waiting(user: User, condition, *, limit: int = PER_PAGE, by_case: bool = False) -> tuple[list[Row], bool]:
    """The assessments `user` may see that wait on them (`condition` on the summaries): at most `limit`
    of them, soonest due first (or case by case, each case's children in order), and whether there are
    more (not how many: the list's own filter counts them)."""
    today, form = date.today(), current_app.extensions["formgen"].form
    conditions = [*_seen(user, Filters(), today), condition]
    ids = _chosen(user, conditions, BY_CASE if by_case else ORDER, limit + 1)  # one more: are there more?
    shown_order = (Case.id, Child.position) if by_case else ORDER
    return (_rows(user, _shown(user, ids[:limit], shown_order), today, form) if ids else []), len(ids) > limit
