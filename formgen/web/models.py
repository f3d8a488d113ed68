"""What the web app stores: teams and accounts; each case's answers, review, decisions and allocation
as the same JSON a case file holds; every saved version of those answers (revisions); who may see a
restricted case; the append-only log of access; the count of sign-in attempts per address; and the
pages posted after a session ended.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from formgen.capabilities import Capability, Role, capabilities_of
from formgen.engine import CaseFile, ChildRecord
from formgen.engine.distribution import Interpretation, Recipient, Sending, Withholding
from formgen.engine.review import (
    Allocation,
    Decision,
    Person,
    PlanReview,
    Restriction,
    Review,
    Stage,
)
from formgen.web.extensions import db

ROLES = tuple(role.value for role in Role)


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite hands back the UTC time it was given without one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def normal_email(email: str) -> str:
    """An address as accounts are stored and looked up: case and surrounding spaces do not matter."""
    return email.strip().lower()


class Team(db.Model):
    """A team of practitioners with one or more managers; its cases are the team's to see."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    members: Mapped[list[User]] = relationship(back_populates="team", order_by="User.name")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32), default="practitioner")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))  # printed as the lead practitioner's phone
    # The language of the service's pages, as they chose it (formgen.web.languages); None: not chosen.
    language: Mapped[str | None] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    # Raised on signing out: every session cookie issued before it stops working, copies included.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A deactivated account cannot sign in; it is kept, since records and the log name it.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt: memory-hard, salted, with its parameters stored in the hash.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    team: Mapped[Team | None] = relationship(back_populates="members")

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_of(self.role)

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def as_person(self) -> Person:
        """The account as a record of who did something names it: at the time, never looked up again."""
        return Person(name=self.name, email=self.email, phone=self.phone or None)


