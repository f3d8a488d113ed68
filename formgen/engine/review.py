"""An assessment's life after its questions (J1 to J3, A2): sent for approval, returned with comments,
approved, reopened with a reason; the decisions the procedure reserves to a manager, with who made
them and when; the manager's reviews of the assessment plan (§12); and who the case is allocated to.

Pure Python and plain data: the web app keeps these with the answers, and the case file carries them,
so documents, import and export all read the same record. Who did something and when always come
from the account and the clock, never from a typed answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from formgen.capabilities import Capability
from formgen.i18n import N_, _

COMMENT_LENGTH = 20_000  # a manager's comments, a reason, a review of the plan
Comment = Annotated[str, StringConstraints(max_length=COMMENT_LENGTH)]
UK = ZoneInfo("Europe/London")  # the day something happened is the day in the UK


class Stage(StrEnum):
    DRAFT = "draft"
    SENT = "sent_for_approval"
    RETURNED = "returned"
    APPROVED = "approved"
    REOPENED = "reopened"


STAGE_LABELS: dict[Stage, str] = {
    Stage.DRAFT: N_("Draft"),
    Stage.SENT: N_("Sent for approval"),
    Stage.RETURNED: N_("Returned to the practitioner"),
    Stage.APPROVED: N_("Approved"),
    Stage.REOPENED: N_("Reopened"),
}
STAGE_SENTENCES: dict[Stage, str] = {
    Stage.DRAFT: N_("it has not been sent for approval"),
    Stage.SENT: N_("it is waiting for a manager's approval"),
    Stage.RETURNED: N_("it has been returned to the practitioner"),
    Stage.APPROVED: N_("it has been approved"),
    Stage.REOPENED: N_("it has been reopened and not yet sent for approval again"),
}
EDITABLE = frozenset({Stage.DRAFT, Stage.RETURNED, Stage.REOPENED})  # the practitioner may change answers


class Step(StrEnum):
    SEND = "send"
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"


@dataclass(frozen=True)
class StepRule:
    button: str  # the words on the button, which people and tests find it by
    verb: str  # what the step does, as a refusal says it
    capability: Capability
    before: frozenset[Stage]
    after: Stage
    asks: str | None = None  # what the person must write to take the step, if anything


RULES: dict[Step, StepRule] = {
    Step.SEND: StepRule(
        N_("Send for approval"), N_("send it for approval"), Capability.EDIT_ASSESSMENT, EDITABLE, Stage.SENT
    ),
    Step.RETURN: StepRule(
        N_("Return to practitioner"),
        N_("return it"),
        Capability.APPROVE,
        frozenset({Stage.SENT}),
        Stage.RETURNED,
        asks=N_("What needs to change before the assessment can be approved?"),
    ),
    Step.APPROVE: StepRule(
        N_("Approve assessment"),
        N_("approve it"),
        Capability.APPROVE,
        frozenset({Stage.SENT}),
        Stage.APPROVED,
    ),
    Step.REOPEN: StepRule(
        N_("Reopen assessment"),
        N_("reopen it"),
        Capability.APPROVE,
        frozenset({Stage.APPROVED}),
        Stage.REOPENED,
        asks=N_("Why does the assessment need to be reopened?"),
    ),
}


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Data):
    """Someone who did something to the record, or holds the case, as their account named them then."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None


class Event(_Data):
    """One step in an assessment's life."""

    step: Step
    by: Person
    at: AwareDatetime
    comment: Comment = ""  # the manager's comments on returning, or the reason for reopening
    version: str | None = None  # the version of the answers approved, as documents print it


class Decision(_Data):
    """Who recorded a decision reserved to a manager, and when; the reasons are the question's answer."""

    field: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")]
    item: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    by: Person
    at: AwareDatetime


class PlanReview(_Data):
    """A manager's review of the assessment plan (§12), at any time during the assessment."""

    by: Person
    at: AwareDatetime
    checked: Annotated[str, StringConstraints(min_length=1, max_length=COMMENT_LENGTH)]
    changes: Comment = ""


class Allocation(_Data):
    """The worker and team a case is allocated to, and since when."""

    worker: Person
    team: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    by: Person | None = None  # None when the case was first opened or imported
    at: AwareDatetime | None = None  # None where an older file did not record it
    reason: Comment = ""


class Restriction(_Data):
    """Why a case is open only to named people (a staff member's relative, say), who decided it, when."""

    by: Person
    at: AwareDatetime
    reason: Annotated[str, StringConstraints(min_length=1, max_length=COMMENT_LENGTH)]


class Review(_Data):
    """A child's assessment's steps so far; its stage follows from the last one."""

    events: list[Event] = Field(default_factory=list)

    @property
    def stage(self) -> Stage:
        return RULES[self.events[-1].step].after if self.events else Stage.DRAFT

    @property
    def approval(self) -> Event | None:
        """The approval that stands: the last step, when it was an approval."""
        return self.events[-1] if self.stage is Stage.APPROVED else None

    @property
    def returned(self) -> Event | None:
        """The manager's comments the practitioner is working on, while the assessment is returned."""
        return self.events[-1] if self.stage is Stage.RETURNED else None

    def sender(self) -> Person | None:
        """Who sent the assessment for approval most recently."""
        return next((event.by for event in reversed(self.events) if event.step is Step.SEND), None)

    def taken(self, step: Step, by: Person, *, comment: str = "", version: str | None = None) -> Review:
        """The review with one more step; StepRefused says why it cannot be taken now."""
        rule = RULES[step]
        if self.stage not in rule.before:
            raise StepRefused(
                _(
                    "You cannot %(step)s now: %(stage)s",
                    step=_(rule.verb),
                    stage=_(STAGE_SENTENCES[self.stage]),
                )
            )
        if rule.asks and not comment.strip():
            raise StepRefused(_(rule.asks))
        event = Event(step=step, by=by, at=datetime.now(UTC), comment=comment.strip(), version=version)
        return Review(events=[*self.events, event])


class StepRefused(ValueError):
    """A step that cannot be taken, with the reason people read, in the language being spoken."""


def approval_date(review: Review) -> date | None:
    """The authorisation date (census N00160): the day the standing approval was given, in the UK."""
    approval = review.approval
    return None if approval is None else approval.at.astimezone(UK).date()