# The people a restricted case is open to (the allocated worker always is).
case_access = Table(
    "case_access",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class Case(db.Model):
    """A household's case. `version` rises with every save, so a stale page can never overwrite it."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    # The allocated worker and team, which decide who sees the case; `allocations` is their history.
    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    household: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    allocations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decisions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    plan_reviews: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # A restriction keeps the case from everyone but the people named in case_access (a staff member's
    # relative, say): who restricted it, when and why. None when the case is not restricted.
    restriction: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # As the case file holds them (formgen.engine.distribution): who the plan and outcome go to, what
    # is kept from whom, and every copy sent.
    distribution: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    withheld: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    circulation: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    interpretations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, onupdate=now)

    worker: Mapped[User] = relationship()
    team: Mapped[Team | None] = relationship()
    children: Mapped[list[Child]] = relationship(
        back_populates="case", order_by="Child.position", cascade="all, delete-orphan"
    )
    open_to: Mapped[list[User]] = relationship(secondary=case_access, order_by="User.name")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict

    def child(self, key: str) -> Child | None:
        return next((child for child in self.children if child.key == key), None)

    def allocate(self, worker: User, *, by: User | None = None, reason: str = "") -> None:
        """Allocate the case to a worker and their team, keeping who did it, when and why."""
        self.worker, self.team = worker, worker.team
        if self.restriction is not None and worker not in self.open_to:
            self.open_to.append(worker)  # a restricted case stays open to whoever holds it
        allocation = Allocation(
            worker=worker.as_person(),
            team=worker.team.name if worker.team else "No team",
            by=by.as_person() if by else None,
            at=now(),
            reason=reason,
        )
        self.allocations = [*(self.allocations or []), allocation.model_dump(mode="json")]

    @property
    def restricted(self) -> Restriction | None:
        return Restriction.model_validate(self.restriction) if self.restriction else None

    def is_open_to(self, user: User) -> bool:
        """Whether `user` may open the case as far as a restriction goes (its team's rule aside)."""
        return self.restriction is None or user in self.open_to

    @property
    def allocation(self) -> Allocation | None:
        history = self.allocation_history()
        return history[-1] if history else None

    def allocation_history(self) -> list[Allocation]:
        return [Allocation.model_validate(allocation) for allocation in self.allocations or []]

    def decision_records(self) -> list[Decision]:
        return [Decision.model_validate(decision) for decision in self.decisions]

    def reviews_of_plan(self) -> list[PlanReview]:
        return [PlanReview.model_validate(review) for review in self.plan_reviews]

    def to_case_file(self) -> CaseFile:
        return CaseFile(
            reference=self.reference,
            allocation=self.allocation,
            household=dict(self.household),
            decisions=self.decision_records(),
            plan_reviews=self.reviews_of_plan(),
            children=[child.to_record() for child in self.children],
            distribution=[Recipient.model_validate(entry) for entry in self.distribution or []],
            withheld=[Withholding.model_validate(entry) for entry in self.withheld or []],
            circulation=[Sending.model_validate(entry) for entry in self.circulation or []],
            interpretations=[Interpretation.model_validate(entry) for entry in self.interpretations or []],
        )


class Child(db.Model):
    """One child's assessment: their own answers (the household's are on the case)."""

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("case_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The review's steps, and its stage beside them so that lists ("waiting for your approval") can ask
    # the database; `review` below is the one way both are written.
    review_steps: Mapped[dict[str, Any]] = mapped_column("review", JSON, default=dict)
    stage: Mapped[str] = mapped_column(String(32), default=Stage.DRAFT.value, index=True)
    decisions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship(back_populates="children")
    # A removed child's assessment goes whole, its history with it.
    revisions: Mapped[list[Revision]] = relationship(cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict

    @property
    def review(self) -> Review:
        return Review.model_validate(self.review_steps or {})

    @review.setter
    def review(self, review: Review) -> None:
        self.review_steps = review.model_dump(mode="json")
        self.stage = review.stage.value

    def decision_records(self) -> list[Decision]:
        return [Decision.model_validate(decision) for decision in self.decisions]

    def to_record(self) -> ChildRecord:
        return ChildRecord(
            id=self.key, answers=dict(self.answers), review=self.review, decisions=self.decision_records()
        )


class AssessmentSummary(db.Model):
    """What the lists show of one child's assessment, kept beside it so that a list is one query.

    Written by `formgen.web.summaries.refresh` in the same transaction as every change that can move
    it, with the hash of the form (spec, overlay, calendar) it was worked out with: rows of another
    hash are worked out again. Figures that move with the calendar ("working days left", "overdue",
    "plan dates passed") are not stored; they come from the dates here when a list is read.
    """

    __tablename__ = "assessment_summaries"
    __table_args__ = (
        # The lists' walks: a team's or a worker's rows in order, with what decides whether each is seen.
        Index(
            "ix_assessment_summaries_team_order",
            "team_id",
            "due_order",
            "child_name",
            "child_id",
            "restricted",
        ),
        Index(
            "ix_assessment_summaries_worker_order",
            "worker_id",
            "due_order",
            "child_name",
            "child_id",
            "restricted",
        ),
        Index(
            "ix_assessment_summaries_stage_order",
            *("team_id", "stage", "due_order", "child_name", "child_id", "restricted"),
        ),
        Index("ix_assessment_summaries_pending", "team_id", "pending_decisions"),
        Index(  # "Returned to you"
            "ix_assessment_summaries_worker_stage",
            *("worker_id", "stage", "due_order", "child_name", "child_id", "restricted"),
        ),
        Index("ix_assessment_summaries_circulate", "circulate", "case_id", "child_id"),
    )

    child_id: Mapped[int] = mapped_column(
        ForeignKey("children.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # The case's allocation and whether it is restricted, as of the last refresh, so that a list is
    # narrowed and counted without reading the cases; each row a list shows is checked on its case too.
    worker_id: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    child_name: Mapped[str] = mapped_column(String(200))  # as typed; "" when not given yet
    status: Mapped[str] = mapped_column(String(16))  # a formgen.engine.Status: the practitioner's side
    stage: Mapped[str] = mapped_column(String(32))  # a Stage, as on the child
    referral_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    # The lists' order, soonest due first and those with no due date last, as an index can give it.
    due_order: Mapped[date] = mapped_column(Date)
    completion_date: Mapped[date | None] = mapped_column(Date)
    # Until approval: the decisions reserved to a manager still to record, and the earliest day of the
    # plan (an action's, a review's) that is not done; once it has passed the list says so.
    pending_decisions: Mapped[int] = mapped_column(Integer, default=0)
    next_date: Mapped[date | None] = mapped_column(Date)
    # Who wrote it (the workers it was allocated to, whoever sent it): no manager approves their own.
    writers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What waits to be circulated, as the home page says it ("Plan: 2 not yet sent"); empty for none.
    to_circulate: Mapped[list[str]] = mapped_column(JSON, default=list)
    circulate: Mapped[bool] = mapped_column(Boolean, default=False)  # whether any copy waits
    form_hash: Mapped[str] = mapped_column(String(64), index=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Revision(db.Model):
    """The household's or one child's answers as one save left them: who saved, when, and how."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # the household's or the child's version after the save
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: imported or migrated
    kind: Mapped[str] = mapped_column(String(32))  # a formgen.web.revisions.Kind
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)

    author: Mapped[User | None] = relationship()


class AccessEvent(db.Model):
    """One entry of the access log: one request that showed or changed a child's data, a download, a
    sign-in, a change of someone's powers. The database refuses to change or delete it (migration 0005).

    Cases and children are named by id without a foreign key: the log outlives what it names.
    """

    __tablename__ = "access_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # a formgen.web.audit.Action
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    case_reference: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")  # the page, the document, what changed

    user: Mapped[User | None] = relationship()
    children: Mapped[list[AccessedChild]] = relationship(order_by="AccessedChild.child_id")


class AccessedChild(db.Model):
    """A child an access event showed: what "who has seen this record" and a search by child read."""

    __tablename__ = "accessed_children"

    event_id: Mapped[int] = mapped_column(ForeignKey("access_events.id"), primary_key=True)
    child_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(200))  # as shown then: a removed child stays named


class SignInThrottle(db.Model):
    """Sign-in attempts for one address, known or not, since the last success (see formgen.web.throttle)."""

    __tablename__ = "sign_in_throttles"

    # An HMAC of the address, so what people type into the email box is never stored in clear.
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    window_started: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class HeldSubmission(db.Model):
    """A page posted after its session ended, kept for the same account to save (see formgen.web.held)."""

    __tablename__ = "held_submissions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    # Lists of [name, value] pairs: a form may send a name more than once (ticked boxes).
    args: Mapped[list[list[str]]] = mapped_column(JSON)
    form: Mapped[list[list[str]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
